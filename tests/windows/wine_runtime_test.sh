#!/usr/bin/env bash
# qdyn's Windows code built with mingw-w64 and run under Wine (tests/windows/runtime_test.cpp):
# the command runner, the interface source and snapshot, the system's resolvers, core's private
# files (atomic replacement, access lists, the privacy check), the service's files, and more. Wine
# is not Windows, but it runs the same calls through the same code paths; what Wine does not implement
# (NotifyIpInterfaceChange is a stub there) is not tested here. The test registers, starts, stops
# and removes a service in the prefix's own Service Control Manager, and writes its own registry.
#   tests/windows/wine_runtime_test.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
ROOT="$1"
OUT="$(cd "$2" && pwd)/windows-runtime"
# shellcheck source=tests/packaging/common.sh
source "$ROOT/tests/packaging/common.sh"
need g++-mingw-w64-x86-64-posix x86_64-w64-mingw32-g++-posix
WINE=""
for candidate in /usr/lib/wine/wine64 "$(command -v wine64 || true)" "$(command -v wine || true)"; do
  [[ -n "$candidate" && -x "$candidate" ]] && { WINE="$candidate"; break; }
done
[[ -n "$WINE" ]] || { echo "FAIL: Wine is missing (packaging/deps/debian.sh installs wine64)"; exit 1; }
CXX="$(command -v x86_64-w64-mingw32-g++-posix)"
FLAGS=(-std=c++20 -O1 -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wold-style-cast -Werror
       -I"$ROOT/core/include" -I"$ROOT/core/src/detect" -I"$ROOT/core/src/netmon" -I"$ROOT/cli" -I"$ROOT/gui"
       -I"$ROOT/server-mock/include" -I"$ROOT/server-mock/src"
       -D_WIN32_WINNT=0x0A00)
mkdir -p "$OUT"

# Each object is rebuilt only when its source or a header of core changed since.
newest_header="$(find "$ROOT/core/include" "$ROOT/core/src" "$ROOT/cli" "$ROOT/gui" "$ROOT/server-mock" "$ROOT/tests/windows" \
                 -name '*.hpp' -newer "$OUT/.built" \
                 2>/dev/null | head -n 1)"
[[ -f "$OUT/.built" ]] || newest_header=all
compile() {  # SOURCE OBJECT [FLAGS...]
  local source="$1" object="$2"
  shift 2
  if [[ -n "$newest_header" || ! -f "$object" || "$source" -nt "$object" ]]; then
    "$CXX" "${FLAGS[@]}" "$@" -c "$source" -o "$object" || return 1
  fi
}
sources=(core/src/detect/command_runner_windows.cpp core/src/windows_command_line.cpp
         core/src/detect/interface_source_windows.cpp core/src/netmon/interface_snapshot_windows.cpp
         core/src/netmon/interface_snapshot.cpp core/src/agent/system_resolvers_windows.cpp
         core/src/ip_address.cpp core/src/dns/name.cpp core/src/private_file_windows.cpp
         core/src/protocols/file_drop.cpp core/src/protocols/outcome.cpp cli/service_host_windows.cpp
         cli/service_files_windows.cpp gui/autostart_windows.cpp
         server-mock/src/accounts/accounts_file.cpp server-mock/src/accounts/accounts_file_windows.cpp
         server-mock/src/filedrop/drop_file_reader_windows.cpp server-mock/src/filedrop/file_signature_windows.cpp
         tests/windows/runtime_test.cpp tests/windows/private_file_check.cpp tests/windows/server_files_check.cpp
         tests/windows/service_files_check.cpp)
objects=()
pids=()
for source in "${sources[@]}"; do
  object="$OUT/$(basename "${source%.cpp}").o"
  objects+=("$object")
  compile "$ROOT/$source" "$object" & pids+=($!)
done
compile "$ROOT/tests/windows/child.cpp" "$OUT/child.o" -municode & pids+=($!)
built=1
for pid in "${pids[@]}"; do wait "$pid" || built=0; done
(( built )) || { echo "FAIL: the Windows code does not compile with $(basename "$CXX")"; exit 1; }
"$CXX" -static -o "$OUT/runtime_test.exe" "${objects[@]}" -liphlpapi -lws2_32 -ladvapi32 ||
  { echo "FAIL: runtime_test.exe does not link"; exit 1; }
"$CXX" -static -municode -o "$OUT/child.exe" "$OUT/child.o" -lshell32 || { echo "FAIL: child.exe does not link"; exit 1; }
touch "$OUT/.built"

# A private Wine prefix in the build tree, made once (a few seconds); no display needed.
export WINEPREFIX="$OUT/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" DISPLAY=
WINESERVER="$(dirname "$WINE")/wineserver"
[[ -x "$WINESERVER" ]] || WINESERVER="$(command -v wineserver || echo /usr/lib/wine/wineserver)"
if [[ ! -f "$WINEPREFIX/.qdyn-ready" ]]; then
  rm -rf "$WINEPREFIX"
  "$WINE" wineboot --init >/dev/null 2>&1 || { echo "FAIL: wineboot could not make a prefix in $WINEPREFIX"; exit 1; }
  # wineboot returns before the prefix's set-up (registry, services) has finished: a service
  # registered meanwhile can be lost when the set-up writes the registry. Wait for it to end.
  "$WINESERVER" -w
  touch "$WINEPREFIX/.qdyn-ready"
fi
scratch="$(mktemp -d)"
cleanup() {
  "$WINESERVER" -k >/dev/null 2>&1 || true
  rm -rf "$scratch"
}
trap cleanup EXIT
# The child sits in a folder whose name has a space, as under "C:\Program Files".
mkdir -p "$scratch/with space" "$scratch/drop"
cp "$OUT/child.exe" "$scratch/with space/child.exe"
windows_path() { local path="$1"; echo "Z:${path//\//\\}"; }
# The resolvers Wine reads from /etc/resolv.conf: its IPv4 nameservers, at most three.
mapfile -t resolvers < <(awk '$1 == "nameserver" && $2 ~ /^[0-9.]+$/ && $2 != "0.0.0.0" { print $2 }' \
                           /etc/resolv.conf 2>/dev/null | awk '!seen[$0]++' | head -n 3)
"$WINE" "$OUT/runtime_test.exe" "$(windows_path "$scratch/with space/child.exe")" "$(windows_path "$scratch")" \
  "${resolvers[@]}" 2>&1 | tr -d '\r'
status="${PIPESTATUS[0]}"
(( status == 0 )) || { echo "FAIL: runtime_test.exe under Wine: exit status $status"; exit 1; }
echo "PASS: the Windows command runner, interface source and snapshot, resolvers, service host, autostart, private files, the service's files and qdyn-server's files under $("$WINE" --version 2>/dev/null)"
