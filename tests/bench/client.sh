#!/usr/bin/env bash
# Benchmark: qdyn as a client against inadyn 2.10, same run, same dyndns2 server (qdyn-server on
# loopback, the unchanged-update throttle off): a run with nothing to do (the address from a
# local command, already published), a forced update, the agent idle as a daemon (RSS and
# wake-ups over a quiet period), and the time from an address added on an interface to
# qdyn-server's DNS answer with `qdyn run` (inside a network namespace this script creates).
# Prints a table, the targets, then one RESULT line.
#   tests/bench/client.sh BUILD_DIR [SECONDS]   (SECONDS <= 2: a short smoke run)
set -euo pipefail

BUILD="$(cd "${1:?usage: client.sh BUILD_DIR [SECONDS]}" && pwd)"
RUN_SECONDS="${2:-10}"
RUNS=30; CHANGES=20; IDLE=5
if (( RUN_SECONDS <= 2 )); then RUNS=5; CHANGES=3; IDLE=2; fi

QDYN="$BUILD/cli/qdyn"
SERVER="$BUILD/server-mock/qdyn-server"
for exe in "$QDYN" "$SERVER"; do
  [[ -x "$exe" ]] || { echo "client: $exe is missing (build qdyn and qdyn-server)" >&2; exit 1; }
done
for need in inadyn hyperfine ip dig; do
  command -v "$need" >/dev/null || { echo "client: $need is missing (packaging/deps/debian.sh installs it)" >&2; exit 1; }
done
[[ -x /usr/bin/time ]] || { echo "client: /usr/bin/time is missing (package time)" >&2; exit 1; }

work="$(mktemp -d /tmp/qdyn-bench-client.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  ip netns del "qdyn-bench-$$" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

server_config() {  # server_config FILE
  cat >"$1" <<TOML
[zone]
origin = "dyn.example.test"
nameserver = "ns1.dyn.example.test"
nameserver_addresses = ["127.0.0.1"]

[listen]
dns_udp = ["127.0.0.1:0"]
http = ["127.0.0.1:0"]

[throttle]
unchanged = 0

[[account]]
name = "alice"
password = "s3cret"
hosts = ["home"]

[[account]]
name = "bob"
password = "hunter2"
hosts = ["office"]
TOML
}

