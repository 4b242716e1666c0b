#!/usr/bin/env bash
# Benchmark: durable authenticated dyndns2 updates. wrk sends /nic/update requests with Basic
# auth (scrypt-hashed passwords, so the verified-credentials cache is what keeps them cheap) to
# qdyn-server with its SQLite store on: every request changes a host, and every "good" is only
# sent once the change is durable. qdyn-server is killed with SIGKILL while wrk is still
# sending, restarted on the same store, and every update wrk saw acknowledged is looked up over
# DNS. Prints the figures, the target, then one RESULT line.
#
#   tests/bench/updates.sh BUILD_DIR [SECONDS]        (packaging/dev.sh bench updates)
#
# BUILD_DIR holds server-mock/qdyn-server and tests/bench/verify_updates (a release build for
# real figures). SECONDS of load before the kill (default $QDYN_BENCH_SECONDS or 10).
# First, commit_cost measures the update path in memory alone (time and heap allocations per
# update, in a zone of the benchmark's hosts and with QDYN_BENCH_COMMIT_EXTRA more names, default
# 1,000,000; QDYN_BENCH_COMMIT_UPDATES updates each, default 200,000).
# Environment: QDYN_BENCH_CONNECTIONS (wrk connections, default 32), QDYN_BENCH_THREADS (wrk
# threads, default 2), QDYN_BENCH_ACCOUNTS (default 100) and QDYN_BENCH_HOSTS_PER_ACCOUNT
# (default 200): the updated hosts, every host updated again only after all the others.
set -euo pipefail

BUILD="$(cd "${1:?usage: updates.sh BUILD_DIR [SECONDS]}" && pwd)"
RUN_SECONDS="${2:-${QDYN_BENCH_SECONDS:-10}}"
CONNECTIONS="${QDYN_BENCH_CONNECTIONS:-32}"
THREADS="${QDYN_BENCH_THREADS:-2}"
ACCOUNTS="${QDYN_BENCH_ACCOUNTS:-100}"
PER="${QDYN_BENCH_HOSTS_PER_ACCOUNT:-200}"
ZONE="bench.example.test"
TARGET_PER_S=20000
# scrypt ln=10 of this password (the unit tests' hash): the first login of each account costs
# ~3 ms instead of the default's ~100 ms, so the warm-up stays short; later ones hit the cache.
PASS="correct horse battery staple"
HASH='$scrypt$ln=10,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$mp90zEQd5XGhjEv4WArVH4Z0XRSzkGWtJK2S/AXJlRU'

SERVER="$BUILD/server-mock/qdyn-server"
VERIFY="$BUILD/tests/bench/verify_updates"
COMMIT_COST="$BUILD/tests/bench/commit_cost"
for exe in "$SERVER" "$VERIFY" "$COMMIT_COST"; do
  [[ -x "$exe" ]] || { echo "updates: $exe is missing (build the targets qdyn-server, verify_updates and commit_cost)" >&2; exit 1; }
done
for need in wrk:wrk curl:curl; do
  command -v "${need%%:*}" >/dev/null || { echo "updates: ${need%%:*} is missing (package ${need#*:}; packaging/deps/debian.sh installs it)" >&2; exit 1; }
done
(( (ACCOUNTS * PER) % THREADS == 0 )) || { echo "updates: accounts x hosts must be a multiple of the wrk threads" >&2; exit 1; }

commit="$("$COMMIT_COST" "${QDYN_BENCH_COMMIT_EXTRA:-1000000}" "${QDYN_BENCH_COMMIT_UPDATES:-200000}")" ||
  { echo "updates: commit_cost failed" >&2; exit 1; }
commit_field() { printf '%s\n' "$commit" | tail -n 1 | tr ' ' '\n' | sed -n "s/^$1=//p"; }

work="$(mktemp -d /tmp/qdyn-bench-updates.XXXXXX)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

{
  cat <<TOML
[zone]
origin = "$ZONE"
nameserver = "ns1.$ZONE"
nameserver_addresses = ["127.0.0.1"]
host_expire = "never"

[listen]
dns_udp = ["127.0.0.1:0"]
http = ["127.0.0.1:0"]

[store]
path = "$work/updates.db"

[throttle]
unchanged = 0
TOML
  awk -v accounts="$ACCOUNTS" -v per="$PER" -v hash="$HASH" 'BEGIN {
    for (a = 0; a < accounts; a++) {
      printf "\n[[account]]\nname = \"a%d\"\npassword_hash = \"%s\"\nhosts = [", a, hash
      for (h = a * per; h < (a + 1) * per; h++) printf "%s\"h%d\"", (h > a * per ? ", " : ""), h
      printf "]\n"
    }
  }'
} >"$work/server.toml"

