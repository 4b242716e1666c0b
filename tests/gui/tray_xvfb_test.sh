#!/usr/bin/env bash
# shellcheck disable=SC2317  # wait conditions are functions called through waitFor
# Runs the real qdyn-tray on a virtual desktop (Xvfb + openbox + trayer) against a real
# qdyn-server on loopback and checks, from the outside, what a user would see: with no tray yet,
# a fallback window; once a tray appears, the icon docks into it and is drawn there and the window
# goes; the context menu opens; Update now (the app starts paused, so nothing else sends) updates
# the host on qdyn-server, which then answers it over DNS; Resume, Profiles... and Log... open
# what they say; and Quit in that menu ends the app with status 0. Screenshots (the fallback
# window, the tray, the menu, the profiles dialog, the log) go to SCREENSHOT_DIR.
#
#   usage: tray_xvfb_test.sh QDYN_TRAY SCREENSHOT_DIR QDYN_SERVER SOURCE_DIR
#
# A missing tool is a failure, never a skip: a machine that cannot run this must not look green.
# Every process the script starts is stopped by its PID; xvfb-run stops the X server it started.
set -uo pipefail

readonly kTimeout=15  # seconds for each wait below; generous for a loaded 2-core CI machine

fail() {
  echo "tray_xvfb_test: FAIL: $*" >&2
  exit 1
}

note() {
  echo "tray_xvfb_test: $*"
}

# Polls COMMAND until it succeeds or kTimeout seconds pass.
waitFor() {
  local what=$1
  shift
  local deadline=$((SECONDS + kTimeout))
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
  note "ready: $what"
}

# ---------------------------------------------------------------------------------------------
# Inside the virtual display (the script runs itself under xvfb-run with --inside).
# ---------------------------------------------------------------------------------------------

