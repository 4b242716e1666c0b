#!/usr/bin/env bash
# Benchmark: reacting to a network change and a local detection round (issue 6, Performance).
# netmon_latency adds and removes a documentation address on lo inside a network namespace it
# creates (root, or a user namespace) and times the network monitor's report; then it times the
# local interface source's round and counts its allocations after warm-up. Prints a table, the
# targets, then one RESULT line.
#   tests/bench/detect.sh BUILD_DIR [SECONDS]   (SECONDS <= 2: a short smoke run of 4 changes)
set -euo pipefail
BUILD="${1:?usage: detect.sh BUILD_DIR [SECONDS]}"
SECONDS_PER_RUN="${2:-10}"
helper="$BUILD/tests/bench/netmon_latency"
[[ -x "$helper" ]] || { echo "detect: $helper is missing (build the netmon_latency target)" >&2; exit 1; }

changes=20; rounds=2000
if (( SECONDS_PER_RUN <= 2 )); then changes=4; rounds=200; fi

out="$("$helper" "$changes" "$rounds")" || { echo "$out"; echo "detect: netmon_latency failed" >&2; exit 1; }
value() { printf '%s\n' "$out" | sed -n "s/^$1=//p" | head -n1; }
verdict() { if awk "BEGIN {exit !($1)}"; then echo PASS; else echo FAIL; fi; }

source_kind="$(value local_source)"
note="$(value note)"
median="$(value change_to_report_ms_median)"; p90="$(value change_to_report_ms_p90)"
max="$(value change_to_report_ms_max)"; removed="$(value remove_to_report_ms_median)"
round="$(value local_round_us_median)"; round90="$(value local_round_us_p90)"; allocs="$(value local_round_allocs)"

echo "network monitor: $(value monitor_backend), debounce $(value debounce_ms) ms, $changes changes on lo in a new namespace"
echo "local round: $source_kind, $(value local_rounds) rounds over $(value local_addresses) addresses (host namespace)"
[[ -n "$note" ]] && echo "NOTE: $note"
printf '\n%-34s %12s %12s\n' "measure" "median" "p90/max"
printf '%-34s %12s %12s\n' "address added -> report (ms)" "$median" "$p90 / $max"
printf '%-34s %12s %12s\n' "address removed -> report (ms)" "$removed" "-"
printf '%-34s %12s %12s\n' "local detection round (us)" "$round" "$round90"
printf '%-34s %12s %12s\n' "allocations after warm-up" "$allocs" "-"
echo
echo "target change-to-report median < 200 ms: $(verdict "$median < 200")"
echo "target local round median < 1000 us:     $(verdict "$round < 1000")"
if [[ "$source_kind" == interface ]]; then
  echo "target no allocation after warm-up:       $(verdict "$allocs == 0")"
else
  echo "target no allocation after warm-up:       FAIL (stand-in: no interface source to measure)"
fi
echo "RESULT change_to_report_ms_median=$median change_to_report_ms_p90=$p90 local_round_us_median=$round local_round_allocs=$allocs changes=$changes local_source=$source_kind"
