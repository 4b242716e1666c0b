#!/usr/bin/env bash
# Benchmark: authoritative DNS on loopback. qdyn-server, NSD 4.6, Knot 3.2 and BIND 9.18 serve
# the same zone one at a time; dnsperf queries each over UDP and over TCP, first with client and
# server sharing the two cores, then pinned (server on cpu 0, dnsperf on cpu 1). dnsperf itself
# tops out near the servers' rates, so the figure that matters is queries answered per CPU-second
# of the server (utime+stime of its processes, from /proc, before and after each run). Then a
# zone of QDYN_BENCH_BIG_HOSTS dynamic hosts in qdyn-server's store: start-up time (restoring
# the store), memory and UDP rate. Prints a table, the targets, then one RESULT line.
#
#   tests/bench/dns.sh BUILD_DIR [SECONDS]        (packaging/dev.sh bench dns)
#
# BUILD_DIR holds server-mock/qdyn-server and tests/bench/populate_store (a release build for
# real figures). SECONDS of dnsperf per server, transport and pinning (default
# $QDYN_BENCH_SECONDS or 10), split over rounds in which the servers take turns in alternating
# order (qdyn and the peers, then the same in reverse, ...): on a shared machine whose speed drifts
# over minutes, every server then gets early and late minutes alike. Environment:
#   QDYN_BENCH_ROUNDS      rounds (default 2)
#   QDYN_BENCH_BIG_HOSTS   hosts in the big zone (default 1000000; 0 skips that part)
#   QDYN_BENCH_CLIENTS     dnsperf clients, i.e. sockets or TCP connections (default 4)
#   QDYN_BENCH_OUTSTANDING dnsperf queries in flight at most (default 100)
#   QDYN_BENCH_PEERS       the peers to compare with (default "nsd knot bind"; fewer for a
#                          quick look while working, never for the figures that count)
set -euo pipefail

BUILD="$(cd "${1:?usage: dns.sh BUILD_DIR [SECONDS]}" && pwd)"
RUN_SECONDS="${2:-${QDYN_BENCH_SECONDS:-10}}"
BIG_HOSTS="${QDYN_BENCH_BIG_HOSTS:-1000000}"
CLIENTS="${QDYN_BENCH_CLIENTS:-4}"
OUTSTANDING="${QDYN_BENCH_OUTSTANDING:-100}"
ROUNDS="${QDYN_BENCH_ROUNDS:-2}"
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "dns: QDYN_BENCH_ROUNDS must be a positive number" >&2; exit 1; }
ROUND_SECONDS=$((RUN_SECONDS / ROUNDS))
((ROUND_SECONDS >= 1)) || ROUND_SECONDS=1
ORIGIN="dyn.example.test"
read -r -a PEERS <<<"${QDYN_BENCH_PEERS:-nsd knot bind}"
for peer in "${PEERS[@]}"; do
  [[ "$peer" == nsd || "$peer" == knot || "$peer" == bind ]] || { echo "dns: unknown peer '$peer'" >&2; exit 1; }
done
SERVERS=(qdyn "${PEERS[@]}")
# Targets from the issue.
TARGET_CPU_RATIO=1.5
TARGET_BIG_START_S=3
TARGET_BIG_RSS_MIB=400
TARGET_BIG_QPS_DROP=0.10

QDYN_SERVER="$BUILD/server-mock/qdyn-server"
POPULATE="$BUILD/tests/bench/populate_store"
for exe in "$QDYN_SERVER" "$POPULATE"; do
  [[ -x "$exe" ]] || { echo "dns: $exe is missing (build the targets qdyn-server and populate_store)" >&2; exit 1; }
done
# tool:package, so a missing peer is named by the package that brings it.
for need in dnsperf:dnsperf dig:bind9-dnsutils named:bind9 knotd:knot nsd:nsd taskset:util-linux \
            pgrep:procps python3:python3 /usr/bin/time:time; do
  command -v "${need%%:*}" >/dev/null || { echo "dns: ${need%%:*} is missing (package ${need#*:}; packaging/deps/debian.sh installs it)" >&2; exit 1; }
done
[[ "$(nproc)" -ge 2 ]] || { echo "dns: the pinned runs need 2 cpus, this machine has $(nproc)" >&2; exit 1; }

