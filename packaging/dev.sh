#!/usr/bin/env bash
# The developer's entry point. Each command installs what it needs first (Debian 12, as root),
# so it works on a fresh machine.
#
#   packaging/dev.sh demo          build, start qdyn-server on loopback, update a host, show DNS
#   packaging/dev.sh test          warnings-as-errors build + whole suite, then again under ASan+UBSan
#   packaging/dev.sh bench NAME [ARGS]   run one benchmark from tests/bench (lists them without NAME)
#   packaging/dev.sh fuzz [NAME] [SECONDS]   run a libFuzzer target (default: all, 60 s each)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JOBS="$(nproc 2>/dev/null || echo 2)"

log() { printf '\n==> %s\n' "$*"; }

deps() {
  if [[ -r /etc/debian_version ]] && command -v dpkg-query >/dev/null 2>&1; then
    "$ROOT/packaging/deps/debian.sh" "$@"
  else
    echo "dev.sh: not a Debian system; install the packages listed in README.md yourself" >&2
  fi
}

build() {  # build PRESET [TARGET...]
  local preset="$1"; shift
  cmake --preset "$preset" >/dev/null
  if [[ $# -gt 0 ]]; then
    cmake --build --preset "$preset" -j "$JOBS" --target "$@"
  else
    cmake --build --preset "$preset" -j "$JOBS"
  fi
}

cmd_test() {
  deps
  # The sanitizer options live in the asan test preset (CMakePresets.json).
  export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
  local start=$SECONDS
  log "build (preset dev: debug, warnings as errors)"
  build dev
  log "test (preset dev)"
  ctest --preset dev -j "$JOBS"
  log "build (preset asan: AddressSanitizer + UndefinedBehaviorSanitizer)"
  build asan
  log "test (preset asan)"
  ctest --preset asan -j "$JOBS"
  log "all tests passed in both builds ($((SECONDS - start)) s)"
}

demo_cleanup() {
  if [[ -n "${DEMO_SERVER_PID:-}" ]] && kill -0 "$DEMO_SERVER_PID" 2>/dev/null; then
    kill "$DEMO_SERVER_PID"; wait "$DEMO_SERVER_PID" 2>/dev/null || true
  fi
  [[ -n "${DEMO_WORK:-}" ]] && rm -rf "$DEMO_WORK"
  return 0
}

cmd_demo() {
  deps --build
  if ! command -v dig >/dev/null 2>&1; then deps; fi
  log "build qdyn and qdyn-server"
  build dev qdyn qdyn-server
  local bin="$ROOT/build/dev"
  # Globals, not locals: the EXIT trap runs after this function has returned.
  DEMO_WORK="$(mktemp -d /tmp/qdyn-demo.XXXXXX)"
  DEMO_SERVER_PID=""
  trap demo_cleanup EXIT
  local work="$DEMO_WORK"


  log "start qdyn-server on loopback (zone dyn.example.test from packaging/examples/demo-server.toml)"
  "$bin/server-mock/qdyn-server" --config "$ROOT/packaging/examples/demo-server.toml" >"$work/server.out" &
  DEMO_SERVER_PID=$!
  for _ in $(seq 1 100); do
    grep -qx ready "$work/server.out" 2>/dev/null && break
    kill -0 "$DEMO_SERVER_PID" 2>/dev/null || { echo "qdyn-server exited early" >&2; exit 1; }
    sleep 0.1
  done
  grep -qx ready "$work/server.out" || { echo "qdyn-server did not become ready" >&2; exit 1; }
  cat "$work/server.out"
  local dns_port http_port
  dns_port="$(sed -n 's/^listening dns-udp 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/server.out" | head -n1)"
  http_port="$(sed -n 's/^listening http 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/server.out" | head -n1)"
  echo "qdyn-server pid $DEMO_SERVER_PID: DNS on 127.0.0.1:$dns_port, HTTP on 127.0.0.1:$http_port"

  cat >"$work/profiles.toml" <<TOML
[profile.demo]
protocol = "dyndns2"
server = "http://127.0.0.1:$http_port"
hosts = ["home.dyn.example.test"]
username = "alice"
password = "s3cret"
TOML
  chmod 600 "$work/profiles.toml"

  log "DNS answer before the update (the host has no A record yet: NOERROR with only the zone's SOA)"
  dig @127.0.0.1 -p "$dns_port" home.dyn.example.test A +norecurse +noall +comments +answer +authority \
    | grep -E 'status|IN' || true

  log "qdyn update --config profiles.toml --address 203.0.113.7"
  "$bin/cli/qdyn" update --config "$work/profiles.toml" --state-dir "$work/state" --address 203.0.113.7

  log "DNS answer after the update"
  dig @127.0.0.1 -p "$dns_port" home.dyn.example.test A +norecurse +noall +comments +answer \
    | grep -E 'status|IN'
  local answer
  answer="$(dig @127.0.0.1 -p "$dns_port" home.dyn.example.test A +short)"
  [[ "$answer" == "203.0.113.7" ]] || { echo "demo failed: DNS answers '$answer'" >&2; exit 1; }

  log "stop qdyn-server (pid $DEMO_SERVER_PID)"
  kill "$DEMO_SERVER_PID"; wait "$DEMO_SERVER_PID" || true
  DEMO_SERVER_PID=""
  echo "demo OK: home.dyn.example.test now resolves to $answer"
}

cmd_bench() {
  local name="${1:-}"
  local dir="$ROOT/tests/bench"
  if [[ -z "$name" ]]; then
    echo "benchmarks:"; ls "$dir" 2>/dev/null | sed -n 's/\.sh$//p' | grep -vx smoke | sed 's/^/  /'
    return 0
  fi
  shift
  [[ -x "$dir/$name.sh" && "$name" != smoke ]] || { echo "dev.sh: no benchmark '$name' (see: packaging/dev.sh bench)" >&2; exit 2; }
  deps
  # Release build of what the benchmarks run, in its own tree (the release preset, no GUI).
  local bench_build="$ROOT/build/bench"
  log "build qdyn-server, qdyn and the benchmark helpers (preset release, in build/bench)"
  cmake --preset release -B "$bench_build" -DQDYN_BUILD_GUI=OFF >/dev/null
  cmake --build "$bench_build" -j "$JOBS" --target qdyn-server qdyn populate_store verify_updates commit_cost netmon_latency
  log "benchmark $name"
  "$dir/$name.sh" "$bench_build" "$@"
}

cmd_fuzz() {
  local name="${1:-}" seconds="${2:-60}"
  deps
  build fuzz
  local targets=()
  if [[ -n "$name" ]]; then targets=("$name"); else
    mapfile -t targets < <(ls "$ROOT/build/fuzz/tests/fuzz" | sed -n 's/^fuzz_//p')
  fi
  for target in "${targets[@]}"; do
    local corpus; corpus="$(mktemp -d)"
    log "fuzz $target for $seconds s"
    "$ROOT/build/fuzz/tests/fuzz/fuzz_$target" -max_total_time="$seconds" "$corpus" "$ROOT/tests/fuzz/corpus/$target"
    rm -rf "$corpus"
  done
}

case "${1:-}" in
  demo) cmd_demo ;;
  test) cmd_test ;;
  bench) shift; cmd_bench "$@" ;;
  fuzz) shift; cmd_fuzz "$@" ;;
  deps) shift; deps "$@" ;;
  *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