inside() {
  local app=$1 shots=$2 work=$3 server=$4 source=$5
  echo $$ >"$work/inside.pid"

  # Global, not local: the EXIT trap runs after this function has returned.
  started=()
  cleanup() {
    local i pid
    for ((i = ${#started[@]} - 1; i >= 0; i--)); do
      kill "${started[i]}" 2>/dev/null
    done
    for pid in "${started[@]}"; do
      wait "$pid" 2>/dev/null
    done
  }
  trap cleanup EXIT
  trap 'exit 1' TERM INT

  # Keep the app off the developer's own desktop and session bus (a StatusNotifier host there
  # would take the icon instead of trayer), and out of their config and runtime directories.
  unset DBUS_SESSION_BUS_ADDRESS WAYLAND_DISPLAY XDG_CURRENT_DESKTOP QT_QPA_PLATFORMTHEME
  export QT_QPA_PLATFORM=xcb
  export XDG_RUNTIME_DIR=$work/runtime XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache
  export XDG_STATE_HOME=$work/state
  # Named outright: as root, the default would be the system's /etc/qdyn and /var/lib/qdyn.
  export QDYN_CONFIG=$XDG_CONFIG_HOME/qdyn/profiles.toml QDYN_STATE_DIR=$XDG_STATE_HOME/qdyn
  mkdir -p "$XDG_CONFIG_HOME/qdyn" "$XDG_CACHE_HOME"
  mkdir -m 0700 "$XDG_RUNTIME_DIR"

  # The counterpart: qdyn-server with the demo zone, on free loopback ports.
  "$server" --config "$source/packaging/examples/demo-server.toml" >"$work/server.log" 2>&1 &
  local serverPid=$!
  started+=("$serverPid")
  serverReady() { grep -qx ready "$work/server.log"; }
  waitFor "qdyn-server" serverReady || fail "qdyn-server did not start (log: $(cat "$work/server.log"))"
  local dnsPort httpPort
  dnsPort=$(sed -n 's/^listening dns-udp 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/server.log" | head -n 1)
  httpPort=$(sed -n 's/^listening http 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/server.log" | head -n 1)
  [[ -n $dnsPort && -n $httpPort ]] || fail "no DNS or HTTP port in the server's output: $(cat "$work/server.log")"
  answer() { dig @127.0.0.1 -p "$dnsPort" home.dyn.example.test A +short +time=2 +tries=1 2>/dev/null; }

  # The profile the CLI would read, in the place the CLI reads it. A private address, allowed
  # explicitly: documentation ranges are refused by detection itself.
  cat >"$XDG_CONFIG_HOME/qdyn/profiles.toml" <<TOML
# the tray test's profile
[profile.home]
protocol = "dyndns2"
server = "http://127.0.0.1:$httpPort"
hosts = ["home.dyn.example.test"]
username = "alice"
password = "s3cret"
verify = false
allow_private = true
poll_interval = "1h"
detect = ["static:10.0.0.5"]
TOML
  chmod 600 "$XDG_CONFIG_HOME/qdyn/profiles.toml"
  # Paused, as the user left it: only Update now may send anything.
  printf '[General]\npaused=true\n' >"$XDG_CONFIG_HOME/qdyn/qdyn-tray.conf"

  openbox >"$work/openbox.log" 2>&1 &
  local wmPid=$!
  started+=("$wmPid")
  wmReady() { xprop -root _NET_SUPPORTING_WM_CHECK 2>/dev/null | grep -q 'window id'; }
  waitFor "openbox" wmReady ||
    fail "openbox did not come up (log: $(cat "$work/openbox.log"))"

  # First no tray at all: the app must stay usable through its fallback window.
  "$app" >"$work/qdyn-tray.log" 2>&1 &
  local appPid=$!
  started+=("$appPid")
  local fallback=""
  findFallback() {
    fallback=$(xdotool search --onlyvisible --pid "$appPid" 2>/dev/null | head -n 1)
    [[ -n $fallback ]]
  }
  if ! waitFor "fallback window while there is no tray" findFallback; then
    kill -0 "$appPid" 2>/dev/null || fail "qdyn-tray exited early (log: $(cat "$work/qdyn-tray.log"))"
    fail "qdyn-tray showed no window while there was no tray"
  fi
  sleep 0.5  # let it paint before the picture
  import -window root "$shots/tray-fallback.png" || fail "could not save $shots/tray-fallback.png"
  note "screenshot $shots/tray-fallback.png"

  # Then a tray appears: the app must find it on a retry, dock into it and hide the window.
  trayer --edge top --align right --widthtype request --height 32 --SetDockType true \
    >"$work/trayer.log" 2>&1 &
  local trayerPid=$!
  started+=("$trayerPid")
  local panel=""
  findPanel() {
    panel=$(xdotool search --onlyvisible --pid "$trayerPid" --name '^panel$' 2>/dev/null | head -n 1)
    [[ -n $panel ]]
  }
  waitFor "trayer panel" findPanel || fail "trayer showed no panel (log: $(cat "$work/trayer.log"))"

  # Docked means: one of the app's windows sits inside trayer's panel and is viewable.
  local icon=""
  findDockedIcon() {
    local tree win
    tree=$(xwininfo -tree -id "$panel" 2>/dev/null) || return 1
    for win in $(xdotool search --pid "$appPid" 2>/dev/null); do
      if grep -q "$(printf '0x%x ' "$win")" <<<"$tree" &&
        xwininfo -id "$win" 2>/dev/null | grep -q 'Map State: IsViewable'; then
        icon=$win
        return 0
      fi
    done
    return 1
  }
  if ! waitFor "qdyn-tray icon docked in trayer" findDockedIcon; then
    kill -0 "$appPid" 2>/dev/null || fail "qdyn-tray exited early (log: $(cat "$work/qdyn-tray.log"))"
    import -window root "$shots/tray-failed.png" 2>/dev/null
    fail "no qdyn-tray window inside the trayer panel; see $shots/tray-failed.png"
  fi

  # Set by getwindowgeometry --shell; WINDOW and SCREEN are declared only to keep them local.
  # shellcheck disable=SC2034
  local X Y WIDTH HEIGHT WINDOW SCREEN
  eval "$(xdotool getwindowgeometry --shell "$icon")"
  local iconX=$X iconY=$Y iconW=$WIDTH iconH=$HEIGHT
  note "icon window $(printf '0x%x' "$icon") at ${iconW}x${iconH}+${iconX}+${iconY}"

  # In the tray, the icon is the app's only visible window: the fallback window is gone.
  onlyIconVisible() {
    ! xdotool search --onlyvisible --pid "$appPid" 2>/dev/null | grep -vqx "$icon"
  }
  waitFor "fallback window hidden" onlyIconVisible ||
    fail "qdyn-tray still shows other windows beside its tray icon"

  # Paused: nothing was sent, so the server has no address for the host yet.
  sleep 1
  [[ -z $(answer) ]] || fail "the paused app updated the host by itself: DNS answers $(answer)"

  # The context menu: right-click the icon, then find the app's new popup window. Its items are
  # then chosen by their mnemonics (the popup holds the keyboard), not by pixel positions.
  local menu=""
  findMenu() {
    menu=$(xdotool search --onlyvisible --pid "$appPid" 2>/dev/null | grep -vx "$icon" | head -n 1)
    [[ -n $menu ]]
  }
  menuGone() { ! xdotool search --onlyvisible --pid "$appPid" 2>/dev/null | grep -vx "$icon" | grep -q .; }
  # openMenu [SCREENSHOT]: opens the menu (with no other window of the app open).
  # Two right-clicks on the same spot within Qt's double-click interval (400 ms) arrive as a
  # double-click, which opens no menu: on a fast machine the click after Pause came 261 ms after
  # the one before. Clicks are kept a second apart, as a user's would be.
  local lastClick=0
  openMenu() {
    local now
    now=$(date +%s%N)
    local waitNs=$((lastClick + 1000000000 - now))
    ((waitNs <= 0)) || sleep "$(printf '0.%09d' "$waitNs")"
    xdotool mousemove "$((iconX + iconW / 2))" "$((iconY + iconH / 2))" click 3
    lastClick=$(date +%s%N)
    waitFor "context menu" findMenu || fail "right-clicking the tray icon opened no menu"
    if [[ -n ${1:-} ]]; then
      sleep 0.5  # let the menu paint before the picture
      import -window root "$shots/$1" || fail "could not save $shots/$1"
      note "screenshot $shots/$1"
    fi
  }
  choose() {
    xdotool key --clearmodifiers "$1"
    waitFor "menu closed after '$1'" menuGone || fail "the menu stayed open after '$1'"
  }

  openMenu tray-menu.png
  choose u  # &Update now
  hostUpdated() { [[ $(answer) == 10.0.0.5 ]]; }
  waitFor "home.dyn.example.test updated through Update now" hostUpdated ||
    fail "after Update now, qdyn-server answers '$(answer)' for home.dyn.example.test (log: $(cat "$work/qdyn-tray.log"))"
  grep -q 'home.dyn.example.test' "$work/server.log" || note "(the server logged no update line)"

  openMenu
  choose p  # &Pause updates, checked: unchecking resumes

  # Mapped is not painted: retake the screenshot until the icon's area shows the icon, i.e.
  # many colours (antialiased SVG) with blue ahead of red (its background).
  local shot=$shots/tray.png
  iconDrawn() {
    import -window root "$shot" 2>/dev/null || return 1
    local stats
    stats=$(convert "$shot" -crop "${iconW}x${iconH}+${iconX}+${iconY}" +repage \
      -format '%k %[fx:mean.b>mean.r+0.1?1:0]' info: 2>/dev/null) || return 1
    local colours=${stats% *} blueish=${stats#* }
    ((colours >= 16 && blueish == 1))
  }
  waitFor "icon drawn in $shot" iconDrawn || fail "the tray icon area stays blank in $shot"

  # The whole screenshot must be a real picture of the screen: full size, and more than the
  # few colours of an empty desktop (a black 1024x768 PNG has one colour and ~400 bytes).
  local geometry colours
  geometry=$(identify -format '%wx%h' "$shot")
  colours=$(identify -format '%k' "$shot")
  [[ $geometry == 1024x768 ]] || fail "$shot is $geometry, expected 1024x768"
  ((colours >= 32)) || fail "$shot has only $colours colours"
  note "screenshot $shot ($(stat -c %s "$shot") bytes, $geometry, $colours colours)"

  # Profiles...: the dialog opens on the profile file, showing the profile.
  openMenu
  xdotool key --clearmodifiers r  # P&rofiles...
  local dialog=""
  findWindow() {
    dialog=$(xdotool search --all --onlyvisible --pid "$appPid" --name "$1" 2>/dev/null | head -n 1)
    [[ -n $dialog ]]
  }
  waitFor "profiles dialog" findWindow 'Profiles' || fail "Profiles... opened no window titled Profiles"
  sleep 1  # let it paint
  import -window root "$shots/tray-profiles.png" || fail "could not save $shots/tray-profiles.png"
  note "screenshot $shots/tray-profiles.png"
  # Focus it the way a user would, with a click (on its profile list, which a click only
  # selects in), then close it with Escape.
  eval "$(xdotool getwindowgeometry --shell "$dialog")"
  xdotool mousemove "$((X + 40))" "$((Y + HEIGHT / 2))" click 1
  sleep 0.3
  xdotool key --clearmodifiers Escape
  dialogClosed() { ! xdotool search --all --onlyvisible --pid "$appPid" --name 'Profiles' 2>/dev/null | grep -q .; }
  if ! waitFor "profiles dialog closed" dialogClosed; then
    import -window root "$shots/tray-failed.png" 2>/dev/null
    local w
    for w in $(xdotool search --onlyvisible --pid "$appPid" 2>/dev/null); do
      note "visible window $(printf '0x%x' "$w"): '$(xdotool getwindowname "$w" 2>/dev/null)'"
    done
    note "focused window: $(xdotool getwindowfocus 2>/dev/null)"
    fail "Escape did not close the profiles dialog; see $shots/tray-failed.png"
  fi

  # Log...: the log window, with the update among its lines (checked in-process by the tests).
  openMenu
  xdotool key --clearmodifiers l  # &Log...
  waitFor "log window" findWindow 'log' || fail "Log... opened no log window"
  sleep 1
  import -window root "$shots/tray-log.png" || fail "could not save $shots/tray-log.png"
  note "screenshot $shots/tray-log.png"

  # Quit ends the app with status 0, the log window still open.
  openMenu
  xdotool key --clearmodifiers q  # &Quit
  appGone() { ! kill -0 "$appPid" 2>/dev/null; }
  waitFor "qdyn-tray quit through its menu" appGone || fail "Quit in the tray menu did not end qdyn-tray"
  local status=0
  wait "$appPid" || status=$?
  # Reaped: forget its PID so the cleanup cannot signal a process that reused it.
  local pid
  local -a rest=()
  for pid in "${started[@]}"; do
    [[ $pid == "$appPid" ]] || rest+=("$pid")
  done
  started=("${rest[@]}")
  ((status == 0)) || fail "qdyn-tray exited with status $status after Quit (log: $(cat "$work/qdyn-tray.log"))"

  # The state the CLI reads: what the tray published is there for `qdyn status`.
  ls "$QDYN_STATE_DIR/home.state" >/dev/null 2>&1 || fail "no state file at $QDYN_STATE_DIR/home.state"

  note "PASS"
}

# ---------------------------------------------------------------------------------------------
# Outside: check the tools, then run the part above on a fresh virtual display.
# ---------------------------------------------------------------------------------------------

if [[ ${1:-} == --inside ]]; then
  shift
  inside "$@"
  exit 0
fi

[[ $# -eq 4 ]] || fail "usage: $0 QDYN_TRAY SCREENSHOT_DIR QDYN_SERVER SOURCE_DIR"
app=$1
shots=$2
server=$3
source=$4
[[ -x $app ]] || fail "qdyn-tray is not an executable file: $app"
[[ -x $server ]] || fail "qdyn-server is not an executable file: $server"
for tool in xvfb-run Xvfb xauth openbox trayer xdotool xwininfo xprop import convert identify dig; do
  command -v "$tool" >/dev/null ||
    fail "required tool '$tool' is missing; install the Debian packages xvfb openbox trayer xdotool x11-utils imagemagick"
done

mkdir -p "$shots" || fail "cannot create $shots"
rm -f "$shots"/tray*.png
work=$(mktemp -d) || fail "cannot create a temporary directory"

# If ctest times out, stop the inner script (which stops its children) and let xvfb-run end
# normally so it also stops its X server.
runner=""
onSignal() {
  [[ -s $work/inside.pid ]] && kill "$(cat "$work/inside.pid")" 2>/dev/null
  [[ -n $runner ]] && wait "$runner"
  rm -rf "$work"
  exit 1
}
trap onSignal TERM INT

xvfb-run -a -s "-screen 0 1024x768x24" bash "$0" --inside "$app" "$shots" "$work" "$server" "$source" &
runner=$!
status=0
wait "$runner" || status=$?
if ((status != 0)); then
  for log in "$work"/*.log; do
    [[ -f $log ]] && { echo "--- $(basename "$log")"; cat "$log"; }
  done
fi
rm -rf "$work"
exit "$status"
