# shellcheck shell=bash
# Sourced by the packaging tests. A failed check is counted, not fatal, so that one run lists
# every failure; a missing tool stops the test at once, loudly, never a silent pass.
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
# need "PACKAGES" TOOL...: every tool must be on PATH (PACKAGES says where to get them).
need() {
  local packages="$1"; shift
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (install: $packages)"; exit 1; }
  done
}
# finish SUMMARY: prints SUMMARY when every check passed; exits 1 otherwise.
finish() {
  (( failures == 0 )) && echo "$1"
  exit $(( failures > 0 ))
}
