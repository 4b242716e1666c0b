#!/usr/bin/env bash
# The systemd units in packaging/linux: `systemd-analyze verify` accepts every one without a
# word (it only warns about a misspelt key or value, so any output fails), with ExecStart pointing
# at the binaries of this build; and `systemd-analyze security` rates each service's sandbox
# "OK" (exposure at most 2.0 of 10).
#   tests/packaging/systemd_units_test.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
ROOT="$1"
BUILD="$2"
# shellcheck source=tests/packaging/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
need systemd systemd-analyze

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
units=("$ROOT"/packaging/linux/*.service "$ROOT"/packaging/linux/*.socket "$ROOT"/packaging/linux/*.timer)
(( ${#units[@]} >= 6 )) || fail "expected at least six units in packaging/linux, found ${#units[@]}"
cp "${units[@]}" "$work/"
for exe in "$BUILD/server-mock/qdyn-server" "$BUILD/cli/qdyn"; do
  [[ -x "$exe" ]] || fail "$exe is missing (build qdyn and qdyn-server)"
done
sed -i -e "s|/usr/bin/qdyn-server|$BUILD/server-mock/qdyn-server|g" -e "s|/usr/bin/qdyn |$BUILD/cli/qdyn |g" "$work"/*

for unit in "$work"/*; do
  out="$(cd "$work" && systemd-analyze verify --man=no "./$(basename "$unit")" 2>&1)"
  status=$?
  if (( status != 0 )) || [[ -n "$out" ]]; then fail "systemd-analyze verify $(basename "$unit"): $out"; fi
done

for service in qdyn.service qdyn-update.service qdyn-server.service; do
  line="$(cd "$work" && systemd-analyze security --offline=yes "./$service" 2>&1 | grep 'Overall exposure level')"
  level="$(sed -n 's/.*: \([0-9.]*\) .*/\1/p' <<<"$line")"
  echo "$service: exposure $level"
  [[ -n "$level" ]] && awk -v l="$level" 'BEGIN { exit !(l <= 2.0) }' || fail "$service: exposure '$level' above 2.0 ($line)"
done

# What the units promise, stated where a reader looks.
grep -q '^Type=notify$' "$ROOT/packaging/linux/qdyn.service" || fail "qdyn.service must be Type=notify"
grep -q '^RestrictAddressFamilies=.*AF_NETLINK' "$ROOT/packaging/linux/qdyn.service" || fail "qdyn.service must allow AF_NETLINK"
grep -q '^CapabilityBoundingSet=$' "$ROOT/packaging/linux/qdyn-server.service" || fail "qdyn-server.service must have no capabilities"
grep -q '^FileDescriptorName=dns$' "$ROOT/packaging/linux/qdyn-server-dns.socket" || fail "the DNS socket must be named dns"

finish "systemd units: all checks passed"
