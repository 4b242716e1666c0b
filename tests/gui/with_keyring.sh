#!/usr/bin/env bash
# Runs a command against a real Secret Service: gnome-keyring-daemon on a private D-Bus session,
# with a fresh login keyring, unlocked, in a temporary HOME (the user's own keyring is never
# touched). Fails, never skips, when dbus-run-session or gnome-keyring-daemon is missing, so a
# machine without them cannot pass the keychain test by accident.
#
#   with_keyring.sh PROGRAM [ARGS...]
set -euo pipefail

if [[ "${QDYN_KEYRING_SESSION:-}" != 1 ]]; then
  if [[ $# -lt 1 ]]; then
    echo "usage: with_keyring.sh PROGRAM [ARGS...]" >&2
    exit 2
  fi
  for tool in dbus-run-session gnome-keyring-daemon; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "with_keyring.sh: FAIL: $tool is missing (Debian: apt-get install dbus gnome-keyring)" >&2
      exit 1
    fi
  done
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/qdyn-keyring.XXXXXX")
  trap 'rm -rf "$scratch"' EXIT
  mkdir -m 700 "$scratch/home" "$scratch/runtime"
  status=0
  env QDYN_KEYRING_SESSION=1 HOME="$scratch/home" XDG_RUNTIME_DIR="$scratch/runtime" \
      XDG_DATA_HOME="$scratch/home/.local/share" XDG_CONFIG_HOME="$scratch/home/.config" \
      XDG_CACHE_HOME="$scratch/home/.cache" \
      dbus-run-session -- bash "$0" "$@" || status=$?
  exit "$status"
fi

# Inside the private session. An empty password on stdin makes the daemon prompt (and there is no
# display for the prompt), so the new login keyring gets a throwaway one; --unlock creates it and
# makes it the default collection.
if ! eval "$(printf 'qdyn-keyring-test' | gnome-keyring-daemon --unlock --components=secrets)"; then
  echo "with_keyring.sh: FAIL: gnome-keyring-daemon did not start" >&2
  exit 1
fi
keyrings="$XDG_DATA_HOME/keyrings"
for _ in $(seq 50); do
  [[ -f "$keyrings/login.keyring" ]] && break
  sleep 0.1
done
if [[ ! -f "$keyrings/login.keyring" ]]; then
  echo "with_keyring.sh: FAIL: no login keyring was created in $keyrings" >&2
  exit 1
fi
# The daemon forks away from this script: find it by the private runtime folder in its
# environment, so it is stopped by its PID afterwards and never outlives the test.
daemons=()
for environ in /proc/[0-9]*/environ; do
  pid=${environ#/proc/}
  pid=${pid%/environ}
  [[ $(cat "/proc/$pid/comm" 2>/dev/null) == gnome-keyring-d* ]] || continue
  tr '\0' '\n' <"$environ" 2>/dev/null | grep -qx "XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR" && daemons+=("$pid")
done
status=0
"$@" || status=$?
for pid in "${daemons[@]}"; do kill "$pid" 2>/dev/null || true; done
exit "$status"
