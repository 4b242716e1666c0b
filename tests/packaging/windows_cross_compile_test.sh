#!/usr/bin/env bash
# The Windows code (every *_windows.cpp, behind the same interfaces as the Linux and macOS
# files) compiled here with mingw-w64, with the project's warnings as errors, so it at least
# builds although this machine cannot run it.
#   tests/packaging/windows_cross_compile_test.sh SOURCE_DIR
set -uo pipefail
ROOT="$1"
# shellcheck source=tests/packaging/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
need g++-mingw-w64-x86-64-posix x86_64-w64-mingw32-g++-posix
CXX="$(command -v x86_64-w64-mingw32-g++-posix)"
FLAGS=(-std=c++20 -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
       -Wold-style-cast -Woverloaded-virtual -Wnull-dereference -Werror)

mapfile -t files < <(cd "$ROOT" && find core/src cli server-mock/src gui -name '*_windows.cpp' 2>/dev/null | sort)
(( ${#files[@]} >= 5 )) || { echo "FAIL: expected the Windows files (at least five), found ${#files[@]}"; exit 1; }
for file in "${files[@]}"; do
  if out="$("$CXX" "${FLAGS[@]}" -I"$ROOT/core/include" -I"$ROOT/core/src" -I"$ROOT/$(dirname "$file")" \
              -c "$ROOT/$file" -o /dev/null 2>&1)"; then
    echo "ok   $file"
  else
    fail "$file"; echo "$out" | head -n 20
  fi
done
finish "all ${#files[@]} Windows files compile with $(basename "$CXX")"
