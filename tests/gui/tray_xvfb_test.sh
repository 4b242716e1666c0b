#!/usr/bin/env bash
# shellcheck disable=SC2317  # wait conditions are functions called through waitFor
# Runs the real qdyn-tray on a virtual desktop (Xvfb + openbox + trayer) and checks, from the
# outside, what a user would see: with no tray yet, a fallback window; once a tray appears, the
# icon docks into it and is drawn there and the window goes; the context menu opens; and Quit in
# that menu ends the app with status 0. Screenshots go to SCREENSHOT_DIR.
#
#   usage: tray_xvfb_test.sh QDYN_TRAY SCREENSHOT_DIR
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
  local app=$1 shots=$2 work=$3
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
  mkdir -p "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
  mkdir -m 0700 "$XDG_RUNTIME_DIR"

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

  # The context menu: right-click the icon, then find the app's new popup window.
  xdotool mousemove "$((iconX + iconW / 2))" "$((iconY + iconH / 2))" click 3
  local menu=""
  findMenu() {
    menu=$(xdotool search --onlyvisible --pid "$appPid" 2>/dev/null | grep -vx "$icon" | head -n 1)
    [[ -n $menu ]]
  }
  waitFor "context menu" findMenu || fail "right-clicking the tray icon opened no menu"
  sleep 0.5  # let the menu paint before the picture
  import -window root "$shots/tray-menu.png" || fail "could not save $shots/tray-menu.png"
  note "screenshot $shots/tray-menu.png"

  # Quit is the menu's last item: click its row, just above the menu's bottom frame.
  eval "$(xdotool getwindowgeometry --shell "$menu")"
  xdotool mousemove "$((X + WIDTH / 2))" "$((Y + HEIGHT - 12))" click 1
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

[[ $# -eq 2 ]] || fail "usage: $0 QDYN_TRAY SCREENSHOT_DIR"
app=$1
shots=$2
[[ -x $app ]] || fail "qdyn-tray is not an executable file: $app"
for tool in xvfb-run Xvfb xauth openbox trayer xdotool xwininfo xprop import convert identify; do
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

xvfb-run -a -s "-screen 0 1024x768x24" bash "$0" --inside "$app" "$shots" "$work" &
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