TICKS_PER_SECOND="$(getconf CLK_TCK)"
work="$(mktemp -d /tmp/qdyn-bench-dns.XXXXXX)"
server_pid=""
cleanup() {
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT

log() { printf '%s\n' "$*" >&2; }

# A port free for both UDP and TCP on 127.0.0.1.
free_port() {
  python3 - <<'PY'
import socket
while True:
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    port = u.getsockname()[1]
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        t.bind(("127.0.0.1", port))
    except OSError:
        continue
    print(port)
    break
PY
}

# --- the zone ------------------------------------------------------------------------------------
# The demo zone's names (ns1, home, nas, office), www and an apex TXT as in the example config,
# STATIC hosts configured with fixed A/AAAA records and DYNAMIC hosts whose A/AAAA sit in
# qdyn-server's store as if their owners had updated them.
STATIC=150
DYNAMIC=150
mkdir -p "$work/zone" "$work/qdyn" "$work/nsd" "$work/knot/run" "$work/knot/db" "$work/bind"
{
  for i in $(seq 1 "$STATIC"); do printf 's%03d 198.51.100.%d 2001:db8:5::%d\n' "$i" $((i % 250 + 1)) "$i"; done
} >"$work/zone/static"
{
  printf 'home 203.0.113.7 2001:db8:d::7\nnas 203.0.113.8 2001:db8:d::8\noffice 203.0.113.9 2001:db8:d::9\n'
  for i in $(seq 1 "$DYNAMIC"); do printf 'd%03d 192.0.2.%d 2001:db8:d:1::%d\n' "$i" $((i % 250 + 1)) "$i"; done
} >"$work/zone/dynamic"

# The zone file BIND, Knot and NSD load.
{
  # shellcheck disable=SC2016  # $ORIGIN and $TTL are zone file directives
  printf '$ORIGIN %s.\n$TTL 60\n' "$ORIGIN"
  printf '@ 86400 IN SOA ns1.%s. hostmaster.example.test. 1 600 300 604800 600\n' "$ORIGIN"
  printf '@ 86400 IN NS ns1\nns1 86400 IN A 127.0.0.1\n@ IN TXT "v=spf1 -all"\nwww IN CNAME home\n'
  cat "$work/zone/static" "$work/zone/dynamic" | while read -r name v4 v6; do
    printf '%s IN A %s\n%s IN AAAA %s\n' "$name" "$v4" "$name" "$v6"
  done
} >"$work/zone/zone.db"

# qdyn-server: the same names; the static hosts as [[record]]s, the dynamic ones in the store.
qdyn_config() {  # STORE [extra TOML]
  printf '[zone]\norigin = "%s"\nnameserver = "ns1.%s"\nnameserver_addresses = ["127.0.0.1"]\n' "$ORIGIN" "$ORIGIN"
  printf 'email = "hostmaster@example.test"\nhost_expire = "never"\n\n'
  # dnsperf takes one port for both transports: start_server puts a free one in.
  printf '[listen]\ndns_udp = ["127.0.0.1:@PORT@"]\ndns_tcp = ["127.0.0.1:@PORT@"]\n\n'
  printf '[dns]\nrate_limit = 0\n\n[store]\npath = "%s"\n\n' "$1"
  printf '[[account]]\nname = "bench"\npassword = "bench-only"\nhosts = [%s]\n\n' \
    "$(awk '{printf "%s\"%s\"", (NR > 1 ? ", " : ""), $1}' "$work/zone/dynamic")"
  printf '%s' "${2:-}"
  printf '[[record]]\nname = "www"\ntype = "CNAME"\nvalue = "home"\n\n'
  printf '[[record]]\nname = "@"\ntype = "TXT"\nvalue = "v=spf1 -all"\n\n'
  while read -r name v4 v6; do
    printf '[[record]]\nname = "%s"\ntype = "A"\nvalue = "%s"\n\n' "$name" "$v4"
    printf '[[record]]\nname = "%s"\ntype = "AAAA"\nvalue = "%s"\n\n' "$name" "$v6"
  done <"$work/zone/static"
}
qdyn_config "$work/qdyn/store.db" >"$work/qdyn/server.toml"
awk -v o="$ORIGIN" '{$1 = $1 "." o; print}' "$work/zone/dynamic" | "$POPULATE" "$work/qdyn/store.db" --stdin >/dev/null