start_server() {  # start_server OUTFILE [NETNS]: sets http_port, dns_port
  local out="$1" ns="${2:-}"
  : >"$out"
  if [[ -n "$ns" ]]; then
    ip netns exec "$ns" "$SERVER" --config "$work/server.toml" >"$out" 2>"$out.err" &
  else
    "$SERVER" --config "$work/server.toml" >"$out" 2>"$out.err" &
  fi
  pids+=($!)
  for _ in $(seq 1 100); do grep -qx ready "$out" 2>/dev/null && break; sleep 0.1; done
  grep -qx ready "$out" || { cat "$out.err" >&2; echo "client: qdyn-server did not become ready" >&2; exit 1; }
  http_port="$(sed -n 's/^listening http 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$out")"
  dns_port="$(sed -n 's/^listening dns-udp 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$out")"
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
verdict() { if awk "BEGIN {exit !($1)}"; then echo PASS; else echo FAIL; fi; }
# Median wall times in ms of two commands, by hyperfine (no shell in between): "A_MS B_MS". The
# runs alternate in rounds (a third of them each), so a machine that slows down or speeds up
# during the measurement weighs on both commands alike rather than on whichever ran second.
time_pair_ms() {
  local round
  for round in 1 2 3; do
    hyperfine -N -w 2 -r $(( (RUNS + 2) / 3 )) --export-json "$work/a$round.json" "$1" >/dev/null 2>&1
    hyperfine -N -w 2 -r $(( (RUNS + 2) / 3 )) --export-json "$work/b$round.json" "$2" >/dev/null 2>&1
  done
  python3 - "$work" <<'PY'
import json, statistics, sys
def median_ms(prefix):
    times = []
    for round in (1, 2, 3):
        times += json.load(open(f"{sys.argv[1]}/{prefix}{round}.json"))["results"][0]["times"]
    return statistics.median(times) * 1000
print("%.2f %.2f" % (median_ms("a"), median_ms("b")))
PY
}
peak_kb() { for _ in 1 2 3 4 5; do /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -n1; done | median; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
switches() { awk '/^(voluntary|nonvoluntary)_ctxt_switches:/ { n += $2 } END { print n }' "/proc/$1/status"; }

server_config "$work/server.toml"
start_server "$work/server.out"

# qdyn: the address from a command, like inadyn's checkip-command.
cat >"$work/profiles.toml" <<TOML
[profile.home]
protocol = "dyndns2"
server = "http://127.0.0.1:$http_port"
hosts = ["home.dyn.example.test"]
username = "alice"
password = "s3cret"
allow_private = true
verify = false
detect = ["command:/bin/echo 10.0.0.7"]
TOML
chmod 600 "$work/profiles.toml"
qdyn_update=("$QDYN" update -q -c "$work/profiles.toml" --state-dir "$work/state")
"${qdyn_update[@]}" >/dev/null || { echo "client: the first qdyn update failed" >&2; exit 1; }

mkdir -p "$work/inadyn"
cat >"$work/inadyn.conf" <<CONF
period = 300
custom localtest {
    username        = bob
    password        = hunter2
    checkip-command = "echo 203.0.113.7"
    ddns-server     = 127.0.0.1:$http_port
    ddns-path       = "/nic/update?hostname=%h&myip=%i"
    ssl             = false
    hostname        = office.dyn.example.test
}
CONF
chmod 600 "$work/inadyn.conf"
echo 203.0.113.7 >"$work/inadyn/office.dyn.example.test.cache"
inadyn_once=(inadyn -1 --foreground --no-pidfile --cache-dir="$work/inadyn" -l none -f "$work/inadyn.conf")

read -r noop_qdyn_ms noop_inadyn_ms < <(time_pair_ms "${qdyn_update[*]}" "${inadyn_once[*]}")
noop_qdyn_kb="$(peak_kb "${qdyn_update[@]}")"
noop_inadyn_kb="$(peak_kb "${inadyn_once[@]}")"
read -r forced_qdyn_ms forced_inadyn_ms < <(time_pair_ms "${qdyn_update[*]} --force" "${inadyn_once[*]} --force")

# Daemons, idle: RSS after start-up settles, and context switches over the quiet period.
"$QDYN" run -c "$work/profiles.toml" --state-dir "$work/state" 2>"$work/run.err" &
qdyn_pid=$!; pids+=("$qdyn_pid")
inadyn --foreground --no-pidfile --cache-dir="$work/inadyn" -l none -f "$work/inadyn.conf" >/dev/null 2>&1 &
inadyn_pid=$!; pids+=("$inadyn_pid")
sleep 1
qdyn_switches_before="$(switches "$qdyn_pid")"
sleep "$IDLE"
qdyn_wakeups="$(( $(switches "$qdyn_pid") - qdyn_switches_before ))"
daemon_qdyn_kb="$(rss_kb "$qdyn_pid")"
daemon_inadyn_kb="$(rss_kb "$inadyn_pid")"
kill "$qdyn_pid" "$inadyn_pid"; wait "$qdyn_pid" "$inadyn_pid" 2>/dev/null || true

# Change to DNS: qdyn run and qdyn-server inside a namespace; a private address added on its
# loopback interface (the only other one there is 127.0.0.1, never published) must reach the
# server's answer.
ns="qdyn-bench-$$"
ip netns add "$ns"
ip -n "$ns" link set lo up
start_server "$work/ns-server.out" "$ns"
sed -e "s|127.0.0.1:[0-9]*\"|127.0.0.1:$http_port\"|" -e 's|^detect = .*|detect = ["interface:lo"]|' \
  "$work/profiles.toml" >"$work/ns-profiles.toml"
chmod 600 "$work/ns-profiles.toml"
ip -n "$ns" addr add 10.77.0.1/32 dev lo
ip netns exec "$ns" "$QDYN" run -c "$work/ns-profiles.toml" --state-dir "$work/ns-state" 2>"$work/ns-run.err" &
pids+=($!)
answer() { ip netns exec "$ns" dig @127.0.0.1 -p "$dns_port" home.dyn.example.test A +short +time=1 +tries=1 2>/dev/null | head -n1; }
for _ in $(seq 1 100); do [[ "$(answer)" == 10.77.0.1 ]] && break; sleep 0.05; done
[[ "$(answer)" == 10.77.0.1 ]] || { cat "$work/ns-run.err" >&2; echo "client: qdyn run did not publish the first address" >&2; exit 1; }
: >"$work/latencies"
previous=10.77.0.1
for i in $(seq 2 $(( CHANGES + 1 ))); do
  next="10.77.0.$i"
  start="$(date +%s%N)"
  ip -n "$ns" addr add "$next/32" dev lo
  ip -n "$ns" addr del "$previous/32" dev lo
  got=""
  for _ in $(seq 1 400); do got="$(answer)"; [[ "$got" == "$next" ]] && break; done
  [[ "$got" == "$next" ]] || { cat "$work/ns-run.err" >&2; echo "client: $next never reached DNS" >&2; exit 1; }
  echo $(( ($(date +%s%N) - start) / 1000000 )) >>"$work/latencies"
  previous="$next"
done
change_ms="$(median <"$work/latencies")"

noop_time_ratio="$(ratio "$noop_qdyn_ms" "$noop_inadyn_ms")"
noop_rss_ratio="$(ratio "$noop_qdyn_kb" "$noop_inadyn_kb")"
forced_ratio="$(ratio "$forced_qdyn_ms" "$forced_inadyn_ms")"
daemon_ratio="$(ratio "$daemon_qdyn_kb" "$daemon_inadyn_kb")"

printf '%-36s %12s %12s %8s\n' "measure" "qdyn" "inadyn" "ratio"
printf '%-36s %12s %12s %8s\n' "nothing to do: median time (ms)" "$noop_qdyn_ms" "$noop_inadyn_ms" "$noop_time_ratio"
printf '%-36s %12s %12s %8s\n' "nothing to do: peak RSS (KB)" "$noop_qdyn_kb" "$noop_inadyn_kb" "$noop_rss_ratio"
printf '%-36s %12s %12s %8s\n' "forced update: median time (ms)" "$forced_qdyn_ms" "$forced_inadyn_ms" "$forced_ratio"
printf '%-36s %12s %12s %8s\n' "daemon idle: RSS (KB)" "$daemon_qdyn_kb" "$daemon_inadyn_kb" "$daemon_ratio"
printf '%-36s %12s %12s %8s\n' "daemon idle: wake-ups in ${IDLE} s" "$qdyn_wakeups" "-" "-"
printf '%-36s %12s %12s %8s\n' "address change -> DNS (ms, median)" "$change_ms" "-" "-"
echo "($RUNS runs per timing, $CHANGES address changes in a namespace)"
echo
echo "target nothing-to-do time <= inadyn:  $(verdict "$noop_time_ratio <= 1")"
echo "target nothing-to-do RSS <= inadyn:   $(verdict "$noop_rss_ratio <= 1")"
echo "target forced update time <= inadyn:  $(verdict "$forced_ratio <= 1")"
echo "target daemon RSS <= inadyn's daemon: $(verdict "$daemon_ratio <= 1")"
echo "target no idle wake-ups:              $(verdict "$qdyn_wakeups == 0")"
echo "target change -> DNS median < 500 ms: $(verdict "$change_ms < 500")"
echo "RESULT noop_time_ratio_vs_inadyn=$noop_time_ratio noop_rss_ratio_vs_inadyn=$noop_rss_ratio forced_time_ratio_vs_inadyn=$forced_ratio daemon_rss_ratio_vs_inadyn=$daemon_ratio change_to_dns_ms_median=$change_ms idle_wakeups=$qdyn_wakeups"
