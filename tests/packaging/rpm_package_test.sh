#!/usr/bin/env bash
# The RPM packages, built by CPack from this build and read back with rpm: each holds its files
# and no directory the system owns, qdyn requires libcurl and openssl-libs (loaded with dlopen,
# invisible to rpm's dependency scan), the server's configuration is a noreplace config file of
# the qdyn user with mode 600, and both %pre scripts make the qdyn user (before rpm gives it the file).
#   tests/packaging/rpm_package_test.sh BUILD_DIR
set -uo pipefail
BUILD="$1"
# shellcheck source=tests/packaging/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
need "cmake rpm" cpack rpmbuild rpm
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if ! cpack -G RPM -B "$work/pkg" --config "$BUILD/CPackConfig.cmake" >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log"; echo "FAIL: cpack -G RPM"; exit 1
fi
rpm_of() { ls "$work/pkg/$1-"[0-9]*.rpm 2>/dev/null | head -n1; }
qdyn="$(rpm_of qdyn)"; server="$(rpm_of qdyn-server)"
[[ -n "$qdyn" && -n "$server" ]] || { ls "$work/pkg"; echo "FAIL: the qdyn and qdyn-server RPMs are missing"; exit 1; }

files() { rpm -qlp "$1" 2>/dev/null | grep -v '^/usr/lib/.build-id'; }
for expected in /usr/bin/qdyn /usr/lib/systemd/system/qdyn.service /usr/lib/systemd/system/qdyn-update.timer \
                /usr/share/man/man1/qdyn.1 /usr/share/bash-completion/completions/qdyn; do
  files "$qdyn" | grep -qx "$expected" || fail "qdyn.rpm lacks $expected"
done
for expected in /usr/bin/qdyn-server /etc/qdyn/qdyn-server.toml /usr/lib/systemd/system/qdyn-server-dns.socket \
                /usr/share/man/man8/qdyn-server.8; do
  files "$server" | grep -qx "$expected" || fail "qdyn-server.rpm lacks $expected"
done
for package in "$work/pkg"/*.rpm; do
  owned="$(files "$package" | grep -xE '/usr|/usr/bin|/etc|/usr/lib|/usr/lib/systemd(/system)?|/usr/share(/man(/man[18])?|/doc)?|/usr/share/(bash-completion(/completions)?|zsh(/vendor-completions)?|fish(/vendor_completions.d)?|applications|metainfo|icons(/hicolor(/scalable(/apps)?)?)?)')"
  [[ -z "$owned" ]] || fail "$(basename "$package") claims system directories: $owned"
done
rpm -qp --requires "$qdyn" 2>/dev/null | grep -qx 'libcurl' || fail "qdyn.rpm does not require libcurl"
rpm -qp --requires "$qdyn" 2>/dev/null | grep -qx 'openssl-libs' || fail "qdyn.rpm does not require openssl-libs"
config="$(rpm -qp --dump "$server" 2>/dev/null | awk '$1 == "/etc/qdyn/qdyn-server.toml" { print $5, $6, $7, $8 }')"
[[ "$config" == "0100600 qdyn qdyn 1" ]] || fail "/etc/qdyn/qdyn-server.toml is '$config', not '0100600 qdyn qdyn 1' (mode, owner, group, config)"
for package in "$qdyn" "$server"; do
  rpm -qp --scripts "$package" 2>/dev/null | awk '/^preinstall scriptlet/ { f = 1 } /^postinstall/ { f = 0 } f' |
    grep -q 'useradd --system' || fail "$(basename "$package") has no %pre making the qdyn user"
done
finish "rpm packages: all checks passed"
