#!/usr/bin/env bash
# The collector against the trivial server (bench/collector/TrivialServer.java: Javalin on Jetty,
# the collector's own stack, answering 200 to every POST), interleaved in one run: for each round
# and each connection count, wrk -t1 posts one event per request (unique ids, POST /v1/events) to
# the collector, then the same load to the trivial server. Both run with the launcher's default JVM
# options; the collector is bin/jmo-telemetry serve with durable acknowledgements (FULL).
#
# Prints one line per run (requests/s, CPU per request from /proc/<pid>/stat, the load average)
# and, per connection count, the medians: collector/trivial throughput (same-round ratios) and
# CPU per request. Ends with the collector's peak resident memory (VmHWM) and WAL size.
#
# With BASELINE=<another checkout, built>, that checkout's collector runs too, in the same rounds,
# and the medians add baseline/trivial and collector/baseline: a change measured against the code
# before it, under the same load.
#
# Usage: bench/collector/ratio.sh      (build first: ./mvnw -q -B package -DskipTests)
# Env:   CONNECTIONS="1 16 256" ROUNDS=3 DURATION=5s WARMUP=30s PORT=18940 DB=<file> (default: a temp
#        file) BASELINE=<path of a built checkout>
# WARMUP runs each server at 64 connections before the rounds: the collector has far more code for
# the JIT to compile than the trivial server, and CPU per request is meant in the steady state.
set -euo pipefail
here="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
root="$(dirname "$(dirname "$here")")"
CONNECTIONS="${CONNECTIONS:-1 16 256}"
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-5s}"
WARMUP="${WARMUP:-30s}"
PORT="${PORT:-18940}"
TRIVIAL_PORT=$((PORT + 1))
BASELINE="${BASELINE:-}"
BASE_PORT=$((PORT + 2))
if [ -n "$BASELINE" ] && ! ls "$BASELINE"/app/target/jmo-telemetry-app-*.jar >/dev/null 2>&1; then
  echo "ratio: BASELINE=$BASELINE is not a built checkout (no app/target/jmo-telemetry-app-*.jar): build it first" >&2
  exit 2
fi
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
bench_need ratio wrk curl java awk
jar="$(bench_jar ratio "$root" collector)"
lib="$root/collector/target/lib"
work="$(mktemp -d)"
db="${DB:-$work/ratio.db}"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
# The launcher's defaults, for both servers (JMO_TELEMETRY_JAVA_OPTS overrides both).
opts="${JMO_TELEMETRY_JAVA_OPTS:-$(bench_launcher_opts "$root")}"

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
load() { cut -d' ' -f1 /proc/loadavg; }

JMO_TELEMETRY_JAVA_OPTS="$opts" JMO_NO_CDS=1 "$root/bin/jmo-telemetry" serve --port "$PORT" --host 127.0.0.1 \
  --db "$db" --rate-limit 0 --durability FULL >"$work/collector.log" 2>&1 &
pids+=($!)
collector=$!
# shellcheck disable=SC2086
# The collector's jar too: its logging configuration (without it Jetty logs every request at DEBUG).
java $opts -cp "$jar:$lib/*" "$here/TrivialServer.java" "$TRIVIAL_PORT" >"$work/trivial.log" 2>&1 &
pids+=($!)
trivial=$!
baseline=""
if [ -n "$BASELINE" ]; then
  JMO_TELEMETRY_JAVA_OPTS="$opts" JMO_NO_CDS=1 "$BASELINE/bin/jmo-telemetry" serve --port "$BASE_PORT" --host 127.0.0.1 \
    --db "$work/baseline.db" --rate-limit 0 --durability FULL >"$work/baseline.log" 2>&1 &
  pids+=($!)
  baseline=$!
fi
bench_wait_ready ratio "$PORT" "$collector"
bench_wait_ready ratio "$TRIVIAL_PORT" "$trivial"
[ -z "$baseline" ] || bench_wait_ready ratio "$BASE_PORT" "$baseline"
# The collector is bin/jmo-telemetry's JVM: find the java process among the launcher's children.
jvm="$(pgrep -P "$collector" java || echo "$collector")"
[ -z "$baseline" ] || base_jvm="$(pgrep -P "$baseline" java || echo "$baseline")"
for port in "$PORT" "$TRIVIAL_PORT" ${baseline:+"$BASE_PORT"}; do # JIT warm-up of each
  WRK_BATCH=1 timeout 120 wrk -t1 -c64 -d"$WARMUP" -s "$here/single.lua" "http://127.0.0.1:$port" >/dev/null 2>&1
done

