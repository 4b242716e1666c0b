#!/usr/bin/env bash
# Installs every build and test dependency of qdyn on Debian 12, idempotently: packages that are
# already present are not touched, and apt is not even asked when nothing is missing.
#
#   packaging/deps/debian.sh            # build + test + peers (everything dev.sh needs)
#   packaging/deps/debian.sh --build    # only what building needs
#
# The same packages for other systems are listed in README.md (Fedora, Homebrew, vcpkg).
set -euo pipefail

BUILD_PACKAGES=(
  build-essential g++ cmake ninja-build ccache lld pkg-config git ca-certificates
  libcurl4-openssl-dev libssl-dev libcli11-dev libtomlplusplus-dev libboost-dev libsqlite3-dev
  nlohmann-json3-dev qt6-base-dev qt6-svg-dev libgl-dev libgtest-dev libgmock-dev
  # the tray's profile passwords in the system keychain; optional in CMake, used where present
  qtkeychain-qt6-dev
  # the router as an address source (UPnP IGD, NAT-PMP); optional in CMake, used where present
  libminiupnpc-dev libnatpmp-dev
)
TEST_PACKAGES=(
  # fuzzing and sanitizers with clang
  clang libclang-rt-14-dev
  # real peers the interop tests run against (PEERS.md)
  bind9-dnsutils bind9 knot knot-dnsutils nsd ddclient inadyn dnsperf wrk hyperfine
  # the desktop for tray tests
  xvfb xauth x11-utils imagemagick trayer xdotool openbox
  # the seed's Python example client, network namespaces, process tools, CPU times (benchmarks),
  # an HTTP client for the update benchmark's warm-up
  python3 iproute2 procps time curl
  # YAML read back (the CI workflow's test)
  python3-yaml
  # systemd-analyze (the units' test), systemd-socket-activate (socket activation test), mingw-w64
  # (the Windows files cross-compiled), Wine (the Windows code run: tests/windows); for the unit
  # tests built for Windows, OpenSSL's Configure (perl) and SQLite's amalgamation (tcl, make)
  systemd g++-mingw-w64-x86-64-posix wine64 perl tcl make
  # the man pages rendered (their test)
  groff-base
  # the RPM packages built and read back (their test)
  rpm
  # the shells whose completion scripts qdyn writes (their test); the tray's desktop file and
  # AppStream metainfo validated (theirs)
  zsh fish desktop-file-utils appstream
  # a real Secret Service for the keychain test (tests/gui/with_keyring.sh): a private D-Bus
  # session, gnome-keyring, and secret-tool to look at what the tray stored
  dbus gnome-keyring libsecret-tools
)

packages=("${BUILD_PACKAGES[@]}")
if [[ "${1:-}" != "--build" ]]; then
  packages+=("${TEST_PACKAGES[@]}")
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "deps: missing packages (${missing[*]}) and not root; run as root or install sudo" >&2
    exit 1
  fi
fi

echo "deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# The peers are servers; their packages must not start them on the machine's real ports.
policy_created=0
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee /usr/sbin/policy-rc.d >/dev/null
  "${SUDO[@]}" chmod 755 /usr/sbin/policy-rc.d
  policy_created=1
fi
cleanup() { if [[ $policy_created -eq 1 ]]; then "${SUDO[@]}" rm -f /usr/sbin/policy-rc.d; fi; }
trap cleanup EXIT

"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
echo "deps: done"
