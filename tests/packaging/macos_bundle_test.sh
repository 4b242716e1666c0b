#!/usr/bin/env bash
# What can be checked here of the macOS and Windows packages: the bundle's Info.plist as CMake
# renders it (a valid plist, a menu-bar app with the project's version and id), and the CPack
# settings of both platforms kept behind if(WIN32)/if(APPLE) so Linux packages are unchanged.
#   tests/packaging/macos_bundle_test.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
ROOT="$1"
BUILD="$2"
# shellcheck source=tests/packaging/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
need python3 python3
plist="$BUILD/packaging/macos/Info.plist"
[[ -f "$plist" ]] || { echo "FAIL: $plist was not rendered at configure time"; exit 1; }
version="$(sed -n 's/^project(qdyn VERSION \([0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")"
[[ -n "$version" ]] || { echo "FAIL: no version in $ROOT/CMakeLists.txt's project()"; exit 1; }

out="$(python3 - "$plist" "$version" <<'PY' 2>&1
import plistlib, sys
path, version = sys.argv[1], sys.argv[2]
with open(path, "rb") as f:
    info = plistlib.load(f)
expected = {
    "CFBundleExecutable": "qdyn-tray",
    "CFBundleIconFile": "qdyn",
    "CFBundleIdentifier": "org.qdyn.QdynTray",
    "CFBundlePackageType": "APPL",
    "CFBundleShortVersionString": version,
    "CFBundleVersion": version,
    "LSUIElement": True,
    "NSHighResolutionCapable": True,
}
for key, value in expected.items():
    if info.get(key) != value:
        print(f"FAIL: {key} is {info.get(key)!r}, expected {value!r}")
minimum = info.get("LSMinimumSystemVersion", "")
if not minimum or not all(part.isdigit() for part in minimum.split(".")):
    print(f"FAIL: LSMinimumSystemVersion is {minimum!r}")
left = [k for k, v in info.items() if isinstance(v, str) and ("@" in v or "${" in v)]
if left:
    print(f"FAIL: unrendered variables in {left}")
PY
)"
[[ -z "$out" ]] || { echo "$out"; failures=$((failures + 1)); }

# The id is the one the Linux desktop files use: one application, one name.
grep -q "org.qdyn.QdynTray" "$ROOT/packaging/linux/desktop/org.qdyn.QdynTray.desktop" 2>/dev/null ||
  grep -q "org.qdyn.QdynTray" "$ROOT/packaging/linux/desktop/org.qdyn.QdynTray.metainfo.xml" ||
  fail "the Linux desktop files do not carry the bundle id org.qdyn.QdynTray"

# Windows and macOS settings exist and stay out of this (Linux) configuration.
cfg="$BUILD/CPackConfig.cmake"
[[ -f "$cfg" ]] || { echo "FAIL: $cfg is missing"; exit 1; }
for generator in NSIS DragNDrop; do
  ! grep -q "CPACK_GENERATOR \"$generator\"" "$cfg" || fail "the Linux CPackConfig.cmake selects $generator"
done
for variable in CPACK_NSIS_MODIFY_PATH CPACK_NSIS_EXTRA_INSTALL_COMMANDS CPACK_WIX_UPGRADE_GUID CPACK_DMG_VOLUME_NAME \
                CPACK_MONOLITHIC_INSTALL CPACK_VERBATIM_VARIABLES; do
  ! grep -q "^set($variable " "$cfg" || fail "$variable (Windows or macOS only) is set in the Linux configuration"
done
grep -q '^set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")' "$cfg" || fail "the Linux packages no longer install under /usr"
windows="$ROOT/packaging/cmake/QdynPackagingWindows.cmake"
macos="$ROOT/packaging/cmake/QdynPackagingMacos.cmake"
for pattern in "set(CPACK_GENERATOR NSIS)" "windeployqt" "CPACK_PACKAGE_EXECUTABLES qdyn-tray" "CPACK_WIX_UPGRADE_GUID" \
               "service uninstall"; do
  grep -qF "$pattern" "$windows" || fail "QdynPackagingWindows.cmake has no '$pattern'"
done
for pattern in "set(CPACK_GENERATOR DragNDrop)" "macdeployqt" "codesign"; do
  grep -qF "$pattern" "$macos" || fail "QdynPackagingMacos.cmake has no '$pattern'"
done
grep -q "include(QdynPackagingWindows)" "$ROOT/packaging/cmake/QdynPackaging.cmake" &&
  awk '/^if\(WIN32\)/ { w = 1 } w && /include\(QdynPackagingWindows\)/ { ok = 1 } /^endif/ { w = 0 } END { exit !ok }' \
      "$ROOT/packaging/cmake/QdynPackaging.cmake" || fail "QdynPackagingWindows.cmake is not included under if(WIN32)"
grep -q "MACOSX_BUNDLE_INFO_PLIST \${PROJECT_BINARY_DIR}/packaging/macos/Info.plist" "$ROOT/gui/CMakeLists.txt" ||
  fail "gui/CMakeLists.txt does not make qdyn-tray a bundle with the rendered Info.plist"

finish "macOS bundle and Windows/macOS package settings: all checks passed"
