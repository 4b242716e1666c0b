#!/usr/bin/env bash
# The Windows code (every *_windows.cpp, behind the same interfaces as the Linux and macOS
# files) compiled here with mingw-w64, with the project's warnings as errors, so it at least
# builds although this machine cannot run it.
#   tests/packaging/windows_cross_compile_test.sh SOURCE_DIR
set -uo pipefail
ROOT="$1"
CXX="$(command -v x86_64-w64-mingw32-g++-posix || true)"
[[ -n "$CXX" ]] || { echo "FAIL: x86_64-w64-mingw32-g++-posix is missing (package g++-mingw-w64-x86-64-posix)"; exit 1; }
FLAGS=(-std=c++20 -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
       -Wold-style-cast -Woverloaded-virtual -Wnull-dereference -Werror)

mapfile -t files < <(cd "$ROOT" && find core/src cli server-mock/src gui -name '*_windows.cpp' 2>/dev/null | sort)
(( ${#files[@]} >= 5 )) || { echo "FAIL: expected the Windows files (at least five), found ${#files[@]}"; exit 1; }
failures=0
for file in "${files[@]}"; do
  if out="$("$CXX" "${FLAGS[@]}" -I"$ROOT/core/include" -I"$ROOT/core/src" -I"$ROOT/$(dirname "$file")" \
              -c "$ROOT/$file" -o /dev/null 2>&1)"; then
    echo "ok   $file"
  else
    echo "FAIL $file"; echo "$out" | head -n 20; failures=$((failures + 1))
  fi
done
(( failures == 0 )) && echo "all ${#files[@]} Windows files compile with $(basename "$CXX")"
exit $(( failures > 0 ))
