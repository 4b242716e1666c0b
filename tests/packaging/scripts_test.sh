#!/usr/bin/env bash
# Packaging checks: the contract between README, CI and the scripts.
#   - .ci/run runs packaging/dev.sh test and nothing else;
#   - README.md starts with exactly the two set-up commands;
#   - every shell script parses; shellcheck passes where it is installed;
#   - vcpkg.json names the libraries the build finds.
set -uo pipefail
ROOT="$1"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

cmds="$(grep -vE '^\s*(#|$)' "$ROOT/.ci/run" | grep -vE '^(set |cd )')"
[[ "$cmds" == "exec packaging/dev.sh test" ]] || fail ".ci/run must only run packaging/dev.sh test (has: $cmds)"

mapfile -t readme_cmds < <(awk '/^```/{f=!f; next} f' "$ROOT/README.md" | head -n 2)
[[ "${readme_cmds[0]:-}" == "packaging/dev.sh demo" ]] || fail "README's first command must be packaging/dev.sh demo (is: ${readme_cmds[0]:-})"
[[ "${readme_cmds[1]:-}" == "packaging/dev.sh test" ]] || fail "README's second command must be packaging/dev.sh test (is: ${readme_cmds[1]:-})"

while IFS= read -r script; do
  bash -n "$script" || fail "$script does not parse"
  if command -v shellcheck >/dev/null 2>&1; then
    shellcheck -S warning "$script" || fail "shellcheck: $script"
  fi
done < <(find "$ROOT/packaging" "$ROOT/tests" "$ROOT/.ci" -type f \( -name '*.sh' -o -name run \) -not -path '*/build/*')

for lib in curl openssl cli11 qtbase qtsvg gtest boost-beast boost-asio tomlplusplus sqlite3 nlohmann-json; do
  grep -q "\"$lib\"" "$ROOT/vcpkg.json" || fail "vcpkg.json does not name $lib"
done

for preset in dev release asan fuzz; do
  grep -q "\"name\": \"$preset\"" "$ROOT/CMakePresets.json" || fail "CMakePresets.json lacks preset $preset"
done

# Layering (ARCHITECTURE.md): core/ includes nothing from Qt, CLI11 or the front ends, and
# neither does its CMake target link them.
layer_hits="$(grep -rnE '#include *[<"](Q[A-Za-z]+|Qt[A-Za-z]*/|CLI/|qdyn_server/|app\.hpp|tray_icon)' "$ROOT/core" || true)"
[[ -z "$layer_hits" ]] || fail "core/ includes Qt, CLI11 or front-end headers: $layer_hits"
if grep -qE 'Qt6?::|CLI11::|qdyn_server_lib|qdyn_cli_lib' "$ROOT/core/CMakeLists.txt"; then
  fail "core/CMakeLists.txt links Qt, CLI11 or a front end"
fi

if [[ $failures -gt 0 ]]; then echo "$failures packaging check(s) failed"; exit 1; fi
echo "packaging checks passed"