start_server() {
  # Emptied here, not by the redirection (that runs in the child, maybe after the first look
  # for "ready", which would then read the previous run's lines and ports).
  : >"$work/server.out"
  "$SERVER" --config "$work/server.toml" >"$work/server.out" 2>"$work/server.err" &
  server_pid=$!
  for _ in $(seq 1 300); do
    grep -qx ready "$work/server.out" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.err" >&2; echo "updates: qdyn-server exited" >&2; exit 1; }
    sleep 0.1
  done
  grep -qx ready "$work/server.out" || { echo "updates: qdyn-server did not become ready" >&2; exit 1; }
  http_port="$(sed -n 's/^listening http 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/server.out")"
  dns_port="$(sed -n 's/^listening dns-udp 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/server.out")"
}

start_server
# Warm-up: one login per account (scrypt once each), outside the measurement. curl's options
# hold for every URL after them: --next starts each account's request afresh (a single -u list
# logged in only the last account, and the others paid scrypt inside the measurement).
warm=()
for (( a = 0; a < ACCOUNTS; a++ )); do
  (( a == 0 )) || warm+=(--next)
  warm+=(-s -A qdyn-bench/1.0 -u "a$a:$PASS" -w '\n' "http://127.0.0.1:$http_port/nic/update?hostname=h$(( a * PER )).$ZONE&myip=192.0.2.1")
done
warmed="$(curl "${warm[@]}" | grep -c '^good' || true)"
(( warmed == ACCOUNTS )) || { echo "updates: the warm-up logged in $warmed of $ACCOUNTS accounts" >&2; exit 1; }

# The server's CPU time (utime+stime, clock ticks) from /proc: what an update costs the server
# varies less from run to run on a shared machine than the rate does.
server_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

export ACCOUNTS PER ZONE PASS THREADS ACKED="$work/acked.txt"
# wrk runs past the kill: the server dies while requests are in flight.
wrk -t "$THREADS" -c "$CONNECTIONS" -d "$(( RUN_SECONDS + 3 ))s" --timeout 2s -s "$(dirname "$0")/updates.lua" \
  "http://127.0.0.1:$http_port" >"$work/wrk.out" 2>&1 &
wrk_pid=$!
started="$(date +%s.%N)"
ticks_before="$(server_ticks "$server_pid")"
sleep "$RUN_SECONDS"
ticks_after="$(server_ticks "$server_pid")"
kill -9 "$server_pid"
killed="$(date +%s.%N)"
wait "$server_pid" 2>/dev/null || true
server_pid=""
wait "$wrk_pid" || true
cat "$work/wrk.out"
acked_updates="$(sed -n 's/^wrk: \([0-9]*\) acknowledged.*/\1/p' "$work/wrk.out")"
[[ -n "$acked_updates" && -s "$work/acked.txt" ]] || { echo "updates: wrk acknowledged nothing" >&2; exit 1; }

restart_start="$(date +%s.%N)"
start_server
restart_s="$(awk -v a="$restart_start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')"
verify="$("$VERIFY" "$dns_port" "$work/acked.txt" "$ZONE" 2>&1)" || true
echo "$verify"
lost="$(printf '%s\n' "$verify" | sed -n 's/.*checked=[0-9]* lost=\([0-9]*\)$/\1/p')"
checked="$(printf '%s\n' "$verify" | sed -n 's/.*checked=\([0-9]*\) lost=.*/\1/p')"
[[ -n "$lost" ]] || { echo "updates: the check did not run" >&2; exit 1; }

elapsed="$(awk -v a="$started" -v b="$killed" 'BEGIN { print b - a }')"
per_s="$(awk -v n="$acked_updates" -v t="$elapsed" 'BEGIN { printf "%.0f", n / t }')"
hz="$(getconf CLK_TCK)"
cpu_s="$(awk -v a="$ticks_before" -v b="$ticks_after" -v hz="$hz" 'BEGIN { printf "%.2f", (b - a) / hz }')"
per_cpu_s="$(awk -v n="$acked_updates" -v c="$cpu_s" 'BEGIN { printf "%.0f", (c > 0 ? n / c : 0) }')"
printf '\n%s\n' "$commit" | sed '$d'
printf '%-44s %s\n' "durable authenticated updates per second" "$per_s (target >= $TARGET_PER_S)"
printf '%-44s %s\n' "acknowledged before SIGKILL" "$acked_updates in $(printf '%.2f' "$elapsed") s"
printf '%-44s %s\n' "server CPU (utime+stime), updates per CPU-s" "$cpu_s s, $per_cpu_s"
printf '%-44s %s\n' "hosts checked over DNS after restart" "$checked, lost $lost"
printf '%-44s %s\n' "restart with the store" "$(printf '%.2f' "$restart_s") s"
printf '%-44s %s\n' "load" "wrk $THREADS threads, $CONNECTIONS connections, $ACCOUNTS accounts x $PER hosts"
echo "RESULT durable_updates_per_s=$per_s lost_after_kill=$lost acknowledged=$acked_updates checked_hosts=$checked server_cpu_s=$cpu_s updates_per_server_cpu_s=$per_cpu_s commit_ns=$(commit_field commit_ns) large_zone_commit_ns=$(commit_field large_zone_commit_ns) target_per_s=$TARGET_PER_S"
[[ "$lost" == 0 ]]