# The queries: A and AAAA of every host, names that do not exist (NXDOMAIN) and the SOA, in a
# fixed shuffled order, about 70% / 20% / 10%.
query_file() {  # HOSTS_FILE -> the query lines
  awk -v o="$ORIGIN" 'BEGIN { srand(42) }
    { print rand() "\t" $1 "." o " A"; print rand() "\t" $1 "." o " AAAA"; n += 2 }
    END {
      for (i = 1; i <= int(n * 2 / 7); i++) print rand() "\tnx" i "." o " A"
      for (i = 1; i <= int(n / 7); i++) print rand() "\t" o " SOA"
    }' "$1" | sort -k1,1 | cut -f2
}
cat "$work/zone/static" "$work/zone/dynamic" | query_file /dev/stdin >"$work/queries"

# --- servers -------------------------------------------------------------------------------------
# Each one worker thread (qdyn-server answers on one io thread), no rate limiting.
cat >"$work/nsd/nsd.conf" <<CONF
server:
  ip-address: 127.0.0.1
  port: @PORT@
  server-count: 1
  username: ""
  chroot: ""
  zonesdir: "$work/nsd"
  database: ""
  zonelistfile: "$work/nsd/zone.list"
  xfrdfile: "$work/nsd/xfrd.state"
  pidfile: "$work/nsd/nsd.pid"
  logfile: "$work/nsd/nsd.log"
  hide-version: yes
  rrl-ratelimit: 0
  rrl-whitelist-ratelimit: 0
remote-control:
  control-enable: no
zone:
  name: $ORIGIN
  zonefile: "$work/zone/zone.db"
CONF
cat >"$work/knot/knot.conf" <<CONF
server:
  rundir: "$work/knot/run"
  listen: 127.0.0.1@@PORT@
  udp-workers: 1
  tcp-workers: 1
  background-workers: 1
log:
  - target: stderr
    any: warning
database:
  storage: "$work/knot/db"
template:
  - id: default
    storage: "$work/zone"
    journal-content: none
    zonefile-sync: -1
zone:
  - domain: $ORIGIN
    file: zone.db
CONF
cat >"$work/bind/named.conf" <<CONF
options {
  directory "$work/bind"; listen-on port @PORT@ { 127.0.0.1; }; listen-on-v6 { none; };
  pid-file "$work/bind/named.pid"; session-keyfile "$work/bind/session.key";
  managed-keys-directory "$work/bind"; recursion no; dnssec-validation no; allow-query { any; };
  notify no;
  reuseport no;  # a port another server holds fails loudly instead of sharing the queries
};
controls { };
zone "$ORIGIN" { type primary; file "$work/zone/zone.db"; };
CONF

SERVER_NOTE=(
  "qdyn: qdyn-server (one io thread), [dns] rate_limit = 0 (it never limits loopback anyway), udp_batch_wait at its default (100 us)"
  "nsd: NSD $(nsd -v 2>&1 | sed -n 's/^NSD version //p' | head -n1), server-count 1, rrl-ratelimit 0 and rrl-whitelist-ratelimit 0"
  "knot: Knot $(knotd -V | sed -n 's/.*version //p'), udp-workers 1, tcp-workers 1, no mod-rrl"
  "bind: BIND $(named -v | sed -n 's/^BIND \([^ ]*\).*/\1/p'), named -n 1, no rate-limit clause (RRL off)"
)

