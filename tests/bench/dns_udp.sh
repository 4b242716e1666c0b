#!/usr/bin/env bash
# Benchmark: authoritative DNS over UDP on loopback, qdyn-server against BIND 9 (named) serving
# the same zone, measured with dnsperf. Prints a table, then one RESULT line.
#   tests/bench/dns_udp.sh BUILD_DIR [SECONDS]
set -euo pipefail
BUILD="${1:?usage: dns_udp.sh BUILD_DIR [SECONDS]}"
SECONDS_PER_RUN="${2:-8}"
for tool in dnsperf named dig python3; do
  command -v "$tool" >/dev/null || { echo "dns_udp: $tool is missing (packaging/deps/debian.sh installs it)" >&2; exit 1; }
done

work="$(mktemp -d /tmp/qdyn-bench.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# --- qdyn-server, with the host updated through the dyndns2 API -------------------------------
"$BUILD/server-mock/qdyn-server" --config "$(dirname "$0")/../../packaging/examples/demo-server.toml" >"$work/server.out" 2>"$work/server.err" &
pids+=($!)
for _ in $(seq 1 100); do grep -qx ready "$work/server.out" 2>/dev/null && break; sleep 0.1; done
grep -qx ready "$work/server.out" || { echo "qdyn-server did not start" >&2; cat "$work/server.err" >&2; exit 1; }
qdyn_port="$(sed -n 's/^listening dns-udp 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/server.out" | head -n1)"
http_port="$(sed -n 's/^listening http 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/server.out" | head -n1)"
printf '[profile.bench]\nprotocol = "dyndns2"\nserver = "http://127.0.0.1:%s"\nhosts = ["home.dyn.example.test"]\nusername = "alice"\npassword = "s3cret"\n' \
  "$http_port" >"$work/profiles.toml"
chmod 600 "$work/profiles.toml"
"$BUILD/cli/qdyn" update -q --config "$work/profiles.toml" --state-dir "$work/state" --address 203.0.113.7 2>/dev/null

# --- BIND with the same records ------------------------------------------------------------------
named_port="$(free_port)"
mkdir -p "$work/named"
cat >"$work/named/zone" <<'ZONE'
$TTL 60
@    86400 IN SOA ns1.dyn.example.test. hostmaster.example.test. 1 600 300 604800 600
@    86400 IN NS  ns1.dyn.example.test.
ns1  86400 IN A   127.0.0.1
home 60    IN A   203.0.113.7
ZONE
cat >"$work/named/named.conf" <<CONF
options { directory "$work/named"; listen-on port $named_port { 127.0.0.1; }; listen-on-v6 { none; };
  pid-file "$work/named/named.pid"; session-keyfile "$work/named/session.key";
  managed-keys-directory "$work/named"; recursion no; dnssec-validation no; allow-query { any; };
  notify no; rate-limit { responses-per-second 0; };
  reuseport no; };  # a port another server holds fails loudly instead of sharing the queries
controls { };
zone "dyn.example.test" { type primary; file "$work/named/zone"; };
CONF
named -g -c "$work/named/named.conf" -n 1 >"$work/named.log" 2>&1 &
pids+=($!)
# Bounded well below the test's timeout, so a named that never answers is reported as such.
for _ in $(seq 1 30); do
  [[ "$(dig @127.0.0.1 -p "$named_port" home.dyn.example.test A +short +time=1 +tries=1 2>/dev/null)" == "203.0.113.7" ]] && break
  kill -0 "${pids[1]}" 2>/dev/null || { echo "dns_udp: named exited" >&2; tail -n 20 "$work/named.log" >&2; exit 1; }
  sleep 0.1
done

for port in "$qdyn_port" "$named_port"; do
  answer="$(dig @127.0.0.1 -p "$port" home.dyn.example.test A +short +time=1 +tries=2)"
  [[ "$answer" == "203.0.113.7" ]] || { echo "dns_udp: server on port $port answers '$answer'" >&2; exit 1; }
done

# --- measure ---------------------------------------------------------------------------------------
printf 'home.dyn.example.test A\nhome.dyn.example.test AAAA\nnothere.dyn.example.test A\ndyn.example.test SOA\n' >"$work/queries"
measure() {  # port -> "qps avg_latency_ms lost"
  dnsperf -s 127.0.0.1 -p "$1" -d "$work/queries" -l "$SECONDS_PER_RUN" -c 4 -T 1 -Q 1000000 2>&1 | awk '
    /Queries lost:/ {lost=$3}
    /Queries per second:/ {qps=$4}
    /Average Latency/ {lat=$4*1000}
    END {printf "%d %.3f %d\n", qps, lat, lost}'
}
read -r qdyn_qps qdyn_lat qdyn_lost < <(measure "$qdyn_port")
read -r named_qps named_lat named_lost < <(measure "$named_port")
ratio="$(awk -v a="$qdyn_qps" -v b="$named_qps" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }')"
qdyn_rss="$(awk '/VmHWM/ {print $2}' "/proc/${pids[0]}/status")"
named_rss="$(awk '/VmHWM/ {print $2}' "/proc/${pids[1]}/status")"

printf '\nDNS over UDP on loopback, dnsperf -c 4 -T 1 for %s s (client and server share 2 cores)\n' "$SECONDS_PER_RUN"
printf '%-12s %12s %14s %8s %12s\n' server queries/s avg-latency-ms lost peak-RSS-KiB
printf '%-12s %12s %14s %8s %12s\n' qdyn-server "$qdyn_qps" "$qdyn_lat" "$qdyn_lost" "$qdyn_rss"
printf '%-12s %12s %14s %8s %12s\n' "named 9.18" "$named_qps" "$named_lat" "$named_lost" "$named_rss"
printf 'qdyn-server / named throughput ratio: %s\n' "$ratio"
echo "RESULT qdyn_qps=$qdyn_qps named_qps=$named_qps ratio=$ratio qdyn_latency_ms=$qdyn_lat named_latency_ms=$named_lat qdyn_rss_kib=$qdyn_rss named_rss_kib=$named_rss"
