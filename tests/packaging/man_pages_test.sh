#!/usr/bin/env bash
# The man pages in packaging/man: groff renders them without a warning, and they say what the
# programs say: every command of `qdyn --help` is described, its exit-code table is the same
# (code and words), and both pages carry the programs' version.
#   tests/packaging/man_pages_test.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
ROOT="$1"
BUILD="$2"
# shellcheck source=tests/packaging/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
need groff-base groff
QDYN="$BUILD/cli/qdyn"
SERVER="$BUILD/server-mock/qdyn-server"
for exe in "$QDYN" "$SERVER"; do [[ -x "$exe" ]] || { echo "FAIL: $exe is missing"; exit 1; }; done
qdyn_page="$ROOT/packaging/man/qdyn.1"
server_page="$ROOT/packaging/man/qdyn-server.8"

for page in "$qdyn_page" "$server_page"; do
  [[ -f "$page" ]] || { fail "$page is missing"; continue; }
  out="$(groff -man -ww -z -Tutf8 "$page" 2>&1)"
  [[ -z "$out" ]] || fail "groff warns about $(basename "$page"): $out"
done

version="$("$QDYN" --version | awk '{ print $2 }')"
for page in "$qdyn_page" "$server_page"; do
  grep -q "^\.TH .*\"qdyn $version\"" "$page" || fail "$(basename "$page") does not carry version $version"
done

# Every command of qdyn --help is described (".B name" under COMMANDS).
help="$("$QDYN" --help)"
mapfile -t commands < <(awk '/^Subcommands:/ { f = 1; next } f && /^[^ ]/ { f = 0 } f && NF { print $1 }' <<<"$help")
(( ${#commands[@]} >= 10 )) || fail "could not read the commands from qdyn --help (${#commands[@]})"
described="$(awk '/^\.SH COMMANDS/ { f = 1; next } /^\.SH/ { f = 0 } f && /^\.B / { print $2 }' "$qdyn_page")"
for command in "${commands[@]}"; do
  grep -qx "$command" <<<"$described" || fail "qdyn.1 does not describe the command '$command'"
done

# The exit-code table, code by code and word for word.
help_codes="$(awk '/^Exit codes:/ { f = 1; next } f && /^  [0-9]+  / { sub(/^  /, ""); print }' <<<"$help")"
page_codes="$(awk '/^\.SH EXIT STATUS/ { f = 1; next } /^\.SH/ { f = 0 }
                   f && /^\.B [0-9]+$/ { code = $2; getline; print code "  " $0 }' "$qdyn_page")"
[[ -n "$help_codes" && "$help_codes" == "$page_codes" ]] ||
  fail "qdyn.1's EXIT STATUS differs from qdyn --help:"$'\n'"--help:"$'\n'"$help_codes"$'\n'"qdyn.1:"$'\n'"$page_codes"

# qdyn-server: its commands and its three exit codes.
server_help="$("$SERVER" --help)"
for command in account tsig-key; do
  grep -q "^  $command " <<<"$server_help" || fail "qdyn-server --help lists no '$command' (test out of date)"
  grep -q "^\.B $(sed 's/-/\\\\-/g' <<<"$command")" "$server_page" || fail "qdyn-server.8 does not describe '$command'"
done
for code in 0 1 2; do
  grep -q "Exit codes:.* $code " <<<"$(tr '\n' ' ' <<<"$server_help")" || fail "qdyn-server --help has no exit code $code"
  awk '/^\.SH EXIT STATUS/ { f = 1 } f' "$server_page" | grep -qx "\.B $code" || fail "qdyn-server.8 has no exit code $code"
done

finish "man pages: all checks passed"
