#!/usr/bin/env bash
# The Windows code (every *_windows.cpp, behind the same interfaces as the Linux and macOS
# files) compiled here with mingw-w64, with the project's warnings as errors, so it at least
# builds although this machine cannot run it; then all of core, the CLI and qdyn-server as their
# Windows builds have them, each as one translation unit, the way a unity build may put them
# together (where <windows.h> macros and same-named helpers of different files meet); then the
# test files the Windows build has (tests/CMakeLists.txt lists them), so the Windows CI job's
# test suite builds. tests/windows runs part of the Windows code under Wine.
#   tests/packaging/windows_cross_compile_test.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
ROOT="$1"
BUILD="$2"
# shellcheck source=tests/packaging/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
need g++-mingw-w64-x86-64-posix x86_64-w64-mingw32-g++-posix
CXX="$(command -v x86_64-w64-mingw32-g++-posix)"
FLAGS=(-std=c++20 -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
       -Wold-style-cast -Woverloaded-virtual -Wnull-dereference -Werror)

mapfile -t files < <(cd "$ROOT" && find core/src cli server-mock/src gui -name '*_windows.cpp' 2>/dev/null | sort)
(( ${#files[@]} >= 5 )) || { echo "FAIL: expected the Windows files (at least five), found ${#files[@]}"; exit 1; }
for file in "${files[@]}"; do
  if out="$("$CXX" "${FLAGS[@]}" -I"$ROOT/core/include" -I"$ROOT/core/src" -I"$ROOT/server-mock/include" \
              -I"$ROOT/server-mock/src" -I"$ROOT/$(dirname "$file")" -c "$ROOT/$file" -o /dev/null 2>&1)"; then
    echo "ok   $file"
  else
    fail "$file"; echo "$out" | head -n 20
  fi
done
# The event log's message table: windmc compiles it, windres turns the result into the resource
# object linked into qdyn.exe, and the message id the code reports is the one the table defines.
need binutils-mingw-w64-x86-64 x86_64-w64-mingw32-windmc x86_64-w64-mingw32-windres
events="$(mktemp -d)"
trap 'rm -rf "$events"' EXIT
if out="$(x86_64-w64-mingw32-windmc -h "$events" -r "$events" "$ROOT/cli/windows/qdyn_events.mc" 2>&1)"; then
  # windmc writes "(DWORD) 0x1", mc.exe "((DWORD)0x00000001L)".
  table_id="$(sed -n 's/^#define QDYN_EVENT_LINE.*0x\([0-9A-Fa-f]*\).*/\1/p' "$events/qdyn_events.h")"
  code_id="$(sed -n 's/^constexpr DWORD kEventLine = 0x\([0-9A-Fa-f]*\);.*/\1/p' "$ROOT/cli/commands/service_notify_windows.cpp")"
  if [[ -n "$table_id" && -n "$code_id" ]] && (( 16#$table_id == 16#$code_id )); then
    echo "ok   event message id $code_id is QDYN_EVENT_LINE of qdyn_events.mc"
  else
    fail "the event id in service_notify_windows.cpp (${code_id:-none}) is not QDYN_EVENT_LINE (${table_id:-none})"
  fi
  if out="$(cd "$events" && x86_64-w64-mingw32-windres qdyn_events.rc -O coff -o qdyn_events.o 2>&1)" &&
     x86_64-w64-mingw32-objdump -h "$events/qdyn_events.o" | grep -q '\.rsrc'; then
    echo "ok   cli/windows/qdyn_events.mc compiles into a resource object"
  else
    fail "windres could not compile the message table"; echo "$out" | head -n 20
  fi
else
  fail "windmc refused cli/windows/qdyn_events.mc"; echo "$out" | head -n 20
fi

# core and the CLI whole, against the libraries' headers installed here (header-only ones, and
# libcurl's and OpenSSL's, whose declarations are the same on Windows).
headers="$events/include"
mkdir -p "$headers/openssl"
# toml++ as installed, behind the mended copy the build makes when the installed one has faults.
for library in boost nlohmann CLI sqlite3.h gtest gmock toml++; do ln -s "/usr/include/$library" "$headers/$library"; done
ln -s "/usr/include/$(gcc -print-multiarch)/curl" "$headers/curl"
ln -s /usr/include/openssl/* "$headers/openssl/"
ln -sf "/usr/include/$(gcc -print-multiarch)/openssl/"* "$headers/openssl/"
whole_target() {  # NAME FILE... [-- FLAG...]: one translation unit including every FILE
  local name="$1" unit="$events/${1// /_}_unity.cpp" sources=() extra=()
  shift
  while (( $# > 0 )) && [[ "$1" != "--" ]]; do sources+=("$1"); shift; done
  (( $# > 0 )) && { shift; extra=("$@"); }
  printf '#include "%s"\n' "${sources[@]}" >"$unit"
  if out="$("$CXX" "${FLAGS[@]}" "${WINDOWS_BUILD[@]}" "${extra[@]}" -fsyntax-only "$unit" 2>&1)"; then
    echo "ok   $name: all ${#sources[@]} files of its Windows build as one translation unit"
  else
    fail "$name's Windows build as one translation unit"; echo "$out" | grep -m 20 -E 'error|required from'
  fi
}
# The definitions the top CMakeLists.txt gives every Windows file, checked to be there.
for definition in WIN32_LEAN_AND_MEAN NOMINMAX _WIN32_WINNT; do
  grep -qE "add_compile_definitions\(.*\b$definition\b" "$ROOT/CMakeLists.txt" ||
    fail "CMakeLists.txt does not define $definition for Windows (the flags below assume it)"
done
WINDOWS_BUILD=(-DWIN32_LEAN_AND_MEAN -DNOMINMAX -D_WIN32_WINNT=0x0A00 -DTOML_HEADER_ONLY=0 -DBOOST_ASIO_NO_DEPRECATED -DBOOST_BEAST_USE_STD_STRING_VIEW
               -I"$ROOT/core/include" -I"$ROOT/core/src" -I"$ROOT/cli" -I"$ROOT/server-mock/include"
               -I"$ROOT/server-mock/src" -I"$BUILD/core/generated" -isystem "$BUILD/toml-mended" -isystem "$headers")
not_windows='_(linux|posix|macos|other|inotify)\.cpp$|openssl_on_demand\.cpp$|toml_implementation\.cpp$'
mapfile -t core_files < <(find "$ROOT/core/src" -name '*.cpp' | grep -v -E "$not_windows" | sort)
mapfile -t cli_files < <(find "$ROOT/cli" -name '*.cpp' | grep -v -E "$not_windows" | sort)
mapfile -t server_files < <(find "$ROOT/server-mock" -name '*.cpp' | grep -v -E "$not_windows" | sort)
# Each file sees its own folder's headers, as in its own build.
FLAGS+=(-I"$ROOT/core/src/detect" -I"$ROOT/core/src/netmon" -I"$ROOT/core/src/net" -I"$ROOT/core/src/dns"
        -I"$ROOT/core/src/crypto" -I"$ROOT/core/src/config" -I"$ROOT/core/src/agent" -I"$ROOT/cli/commands")
# A unity batch may put a file that includes curl.h (and so <windows.h>) before one that includes
# Boost.Asio's SSL headers: the full <windows.h> brings wincrypt.h, whose X509_NAME macro breaks
# OpenSSL's x509.h. The build's definitions must keep that order compiling.
printf '#include <openssl/types.h>\n#include <curl/curl.h>\n#include <boost/asio/ssl.hpp>\n' >"$events/batch_order.cpp"
if out="$("$CXX" "${FLAGS[@]}" "${WINDOWS_BUILD[@]}" -fsyntax-only "$events/batch_order.cpp" 2>&1)"; then
  echo "ok   curl.h before Boost.Asio's SSL headers in one unity batch"
else
  fail "curl.h before Boost.Asio's SSL headers does not compile for Windows"; echo "$out" | grep -m 5 error
fi
whole_target core "${core_files[@]}"
whole_target cli "${cli_files[@]}"
whole_target qdyn-server "${server_files[@]}"

# The test files of the Windows build. The support and unit test files as one translation unit
# (each test file keeps its names in a namespace of its own, so they meet like a unity build's):
# 18 s where one by one takes minutes. The fuzz targets one by one, each defining the same entry.
list="$BUILD/tests/windows_test_sources.txt"
if [[ ! -s "$list" ]]; then
  fail "$list is missing: tests/CMakeLists.txt writes it at configure time"
else
  mapfile -t test_files < <(cat "$list")
  units=() fuzzers=()
  for file in "${test_files[@]}"; do
    case "$file" in
      tests/fuzz/*) fuzzers+=("$ROOT/$file") ;;
      *) units+=("$ROOT/$file") ;;
    esac
  done
  (( ${#units[@]} >= 100 && ${#fuzzers[@]} >= 30 )) ||
    fail "expected at least 100 support and unit test files and 30 fuzz files for Windows, found ${#units[@]} and ${#fuzzers[@]}"
  TEST_BUILD=(-DQDYN_SOURCE_DIR='"C:/qdyn"' -DQDYN_CLI_PATH='"C:/qdyn/qdyn.exe"'
              -DQDYN_SERVER_PATH='"C:/qdyn/qdyn-server.exe"' -I"$ROOT/tests/support" -I"$ROOT/tests/unit")
  whole_target "the test suite" "${units[@]}" -- "${TEST_BUILD[@]}"
  fuzz_failures="$events/fuzz-failures"
  : >"$fuzz_failures"
  flags_file="$events/fuzz-flags"
  printf '%s\0' "${FLAGS[@]}" "${WINDOWS_BUILD[@]}" "${TEST_BUILD[@]}" >"$flags_file"
  export CXX ROOT fuzz_failures flags_file
  printf '%s\0' "${fuzzers[@]}" | xargs -0 -P "$(nproc)" -n 1 bash -c '
    mapfile -d "" -t flags <"$flags_file"
    if ! out="$("$CXX" "${flags[@]}" -fsyntax-only "$1" 2>&1)"; then
      { echo "FAIL: ${1#"$ROOT"/} for Windows"; echo "$out" | grep -m 20 -E "error|required from"; } >>"$fuzz_failures"
    fi' _
  if [[ -s "$fuzz_failures" ]]; then
    cat "$fuzz_failures"
    failures=$((failures + $(grep -c '^FAIL' "$fuzz_failures")))
  else
    echo "ok   all ${#fuzzers[@]} fuzz targets of the Windows build"
  fi
fi

finish "all ${#files[@]} Windows files, the event message table, core, the CLI, qdyn-server and the test files of the Windows build compile with $(basename "$CXX")"
