#!/usr/bin/env bash
# Collector benchmark (see bench/README.md, "Collector"). Measures, in one run on this machine:
#   1. single-event POST /v1/events rate            (wrk, CONNECTIONS_SINGLE connections)
#   2. batched ingestion rate, 100 events a request (wrk, CONNECTIONS_BATCH connections)
#   3. p50/p99 latency of single events at half the peak rate (wrk with a per-connection delay)
#   4. the same single-event load on a trivial Javalin server answering 200 to every POST
#   5. the raw sqlite3 shell inserting into the guide's D1 table (three indexes, random ids)
# and after every collector run compares the rows stored with the events acknowledged.
# Prints the median of RUNS runs of each, and the ratio of the batched rate to the raw sqlite3 rate.
#
# Usage: bench/collector/run.sh        (build first: ./mvnw -q -B install -DskipTests)
# Env:   RUNS=3 DURATION=10s CONNECTIONS_SINGLE=256 CONNECTIONS_BATCH=16 DURABILITY=FULL PORT=18900
#        TRIVIAL_PORT=PORT+1 RAW_ROWS=200000 WARMUP=5s
set -euo pipefail
here="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
root="$(dirname "$(dirname "$here")")"
RUNS="${RUNS:-3}"
DURATION="${DURATION:-10s}"
CONNECTIONS_SINGLE="${CONNECTIONS_SINGLE:-256}"
CONNECTIONS_BATCH="${CONNECTIONS_BATCH:-16}"
DURABILITY="${DURABILITY:-FULL}"
PORT="${PORT:-18900}"
TRIVIAL_PORT="${TRIVIAL_PORT:-$((PORT + 1))}"
RAW_ROWS="${RAW_ROWS:-200000}"
WARMUP="${WARMUP:-5s}"

# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
bench_need bench wrk sqlite3 curl java awk
# BENCH_CLASSPATH (used by the smoke test) runs the collector from a given class path instead of bin/.
if [ -n "${BENCH_CLASSPATH:-}" ]; then
  classpath="$BENCH_CLASSPATH"
else
  classpath="$(bench_jar bench "$root" collector):$root/collector/target/lib/*"
fi

work="$(mktemp -d)"
server_pid=""
collector_pid=""
trivial_pid=""
cleanup() {
  for pid in $server_pid $collector_pid $trivial_pid; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# a / b with three decimals, or nan when b is zero or empty (a run that measured nothing).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "nan"; else printf "%.3f\n", a / b }'; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" | head -n 1; }


stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}

start_collector() {
  rm -f "$work"/bench.db*
  # wrk's connections all come from 127.0.0.1 but stand for many clients: lift the per-client limits.
  # shellcheck disable=SC2086
  java ${JMO_TELEMETRY_JAVA_OPTS:--Xmx1g} -cp "$classpath" "$here/BareCollector.java" serve \
    --port "$PORT" --host 127.0.0.1 --db "$work/bench.db" --rate-limit 0 --durability "$DURABILITY" \
    --max-connections-per-client 4096 --max-bodies-per-client 4096 \
    >"$work/collector.log" 2>&1 &
  server_pid=$!
  bench_wait_ready bench "$PORT" "$server_pid"
}

rows() { sqlite3 "$work/bench.db" "PRAGMA busy_timeout=10000; SELECT COUNT(*) FROM events;" | tail -n 1; }