server_port="" launched_at="" ready_at=""
# start_server NAME PIN(shared|pinned) [QDYN_CONFIG]: starts it on a free port, waits until it answers.
start_server() {
  local name="$1" pin="$2" config="${3:-$work/qdyn/server.toml}" prefix=()
  [[ "$pin" == pinned ]] && prefix=(taskset -c 0)
  local out="$work/$name.out" err="$work/$name.err"
  server_port="$(free_port)"
  if [[ "$name" == qdyn ]]; then
    sed "s/@PORT@/$server_port/" "$config" >"$work/qdyn/run.toml"
    # Emptied here, not by the redirection below: that runs in the child, maybe after the first
    # look for "ready", which would then find the previous run's line.
    : >"$out"
    launched_at=$EPOCHREALTIME
    "${prefix[@]}" "$QDYN_SERVER" --config "$work/qdyn/run.toml" >"$out" 2>"$err" &
    server_pid=$!
    local deadline=$((SECONDS + 600))
    until grep -qx ready "$out" 2>/dev/null; do
      kill -0 "$server_pid" 2>/dev/null || { log "dns: qdyn-server exited"; cat "$err" >&2; exit 1; }
      ((SECONDS < deadline)) || { log "dns: qdyn-server did not become ready"; exit 1; }
      sleep 0.02
    done
    ready_at=$EPOCHREALTIME
    return 0
  fi
  case "$name" in
    nsd)
      sed "s/@PORT@/$server_port/" "$work/nsd/nsd.conf" >"$work/nsd/run.conf"
      "${prefix[@]}" nsd -d -c "$work/nsd/run.conf" >"$out" 2>"$err" & ;;
    knot)
      sed "s/@PORT@/$server_port/" "$work/knot/knot.conf" >"$work/knot/run.conf"
      rm -rf "$work/knot/db" && mkdir -p "$work/knot/db"
      "${prefix[@]}" knotd -c "$work/knot/run.conf" >"$out" 2>"$err" & ;;
    bind)
      sed "s/@PORT@/$server_port/" "$work/bind/named.conf" >"$work/bind/run.conf"
      "${prefix[@]}" named -g -n 1 -c "$work/bind/run.conf" >"$out" 2>"$err" & ;;
  esac
  server_pid=$!
  for _ in $(seq 1 200); do
    if dig @127.0.0.1 -p "$server_port" "$ORIGIN" SOA +short +time=1 +tries=1 2>/dev/null | grep -q hostmaster; then
      return 0
    fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  log "dns: $name did not start"; cat "$err" "$out" >&2; exit 1
}

