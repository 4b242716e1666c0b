#!/usr/bin/env bash
# The Debian packages, built by CPack from this build, installed into a clean root with dpkg
# (maintainer scripts included, run against that root), used, and purged without a trace:
#   - qdyn --version and qdyn-server --check-config on the shipped configuration run;
#   - the qdyn user exists in the root, owns the server's configuration, mode 600;
#   - units and man pages are where systemd and man look; the conffile is registered;
#   - qdyn depends on libcurl4 and libssl3 although no tool sees their dlopen.
#   tests/packaging/deb_install_test.sh BUILD_DIR
set -uo pipefail
BUILD="$1"
# shellcheck source=tests/packaging/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
need "cmake dpkg-dev passwd" cpack dpkg dpkg-deb dpkg-shlibdeps useradd
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Build the packages (gzip: the test's time goes to installing, not to xz).
if ! cpack -G DEB -B "$work/pkg" --config "$BUILD/CPackConfig.cmake" -D CPACK_DEBIAN_COMPRESSION_TYPE=gzip \
     >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log"; echo "FAIL: cpack"; exit 1
fi
mapfile -t debs < <(ls "$work/pkg"/*.deb)
for name in qdyn qdyn-server; do
  ls "$work/pkg/${name}_"*.deb >/dev/null 2>&1 || fail "no ${name} package among: ${debs[*]}"
done
qdyn_deb="$(ls "$work/pkg/qdyn_"*.deb | head -n1)"
dpkg-deb -f "$qdyn_deb" Depends | grep -q 'libcurl4' || fail "qdyn does not depend on libcurl4: $(dpkg-deb -f "$qdyn_deb" Depends)"
dpkg-deb -f "$qdyn_deb" Depends | grep -q 'libssl3' || fail "qdyn does not depend on libssl3: $(dpkg-deb -f "$qdyn_deb" Depends)"

# A clean root: an empty dpkg database and the base accounts.
root="$work/root"
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/etc"
: >"$root/var/lib/dpkg/status"
echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"
echo 'root:*:19000:0:99999:7:::' >"$root/etc/shadow"
echo 'root:*::' >"$root/etc/gshadow"
chmod 640 "$root/etc/shadow" "$root/etc/gshadow"
dpkg_root=(dpkg --root="$root" --force-script-chrootless --force-depends --log=/dev/null)
"${dpkg_root[@]}" -i "${debs[@]}" >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "dpkg -i"; }

version="$("$root/usr/bin/qdyn" --version 2>&1)"
[[ "$version" == "qdyn "* ]] || fail "the installed qdyn --version says: $version"
checked="$("$root/usr/bin/qdyn-server" --config "$root/etc/qdyn/qdyn-server.toml" --check-config 2>&1)"
[[ "$checked" == "config OK"* ]] || fail "the installed qdyn-server --check-config on the shipped configuration: $checked"

ids="$(grep '^qdyn:' "$root/etc/passwd" | cut -d: -f3,4)"
[[ -n "$ids" ]] || fail "postinst made no qdyn user in the root"
owner="$(stat -c '%u:%g %a' "$root/etc/qdyn/qdyn-server.toml" 2>/dev/null)"
[[ "$owner" == "$ids 600" ]] || fail "/etc/qdyn/qdyn-server.toml is '$owner', not '$ids 600'"
for file in usr/lib/systemd/system/qdyn.service usr/lib/systemd/system/qdyn-update.timer usr/lib/systemd/system/qdyn-server.service \
            usr/lib/systemd/system/qdyn-server-dns.socket usr/share/man/man1/qdyn.1 usr/share/man/man8/qdyn-server.8 \
            usr/share/bash-completion/completions/qdyn usr/share/zsh/vendor-completions/_qdyn \
            usr/share/fish/vendor_completions.d/qdyn.fish usr/share/applications/org.qdyn.QdynTray.desktop \
            usr/share/metainfo/org.qdyn.QdynTray.metainfo.xml usr/share/icons/hicolor/scalable/apps/org.qdyn.QdynTray.svg; do
  [[ -f "$root/$file" ]] || fail "/$file is not installed"
done
grep -q '/etc/qdyn/qdyn-server.toml' "$root/var/lib/dpkg/status" || fail "the server's configuration is not a registered conffile"

# Purged: nothing the packages installed is left (the user stays, as Debian keeps them).
mapfile -t names < <(for deb in "${debs[@]}"; do dpkg-deb -f "$deb" Package; done)
"${dpkg_root[@]}" --purge "${names[@]}" >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; fail "dpkg --purge"; }
left="$(cd "$root" && find . -not -type d -not -path './var/lib/dpkg/*' -not -path './etc/passwd*' \
        -not -path './etc/group*' -not -path './etc/shadow*' -not -path './etc/gshadow*' -not -path './etc/subuid*' \
        -not -path './etc/subgid*' | sort)"
[[ -z "$left" ]] || fail "left after purge: $left"

finish "deb packages (${names[*]}): installed, used and purged cleanly"
