#!/usr/bin/env bash
# The RPM packages, built by CPack from this build and read back with rpm: each holds its files
# and no directory the system owns, qdyn requires libcurl and openssl-libs (loaded with dlopen,
# invisible to rpm's dependency scan), the server's configuration is a noreplace config file of
# the qdyn user with mode 600, and both %pre scripts make the qdyn user (before rpm gives it the
# file); installed into an empty root, the programs run, and erasing leaves nothing.
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
# Installed into an empty root (scripts skipped: they would run chrooted into a root without a
# shell; what %pre does is checked above), used, and erased without a trace.
root="$work/root"
mkdir -p "$root"
rpm_root=(rpm --root "$root" --dbpath /var/lib/rpm)
"${rpm_root[@]}" --initdb || fail "rpm --initdb in the root"
if "${rpm_root[@]}" -i --nodeps --noscripts "$work/pkg"/*.rpm >"$work/install.log" 2>&1; then
  version="$("$root/usr/bin/qdyn" --version 2>&1)"
  [[ "$version" == "qdyn "* ]] || fail "the installed qdyn --version says: $version"
  checked="$("$root/usr/bin/qdyn-server" --config "$root/etc/qdyn/qdyn-server.toml" --check-config 2>&1)"
  [[ "$checked" == "config OK"* ]] || fail "the installed qdyn-server --check-config on the shipped configuration: $checked"
  mapfile -t names < <("${rpm_root[@]}" -qa --qf '%{NAME}\n')
  "${rpm_root[@]}" -e --nodeps --noscripts "${names[@]}" >"$work/erase.log" 2>&1 || { cat "$work/erase.log"; fail "rpm -e"; }
  left="$(cd "$root" && find . -not -type d -not -path './var/lib/rpm/*')"
  [[ -z "$left" ]] || fail "erasing left files behind: $left"
else
  cat "$work/install.log"; fail "rpm -i into a clean root"
fi
finish "rpm packages: all checks passed"
