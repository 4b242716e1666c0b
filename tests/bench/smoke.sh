#!/usr/bin/env bash
# Runs a benchmark for one second and checks its contract: a table, then a last line
# "RESULT key=value ..." with numeric values (or a plain word such as a server's name).
set -uo pipefail
script="$1"; build="$2"
output="$(bash "$script" "$build" 1 2>&1)"; status=$?
echo "$output"
[[ $status -eq 0 ]] || { echo "FAIL: $script exited $status"; exit 1; }
last="$(printf '%s\n' "$output" | tail -n 1)"
[[ "$last" =~ ^RESULT(\ [a-z0-9_]+=([0-9.]+|[a-z][a-z0-9_-]*))+$ ]] || { echo "FAIL: last line is not a RESULT line: $last"; exit 1; }
echo "benchmark contract OK"