# One wrk run against a server: prints "rate cpu_us_per_request".
measure() { # port pid connections
  local before after out requests rate
  before=$(ticks "$2")
  out="$(WRK_BATCH=1 timeout 120 wrk -t1 -c"$3" -d"$DURATION" -s "$here/single.lua" "http://127.0.0.1:$1" 2>&1)"
  after=$(ticks "$2")
  requests="$(echo "$out" | sed -n 's/.*non200=\([0-9]*\).*requests=\([0-9]*\).*/\1 \2/p')"
  if [ "${requests%% *}" != 0 ]; then
    echo "ratio: non-200 answers on port $1: $out" >&2
    exit 1
  fi
  rate="$(echo "$out" | awk '/^Requests\/sec/ { printf "%.0f", $2 }')"
  awk -v r="$rate" -v t=$((after - before)) -v n="${requests##* }" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%s %.1f\n", r, (n > 0 ? t * 1e6 / hz / n : 0) }'
}

echo "== collector (bin/jmo-telemetry serve, FULL) vs trivial server, $ROUNDS rounds of $DURATION, wrk -t1, JVM: $opts"
for round in $(seq 1 "$ROUNDS"); do
  for c in $CONNECTIONS; do
    l1=$(load)
    read -r crate ccpu < <(measure "$PORT" "$jvm" "$c")
    read -r trate tcpu < <(measure "$TRIVIAL_PORT" "$trivial" "$c")
    base=""
    if [ -n "$baseline" ]; then
      read -r brate bcpu < <(measure "$BASE_PORT" "$base_jvm" "$c")
      echo "$brate" >>"$work/b.$c"; echo "$bcpu" >>"$work/bcpu.$c"
      awk -v a="$brate" -v b="$trate" 'BEGIN { printf "%.3f\n", (b > 0 ? a / b : 0) }' >>"$work/bratio.$c"
      awk -v a="$crate" -v b="$brate" 'BEGIN { printf "%.3f\n", (b > 0 ? a / b : 0) }' >>"$work/cb.$c"
      base=" | baseline $brate req/s $bcpu us/req"
    fi
    l2=$(load)
    ratio=$(awk -v a="$crate" -v b="$trate" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')
    printf 'round %d c=%-4s collector %7s req/s %6s us/req | trivial %7s req/s %6s us/req%s | ratio %s | load %s-%s\n' \
      "$round" "$c" "$crate" "$ccpu" "$trate" "$tcpu" "$base" "$ratio" "$l1" "$l2"
    echo "$ratio" >>"$work/ratio.$c"; echo "$crate" >>"$work/c.$c"; echo "$trate" >>"$work/t.$c"
    echo "$ccpu" >>"$work/ccpu.$c"; echo "$tcpu" >>"$work/tcpu.$c"; echo "$l1" >>"$work/load.$c"; echo "$l2" >>"$work/load.$c"
  done
done
echo "== medians"
for c in $CONNECTIONS; do
  cc=$(bench_median <"$work/ccpu.$c"); tc=$(bench_median <"$work/tcpu.$c")
  printf 'SUMMARY connections=%s collector=%s trivial=%s ratio=%s collector_cpu_us=%s trivial_cpu_us=%s cpu_ratio=%s load=%s-%s\n' \
    "$c" "$(bench_median <"$work/c.$c")" "$(bench_median <"$work/t.$c")" "$(bench_median <"$work/ratio.$c")" "$cc" "$tc" \
    "$(awk -v a="$cc" -v b="$tc" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')" \
    "$(sort -g "$work/load.$c" | head -n 1)" "$(sort -g "$work/load.$c" | tail -n 1)"
  if [ -n "$baseline" ]; then
    bc=$(bench_median <"$work/bcpu.$c")
    printf 'BASELINE connections=%s baseline=%s baseline_ratio=%s collector_over_baseline=%s baseline_cpu_us=%s cpu_vs_baseline=%s\n' \
      "$c" "$(bench_median <"$work/b.$c")" "$(bench_median <"$work/bratio.$c")" "$(bench_median <"$work/cb.$c")" "$bc" \
      "$(awk -v a="$cc" -v b="$bc" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
  fi
done
wal="$db-wal"
printf 'SUMMARY collector_peak_rss_mb=%s rows=%s wal_mb=%s\n' "$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$jvm/status")" \
  "$(sqlite3 "$db" 'SELECT count(*) FROM events' 2>/dev/null || echo '?')" \
  "$(if [ -f "$wal" ]; then awk -v b="$(stat -c %s "$wal")" 'BEGIN { printf "%.1f", b / 1048576 }'; else echo 0; fi)"
