#!/usr/bin/env bash
# The tray app's desktop integration in packaging/linux/desktop: the desktop file passes
# desktop-file-validate, the AppStream metainfo passes appstreamcli validate, both name the same
# application id, the icon the desktop file asks for is the one gui/CMakeLists.txt installs, and
# the metainfo's newest release is the programs' version.
#   tests/packaging/desktop_files_test.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
ROOT="$1"
BUILD="$2"
# shellcheck source=tests/packaging/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
need desktop-file-utils desktop-file-validate
need appstream appstreamcli
QDYN="$BUILD/cli/qdyn"
[[ -x "$QDYN" ]] || { echo "FAIL: $QDYN is missing"; exit 1; }
APP_ID="org.qdyn.QdynTray"
dir="$ROOT/packaging/linux/desktop"
desktop="$dir/$APP_ID.desktop"
metainfo="$dir/$APP_ID.metainfo.xml"

out="$(desktop-file-validate "$desktop" 2>&1)" || fail "desktop-file-validate: $out"
[[ -z "$out" ]] || fail "desktop-file-validate has remarks: $out"
out="$(appstreamcli validate --no-net "$metainfo" 2>&1)" || fail "appstreamcli validate: $out"

grep -qx "Icon=$APP_ID" "$desktop" || fail "the desktop file's icon is not $APP_ID"
grep -qx "Exec=qdyn-tray" "$desktop" || fail "the desktop file does not start qdyn-tray"
grep -q "<id>$APP_ID</id>" "$metainfo" || fail "the metainfo's id is not $APP_ID"
grep -q "<launchable type=\"desktop-id\">$APP_ID.desktop</launchable>" "$metainfo" || fail "the metainfo does not launch $APP_ID.desktop"
grep -q "RENAME $APP_ID.svg" "$ROOT/gui/CMakeLists.txt" || fail "gui/CMakeLists.txt does not install the icon as $APP_ID.svg"

version="$("$QDYN" --version | awk '{ print $2 }')"
newest="$(grep -o '<release version="[^"]*"' "$metainfo" | head -n1 | cut -d'"' -f2)"
[[ "$newest" == "$version" ]] || fail "the metainfo's newest release is $newest, the programs are $version"

finish "desktop files: all checks passed"