# run_wrk <label> <connections> <batch> [extra env] -> prints events/s; appends to $work/<label>
run_wrk() {
  local label="$1" connections="$2" batch="$3"
  local before after out acks events rate
  before="$(rows)"
  out="$(WRK_BATCH="$batch" wrk -t2 -c"$connections" -d"$DURATION" --latency -s "$here/single.lua" \
    "http://127.0.0.1:$PORT" 2>&1)"
  after="$(rows)"
  acks="$(echo "$out" | field acks)"
  events=$((acks * batch))
  rate="$(echo "$out" | awk -v e="$events" '/^RESULT/ { for (i = 1; i <= NF; i++) if ($i ~ /^seconds=/) { split($i, a, "="); printf "%.0f", (a[2] > 0) ? e / a[2] : 0 } }')"
  echo "$rate" >>"$work/$label.rate"
  echo "$out" | field p50_ms >>"$work/$label.p50"
  echo "$out" | field p99_ms >>"$work/$label.p99"
  printf '  %-22s %8s events/s  acks=%s (x%s events)  non-200=%s  rows stored=%s  p50=%sms p99=%sms\n' \
    "$label" "$rate" "$acks" "$batch" "$(echo "$out" | field non200)" "$((after - before))" \
    "$(echo "$out" | field p50_ms)" "$(echo "$out" | field p99_ms)"
  if [ "$((after - before))" -lt "$events" ]; then
    echo "  !! fewer rows than acknowledged events: $((after - before)) < $events" >&2
    exit 1
  fi
}