stop_server() {
  [[ -n "$server_pid" ]] || return 0
  if kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid" 2>/dev/null || true; fi
  fi
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

# utime+stime in clock ticks of a process (all its threads) and of its child processes (NSD
# answers in a child).
cpu_ticks() {
  local stat fields total child
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || { echo 0; return; }
  read -r -a fields <<<"${stat##*) }"
  total=$((fields[11] + fields[12]))
  for child in $(pgrep -P "$1" || true); do total=$((total + $(cpu_ticks "$child"))); done
  echo "$total"
}

rss_mib() {  # PID FIELD(VmRSS|VmHWM) -> MiB of it and its children
  local total=0 pid kib
  for pid in "$1" $(pgrep -P "$1" || true); do
    kib="$(awk -v f="$2:" '$1 == f {print $2}' "/proc/$pid/status" 2>/dev/null || true)"
    total=$((total + ${kib:-0}))
  done
  awk -v k="$total" 'BEGIN {printf "%.1f", k / 1024}'
}

# CPU ticks the whole machine spent busy so far (all cpus).
machine_busy_ticks() { awk '$1 == "cpu" {print $2 + $3 + $4 + $7 + $8 + $9; exit}' /proc/stat; }

# --- one dnsperf run -----------------------------------------------------------------------------
# measure KEY TRANSPORT PIN QUERIES SECONDS: dnsperf against the running server; the figures of
# all runs of KEY so far go to R_<field>[KEY] (qps and latency: the mean over the runs; lost,
# CPU and other-cpu: the sums; queries per CPU-second: all answers over all CPU time).
declare -A R_QPS R_LOST R_LAT R_CPU R_QPCS R_RCODES R_RESP R_OTHER
declare -A A_RUNS A_COMPLETED A_TICKS A_QPS A_LAT A_OTHER
measure() {
  local key="$1" transport="$2" pin="$3" queries="$4" seconds="$5" prefix=() before after busy_before busy_after output
  [[ "$pin" == pinned ]] && prefix=(taskset -c 1)
  busy_before="$(machine_busy_ticks)"
  before="$(cpu_ticks "$server_pid")"
  output="$(/usr/bin/time -f 'dnsperf-cpu %U %S' "${prefix[@]}" dnsperf -m "$transport" -s 127.0.0.1 -p "$server_port" -d "$queries" \
    -l "$seconds" -c "$CLIENTS" -T 1 -q "$OUTSTANDING" -t 2 2>&1)" || { log "dns: dnsperf failed: $output"; exit 1; }
  after="$(cpu_ticks "$server_pid")"
  busy_after="$(machine_busy_ticks)"
  printf '%s\n' "$output" >"$work/dnsperf.$key.txt"
  # One awk for every figure: completed lost qps latency-ms response-bytes dnsperf-cpu-s rcodes.
  # Only NOERROR and NXDOMAIN belong in the answers; anything else means the zones differ.
  local completed lost qps lat resp client_cpu rcodes
  read -r completed lost qps lat resp client_cpu rcodes < <(awk '
    /Queries completed:/ { completed = $3 }
    /Queries lost:/ { lost = $3 }
    /Queries per second:/ { qps = int($4) }
    /Average Latency/ && !seen++ { lat = sprintf("%.3f", $4 * 1000) }
    /Average packet size:/ { resp = $NF }
    /^dnsperf-cpu / { client = $2 + $3 }
    /Response codes:/ {
      line = $0; sub(/.*Response codes: */, "", line); gsub(/,/, "", line); n = split(line, w, " ")
      for (i = 1; i <= n; i += 3) if (w[i] != "NOERROR" && w[i] != "NXDOMAIN") bad = bad w[i] "=" w[i + 1] "/"
    }
    END { print completed + 0, lost + 0, qps + 0, (lat == "" ? 0 : lat), resp + 0, client + 0, (bad == "" ? "ok" : bad) }' <<<"$output")
  local ticks=$((after - before))
  A_RUNS[$key]=$((${A_RUNS[$key]:-0} + 1))
  A_COMPLETED[$key]=$((${A_COMPLETED[$key]:-0} + completed))
  A_TICKS[$key]=$((${A_TICKS[$key]:-0} + ticks))
  A_QPS[$key]=$((${A_QPS[$key]:-0} + qps))
  R_LOST[$key]=$((${R_LOST[$key]:-0} + lost))
  R_RESP[$key]="$resp"
  # One run with other rcodes marks the server's figures for good.
  [[ "${R_RCODES[$key]:-ok}" != ok ]] || R_RCODES[$key]="$rcodes"
  # "Other": what the machine was busy with besides the server and dnsperf (other work, or kernel
  # time charged to no one of them); a large value means the figures of this run are disturbed.
  read -r "A_LAT[$key]" "A_OTHER[$key]" < <(awk -v l="${A_LAT[$key]:-0}" -v o="${A_OTHER[$key]:-0}" -v lat="$lat" \
    -v t="$ticks" -v h="$TICKS_PER_SECOND" -v busy=$((busy_after - busy_before)) -v client="$client_cpu" \
    'BEGIN {other = busy / h - t / h - client; printf "%f %f\n", l + lat, o + (other < 0 ? 0 : other)}')
  # Fewer than one tick of CPU (very short runs) counts as one tick.
  read -r "R_QPS[$key]" "R_LAT[$key]" "R_CPU[$key]" "R_QPCS[$key]" "R_OTHER[$key]" < <(awk -v n="${A_RUNS[$key]}" \
    -v q="${A_QPS[$key]}" -v l="${A_LAT[$key]}" -v c="${A_COMPLETED[$key]}" -v t="${A_TICKS[$key]}" \
    -v h="$TICKS_PER_SECOND" -v o="${A_OTHER[$key]}" \
    'BEGIN {printf "%d %.3f %.2f %d %.2f\n", q / n, l / n, t / h, c / ((t < 1 ? 1 : t) / h), o}')
}

# Every server answers the sample questions alike (the zones are the same): the rcode and the
# answer records without their TTLs (and without the SOA's serial and timers), in one dig.
EXPECTED=""
check_answers() {  # NAME
  local questions=() question answer
  for question in s001:A s150:AAAA d001:A d150:AAAA home:A www:A nx1:A @:SOA; do
    questions+=("$([[ "${question%%:*}" == @ ]] && echo "$ORIGIN" || echo "${question%%:*}.$ORIGIN")" "${question#*:}")
  done
  answer="$(dig @127.0.0.1 -p "$server_port" +time=2 +tries=2 +noall +comments +answer "${questions[@]}" |
    awk '/status:/ { match($0, /status: [A-Z]+/); print substr($0, RSTART + 8, RLENGTH - 8) }
         !/^;/ && NF { $2 = ""; if ($4 == "SOA") NF = 4; print tolower($0) }' | tr '\n' ';')"
  [[ "$answer" == *NXDOMAIN* ]] || { log "dns: $1 does not answer as expected: $answer"; exit 1; }
  if [[ -z "$EXPECTED" ]]; then
    EXPECTED="$answer"
  elif [[ "$EXPECTED" != "$answer" ]]; then
    log "dns: $1 answers differently from qdyn-server:"; log "  $1: $answer"; log "  qdyn: $EXPECTED"; exit 1
  fi
}

log "dns: $(wc -l <"$work/queries") queries in the file, $((STATIC + DYNAMIC + 3)) hosts; $ROUNDS rounds of $ROUND_SECONDS s per run; load average $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A RSS
for ((round = 1; round <= ROUNDS; round++)); do
  order=("${SERVERS[@]}")
  if ((round % 2 == 0)); then
    order=()
    for ((i = ${#SERVERS[@]} - 1; i >= 0; i--)); do order+=("${SERVERS[i]}"); done
  fi
  for name in "${order[@]}"; do
    for pin in shared pinned; do
      start_server "$name" "$pin"
      check_answers "$name"
      for transport in udp tcp; do
        log "dns: round $round: $name $transport $pin"
        measure "$name:$transport:$pin" "$transport" "$pin" "$work/queries" "$ROUND_SECONDS"
      done
      hwm="$(rss_mib "$server_pid" VmHWM)"
      RSS[$name]="$(awk -v a="${RSS[$name]:-0}" -v b="$hwm" 'BEGIN {print (b > a ? b : a)}')"
      stop_server
    done
  done
done

# --- the big zone ------------------------------------------------------------------------------------
big_start_s=0 big_starts="" big_stop_s=0 big_rss=0 big_hwm=0 big_qps=0 big_lost=0 big_ratio=0 big_populate_s=0
if [[ "$BIG_HOSTS" -gt 0 ]]; then
  log "dns: big zone: $BIG_HOSTS dynamic hosts h0000001.big.$ORIGIN ..."
  big_account="$(printf '[[account]]\nname = "big"\npassword = "bench-only"\nhosts = ["big"]\n\n')"$'\n'
  qdyn_config "$work/qdyn/big.db" "$big_account" >"$work/qdyn/big.toml"
  t0=$EPOCHREALTIME
  awk -v o="$ORIGIN" '{$1 = $1 "." o; print}' "$work/zone/dynamic" | "$POPULATE" "$work/qdyn/big.db" --stdin >/dev/null
  "$POPULATE" "$work/qdyn/big.db" --generate "$BIG_HOSTS" "big.$ORIGIN" >/dev/null
  big_populate_s="$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.2f", b - a}')"
  # The kernel writes the freshly written store back now rather than during the start measured next.
  sync
  # The same mix as the small zone, with random existing big hosts for the A/AAAA questions.
  awk -v n="$BIG_HOSTS" 'BEGIN { srand(7); for (i = 0; i < 20000; i++) printf "h%07d\n", 1 + int(rand() * n) }' \
    >"$work/zone/big-sample"
  awk -v o="big" '{print $1 "." o}' "$work/zone/big-sample" | query_file /dev/stdin >"$work/big-queries"

  # Three starts, the median counts: one start is one sample of a machine whose speed drifts.
  # The last one stays up for the queries.
  for attempt in 1 2 3; do
    ((attempt == 1)) || stop_server
    start_server qdyn pinned "$work/qdyn/big.toml"
    big_starts+="$(awk -v a="$launched_at" -v b="$ready_at" 'BEGIN {printf "%.2f", b - a}') "
  done
  big_start_s="$(printf '%s\n' $big_starts | sort -n | sed -n 2p)"
  restored="$(grep -o '[0-9]* names restored' "$work/qdyn.err" | head -n1 || true)"
  probe=$((BIG_HOSTS / 2 + 1))
  want="$(printf '10.%d.%d.%d' $((probe >> 16)) $(((probe >> 8) & 255)) $((probe & 255)))"
  got="$(dig @127.0.0.1 -p "$server_port" "$(printf 'h%07d.big.%s' "$probe" "$ORIGIN")" A +short +time=2 +tries=2)"
  [[ "$got" == "$want" ]] || { log "dns: big zone answers '$got' for host $probe, expected $want"; exit 1; }
  log "dns: qdyn big udp pinned ($restored)"
  measure big udp pinned "$work/big-queries" "$RUN_SECONDS"
  big_qps="${R_QPS[big]}"; big_lost="${R_LOST[big]}"
  big_rss="$(rss_mib "$server_pid" VmRSS)"; big_hwm="$(rss_mib "$server_pid" VmHWM)"
  t0=$EPOCHREALTIME
  stop_server
  big_stop_s="$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.2f", b - a}')"
  # The small zone again, right after the big one: the two rates the target compares then come
  # from the same minute of a machine whose speed drifts.
  start_server qdyn pinned
  log "dns: qdyn small udp pinned again, next to the big zone"
  measure small udp pinned "$work/queries" "$RUN_SECONDS"
  stop_server
  big_ratio="$(awk -v a="$big_qps" -v b="${R_QPS[small]}" 'BEGIN {printf "%.3f", (b > 0 ? a / b : 0)}')"
fi

# --- report --------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }
verdict() { if awk "BEGIN {exit !($1)}"; then echo PASS; else echo FAIL; fi; }  # verdict "AWK CONDITION"

printf '\nAuthoritative DNS on loopback: %s hosts (%d static, %d dynamic), %d questions (A/AAAA 70%%, NXDOMAIN 20%%, SOA 10%%)\n' \
  $((STATIC + DYNAMIC + 3)) "$STATIC" $((DYNAMIC + 3)) "$(wc -l <"$work/queries")"
printf 'dnsperf -c %s -T 1 -q %s for %s s per server, transport and pinning, in %s rounds of %s s with the servers in\n' \
  "$CLIENTS" "$OUTSTANDING" "$((ROUNDS * ROUND_SECONDS))" "$ROUNDS" "$ROUND_SECONDS"
printf 'alternating order (qps and latency: the mean of the rounds); shared: no pinning; pinned: server on cpu 0, dnsperf on cpu 1\n'
printf 'Rate limiting is off for every server:\n'
printf '  %s\n' "${SERVER_NOTE[@]}"
printf '\n%-5s %-5s %-7s %9s %7s %11s %8s %8s %15s %5s %7s %9s\n' server proto cpus qps lost latency-ms resp-B cpu-s queries/cpu-s rcode HWM-MiB other-cpu
for name in "${SERVERS[@]}"; do
  for transport in udp tcp; do
    for pin in shared pinned; do
      key="$name:$transport:$pin"
      printf '%-5s %-5s %-7s %9s %7s %11s %8s %8s %15s %5s %7s %9s\n' "$name" "$transport" "$pin" "${R_QPS[$key]}" \
        "${R_LOST[$key]}" "${R_LAT[$key]}" "${R_RESP[$key]}" "${R_CPU[$key]}" "${R_QPCS[$key]}" "${R_RCODES[$key]}" "${RSS[$name]}" \
        "${R_OTHER[$key]}"
    done
  done
done
printf '%s\n' "cpu-s: utime+stime of the server's processes during the run; queries/cpu-s: answers per server" \
  "CPU-second; resp-B: mean response size; HWM-MiB: peak RSS summed over the server's processes;" \
  "other-cpu: CPU-seconds the machine spent beyond the server and dnsperf during the run (other" \
  "work on the machine, or kernel time charged to no process): a high value means a disturbed run."

# The best peer: the highest queries per CPU-second (pinned runs: the server has its core to
# itself, so its CPU time is its own work), and separately the highest pinned qps.
declare -A BEST_EFF BEST_EFF_NAME BEST_QPS BEST_QPS_NAME RATIO QPS_RATIO
qdyn_lost=0
for transport in udp tcp; do
  BEST_EFF[$transport]=0; BEST_QPS[$transport]=0
  for peer in "${PEERS[@]}"; do
    key="$peer:$transport:pinned"
    if ((R_QPCS[$key] > BEST_EFF[$transport])); then BEST_EFF[$transport]="${R_QPCS[$key]}"; BEST_EFF_NAME[$transport]="$peer"; fi
    if ((R_QPS[$key] > BEST_QPS[$transport])); then BEST_QPS[$transport]="${R_QPS[$key]}"; BEST_QPS_NAME[$transport]="$peer"; fi
  done
  RATIO[$transport]="$(ratio "${R_QPCS[qdyn:$transport:pinned]}" "${BEST_EFF[$transport]}")"
  QPS_RATIO[$transport]="$(ratio "${R_QPS[qdyn:$transport:pinned]}" "${BEST_QPS[$transport]}")"
  for pin in shared pinned; do key="qdyn:$transport:$pin"; qdyn_lost=$((qdyn_lost + R_LOST[$key])); done
done
for key in big small; do qdyn_lost=$((qdyn_lost + ${R_LOST[$key]:-0})); done
cpu_ratio="$(awk -v u="${RATIO[udp]}" -v t="${RATIO[tcp]}" 'BEGIN {printf "%.2f", (u < t ? u : t)}')"

printf '\nTargets (pinned runs):\n'
for transport in udp tcp; do
  printf '  %s queries per server CPU-second: qdyn %s, best peer %s %s: %sx (target >= %sx) %s\n' "${transport^^}" \
    "${R_QPCS[qdyn:$transport:pinned]}" "${BEST_EFF_NAME[$transport]}" "${BEST_EFF[$transport]}" "${RATIO[$transport]}" \
    "$TARGET_CPU_RATIO" "$(verdict "${RATIO[$transport]} >= $TARGET_CPU_RATIO")"
  printf '  %s qps: qdyn %s, best peer %s %s: %sx (target >= 1x) %s\n' "${transport^^}" "${R_QPS[qdyn:$transport:pinned]}" \
    "${BEST_QPS_NAME[$transport]}" "${BEST_QPS[$transport]}" "${QPS_RATIO[$transport]}" \
    "$(verdict "${QPS_RATIO[$transport]} >= 1")"
done
printf '  qdyn-server lost queries in all its runs: %s (target 0) %s\n' "$qdyn_lost" "$(verdict "$qdyn_lost == 0")"
if [[ "$BIG_HOSTS" -gt 0 ]]; then
  printf '\nBig zone: %s dynamic hosts in the store (written in %s s), qdyn-server pinned on cpu 0:\n' "$BIG_HOSTS" "$big_populate_s"
  printf '  start to ready (restoring the store), median of three: %s s (%s) (target < %s s) %s; stop: %s s\n' \
    "$big_start_s" "$(printf '%s' "$big_starts" | sed 's/ $//; s/ /, /g')" "$TARGET_BIG_START_S" \
    "$(verdict "$big_start_s < $TARGET_BIG_START_S")" "$big_stop_s"
  printf '  RSS after the run: %s MiB, peak %s MiB (target < %s MiB) %s\n' "$big_rss" "$big_hwm" "$TARGET_BIG_RSS_MIB" \
    "$(verdict "$big_hwm < $TARGET_BIG_RSS_MIB")"
  printf '  UDP qps on random existing hosts: %s, lost %s; small zone right after: %s: %sx (target >= %s) %s\n' "$big_qps" \
    "$big_lost" "${R_QPS[small]}" "$big_ratio" "$(awk -v d="$TARGET_BIG_QPS_DROP" 'BEGIN {print 1 - d}')" \
    "$(verdict "$big_ratio >= 1 - $TARGET_BIG_QPS_DROP")"
  printf '  queries per server CPU-second: %s (small zone right after %s)\n' "${R_QPCS[big]}" "${R_QPCS[small]}"
fi
echo "RESULT cpu_efficiency_ratio_vs_best_peer=$cpu_ratio udp_cpu_ratio=${RATIO[udp]} tcp_cpu_ratio=${RATIO[tcp]}" \
  "udp_qps=${R_QPS[qdyn:udp:pinned]} tcp_qps=${R_QPS[qdyn:tcp:pinned]} best_peer=${BEST_EFF_NAME[udp]}" \
  "tcp_best_peer=${BEST_EFF_NAME[tcp]} udp_queries_per_cpu_s=${R_QPCS[qdyn:udp:pinned]} tcp_queries_per_cpu_s=${R_QPCS[qdyn:tcp:pinned]}" \
  "best_peer_udp_queries_per_cpu_s=${BEST_EFF[udp]} best_peer_tcp_queries_per_cpu_s=${BEST_EFF[tcp]}" \
  "best_peer_udp_qps=${BEST_QPS[udp]} best_peer_tcp_qps=${BEST_QPS[tcp]} udp_qps_ratio=${QPS_RATIO[udp]} tcp_qps_ratio=${QPS_RATIO[tcp]}" \
  "lost=$qdyn_lost big_hosts=$BIG_HOSTS big_start_s=$big_start_s big_rss_mib=$big_rss big_peak_rss_mib=$big_hwm" \
  "big_udp_qps=$big_qps big_qps_vs_small=$big_ratio"