# The raw sqlite3 shell: the guide's D1 table with its three indexes, random ids, one transaction.
awk -v n="$RAW_ROWS" 'function hex(k,  s, i) { s = ""; for (i = 0; i < k; i++) s = s sprintf("%x", int(rand() * 16)); return s }
  BEGIN { srand(7); print "BEGIN;"
    for (i = 0; i < n; i++)
      printf "INSERT INTO events (event_type, version, platform, python_version, anonymous_id, metadata, timestamp) VALUES (%s, %s, %s, %s, %s, %s, %s);\n",
        "'"'"'scan.completed'"'"'", "'"'"'0.7.0'"'"'", "'"'"'Linux'"'"'", "'"'"'3.11'"'"'",
        "'"'"'" hex(8) "-" hex(4) "-4" hex(3) "-a" hex(3) "-" hex(12) "'"'"'",
        "'"'"'{\"mode\":\"cli\",\"profile\":\"balanced\",\"duration_bucket\":\"5-15min\",\"tools_succeeded\":8,\"tools_failed\":0,\"total_findings_bucket\":\"10-100\"}'"'"'",
        "'"'"'2026-11-26T" sprintf("%02d", i % 24) ":00:00Z'"'"'"
    print "COMMIT;" }' >"$work/raw.sql"
raw_insert() {
  rm -f "$work"/raw.db*
  sqlite3 "$work/raw.db" "PRAGMA journal_mode=WAL;" >/dev/null
  sqlite3 "$work/raw.db" "PRAGMA synchronous=$DURABILITY;
    CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, event_type TEXT NOT NULL, version TEXT NOT NULL,
      platform TEXT NOT NULL, python_version TEXT, anonymous_id TEXT NOT NULL, metadata TEXT NOT NULL,
      timestamp TEXT NOT NULL, created_at DATETIME DEFAULT CURRENT_TIMESTAMP);
    CREATE INDEX idx_event_type ON events(event_type);
    CREATE INDEX idx_timestamp ON events(timestamp);
    CREATE INDEX idx_anonymous_id ON events(anonymous_id);"
  start=$(date +%s.%N)
  sqlite3 "$work/raw.db" <"$work/raw.sql"
  end=$(date +%s.%N)
  rate=$(awk -v n="$RAW_ROWS" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", n / (e - s) }')
  echo "$rate" >>"$work/raw.rate"
  printf '  %-22s %8s rows/s\n' raw-sqlite3 "$rate"
}

echo "== JMo telemetry collector benchmark: $(nproc) cores, durability $DURABILITY, $RUNS rounds of $DURATION runs"
echo "   each round measures the collector, the trivial server and raw sqlite3 ($RAW_ROWS INSERTs into the"
echo "   guide's D1 table) one after the other, so same-round ratios compare like with like under varying load"
start_collector
collector_pid="$server_pid"
java -cp "$classpath" "$here/TrivialServer.java" "$TRIVIAL_PORT" >"$work/trivial.log" 2>&1 &
trivial_pid=$!
server_pid="$trivial_pid" # for cleanup on failure
bench_wait_ready bench "$TRIVIAL_PORT"
WRK_BATCH=1 wrk -t2 -c64 -d"$WARMUP" -s "$here/single.lua" "http://127.0.0.1:$PORT" >/dev/null 2>&1 # JIT warm-up
WRK_BATCH=100 wrk -t2 -c8 -d"$WARMUP" -s "$here/single.lua" "http://127.0.0.1:$PORT" >/dev/null 2>&1
WRK_BATCH=1 wrk -t2 -c64 -d"$WARMUP" -s "$here/single.lua" "http://127.0.0.1:$TRIVIAL_PORT" >/dev/null 2>&1

for round in $(seq 1 "$RUNS"); do
  echo "-- round $round"
  run_wrk single "$CONNECTIONS_SINGLE" 1
  out="$(WRK_BATCH=1 wrk -t2 -c"$CONNECTIONS_SINGLE" -d"$DURATION" -s "$here/single.lua" "http://127.0.0.1:$TRIVIAL_PORT" 2>&1)"
  rate="$(echo "$out" | awk '/^Requests\/sec/ { printf "%.0f", $2 }')"
  echo "$rate" >>"$work/trivial.rate"
  printf '  %-22s %8s requests/s\n' trivial-server "$rate"
  run_wrk batched "$CONNECTIONS_BATCH" 100
  raw_insert
  ratio "$(tail -n 1 "$work/single.rate")" "$rate" >>"$work/single-vs-trivial.ratio"
  ratio "$(tail -n 1 "$work/batched.rate")" "$(tail -n 1 "$work/raw.rate")" >>"$work/batched-vs-raw.ratio"
done

peak="$(bench_median <"$work/single.rate")"
half=$(awk -v p="$peak" 'BEGIN { printf "%.0f", p / 2 }')
# A fixed offered rate: each of C connections pauses C/rate seconds between requests.
half_connections=64
# (a peak of 0, a run that measured nothing on a starved machine, falls back to a 1 s pause)
delay_ms=$(awk -v c="$half_connections" -v r="$half" 'BEGIN { d = (r + 0 > 0) ? c * 1000 / r : 1000; if (d < 1) d = 1; printf "%d", d }')
echo "-- latency at half the single-event peak: target $half events/s ($half_connections connections, ${delay_ms} ms pause each)"
for _ in $(seq 1 "$RUNS"); do
  WRK_DELAY_MS="$delay_ms" run_wrk half-peak "$half_connections" 1
done
stop_server
server_pid="$collector_pid"
stop_server
collector_pid=""
trivial_pid=""

single="$(bench_median <"$work/single.rate")"
batched="$(bench_median <"$work/batched.rate")"
raw="$(bench_median <"$work/raw.rate")"
trivial="$(bench_median <"$work/trivial.rate")"
echo
echo "== medians of $RUNS runs (durability $DURABILITY)"
printf '  single-event POSTs      %8s events/s   (target >= 20000; trivial server %s requests/s)\n' "$single" "$trivial"
printf '  batched (100/request)   %8s events/s   (target >= 100000)\n' "$batched"
printf '  half-peak latency       p50 %s ms, p99 %s ms at %s events/s offered (target p99 < 20 ms)\n' \
  "$(bench_median <"$work/half-peak.p50")" "$(bench_median <"$work/half-peak.p99")" "$half"
printf '  raw sqlite3 shell       %8s rows/s\n' "$raw"
printf '  batched / raw sqlite3   %8s   (median of the same-round ratios)\n' "$(bench_median <"$work/batched-vs-raw.ratio")"
printf '  single / trivial server %8s   (median of the same-round ratios)\n' "$(bench_median <"$work/single-vs-trivial.ratio")"
