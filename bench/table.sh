#!/usr/bin/env bash
# Regenerates the table of bench/README.md ("The table"): every row measured in this one run, each
# next to its baseline and with the load average it ran under. About 17 minutes on 2 cores.
#
#   ./mvnw -q -B package -DskipTests && bench/table.sh            # prints the table
#   bench/table.sh --write                                       # and replaces it in bench/README.md
#
# Env: PG_URL (default jdbc:postgresql://127.0.0.1:5432/jmo_bench_scaleout?user=postgres; an empty
#      value skips the PostgreSQL row; the database is emptied), EVENTS_LARGE (10000000),
#      EVENTS_SMALL (1000000), INGEST_EVENTS (5000000), OUT (bench/target/table: the generated databases).
# Needs wrk, sqlite3, curl and GNU time (apt-get install wrk sqlite3 curl time). Loopback only.
set -euo pipefail
here="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
root="$(dirname "$here")"
PG_URL="${PG_URL-jdbc:postgresql://127.0.0.1:5432/jmo_bench_scaleout?user=postgres}"
EVENTS_LARGE="${EVENTS_LARGE:-10000000}"
EVENTS_SMALL="${EVENTS_SMALL:-1000000}"
INGEST_EVENTS="${INGEST_EVENTS:-5000000}"
OUT="${OUT:-$here/target/table}"
PORT="${PORT:-18960}"
mkdir -p "$OUT"
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
bench_need table wrk sqlite3 curl java awk /usr/bin/time
cli="$root/bin/jmo-telemetry"
cjar="$(bench_jar table "$root" collector)"
rjar="$(bench_jar table "$root" reports)"
ccp="$cjar:$root/collector/target/lib/*"
rcp="$rjar:$root/reports/target/lib/*"
opts="$(bench_launcher_opts "$root")"
rows="$OUT/rows.md"
: >"$rows"
load() { cut -d' ' -f1-3 /proc/loadavg; }
row() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4" >>"$rows"; printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" | head -n 1; }
server_pid=""
trap '[ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true' EXIT

# 1. Single-event ingest against the trivial server, interleaved, 1/16/256 connections.
echo "== collector vs trivial server" >&2
l0=$(load)
"$here/collector/ratio.sh" >"$OUT/ratio.txt" 2>&1 || { cat "$OUT/ratio.txt" >&2; exit 1; }
for c in 1 16 256; do
  s="$(grep "SUMMARY connections=$c " "$OUT/ratio.txt")"
  row "single-event \`POST /v1/events\`, $c connections: collector (FULL) / trivial server, same round; CPU per request" \
    "\`bench/collector/ratio.sh\` (${ROUNDS:-3} rounds of ${DURATION:-5s}, wrk -t1)" \
    "throughput $(echo "$s" | field collector) / $(echo "$s" | field trivial) req/s = **$(echo "$s" | field ratio)**; CPU $(echo "$s" | field collector_cpu_us) / $(echo "$s" | field trivial_cpu_us) µs = **$(echo "$s" | field cpu_ratio)×**" \
    "$(echo "$s" | field load) (1-min, min-max over the rows' runs)"
done
s="$(grep "SUMMARY collector_peak_rss_mb" "$OUT/ratio.txt")"
row "collector resident memory after those runs (peak, VmHWM)" "same run" "**$(echo "$s" | field collector_peak_rss_mb) MB**; WAL $(echo "$s" | field wal_mb) MB" "$l0 → $(load)"

# 2. Sustained ingest: INGEST_EVENTS events in batches, then 256 connections of single events.
echo "== sustained ingest of $INGEST_EVENTS events" >&2
db="$OUT/ingest.db"
rm -f "$db" "$db"-*
l0=$(load)
JMO_NO_CDS=1 "$cli" serve --port "$PORT" --host 127.0.0.1 --db "$db" --rate-limit 0 --durability FULL >"$OUT/ingest.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
t0=$(now)
stored=0
for _ in $(seq 1 60); do # at most 60 runs of 10 s
  WRK_BATCH=100 timeout 60 wrk -t1 -c16 -d10s -s "$here/collector/single.lua" "http://127.0.0.1:$PORT" >/dev/null 2>&1
  stored=$(sqlite3 "$db" 'SELECT count(*) FROM events')
  [ "$stored" -lt "$INGEST_EVENTS" ] || break
done
t1=$(now)
WRK_BATCH=1 timeout 60 wrk -t1 -c256 -d20s -s "$here/collector/single.lua" "http://127.0.0.1:$PORT" >/dev/null 2>&1
sleep 2 # a second of idle lets the writer's next checkpoint start the WAL over
rss=$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status")
wal=$(awk -v b="$(stat -c %s "$db-wal" 2>/dev/null || echo 0)" 'BEGIN { printf "%.1f", b / 1048576 }')
size=$(awk -v b="$(stat -c %s "$db")" 'BEGIN { printf "%.0f", b / 1048576 }')
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
row "collector after $stored events (batches of 100, 16 connections, $(secs "$t0" "$t1") s) then 20 s at 256 connections" \
  "\`bin/jmo-telemetry serve --durability FULL\`, launcher defaults" \
  "peak RSS **$rss MB** (bound 300); WAL **$wal MB** beside a $size MB database (journal_size_limit 64 MiB)" "$l0 → $(load)"

# 2b. Resident memory under hostile input: slow clients, hostile bodies, a flood (about 80 s).
echo "== hostile input" >&2
l0=$(load)
SECONDS_PER_PHASE=10 PORT="$PORT" "$here/collector/hostile.sh" >"$OUT/hostile.txt" 2>&1 || { cat "$OUT/hostile.txt" >&2; exit 1; }
row "collector under hostile input: 300 slow bodies, a slowloris of 10,000 connections, 1 MiB / nested / invalid / non-UTF-8 bodies, a flood of 1,000 connections" \
  "\`SECONDS_PER_PHASE=10 bench/collector/hostile.sh\`, launcher defaults" \
  "peak RSS **$(grep SUMMARY "$OUT/hostile.txt" | field hostile_peak_rss_mb) MB** (bound 300); no 5xx" "$l0 → $(load)"

# 3. Batched ingest against the raw sqlite3 shell (bench/collector/run.sh, one round).
echo "== batched vs raw sqlite3" >&2
l0=$(load)
RUNS=1 DURATION=5s WARMUP=3s JMO_TELEMETRY_JAVA_OPTS="$opts" "$here/collector/run.sh" >"$OUT/run.txt" 2>&1 || { cat "$OUT/run.txt" >&2; exit 1; }
row "batched ingest (100 events a request, 16 connections) / raw \`sqlite3\` shell (200,000 INSERTs, one transaction)" \
  "\`RUNS=1 DURATION=5s bench/collector/run.sh\`" \
  "$(awk '/batched \(100\/request\)/ { print $3 }' "$OUT/run.txt") events/s / $(awk '/raw sqlite3 shell/ { print $4 }' "$OUT/run.txt") rows/s = **$(awk '/batched \/ raw sqlite3/ { print $5 }' "$OUT/run.txt")**" \
  "$l0 → $(load)"

# 4. Several collectors on one PostgreSQL.
if [ -n "$PG_URL" ]; then
  echo "== PostgreSQL, 1 and 2 collectors" >&2
  l0=$(load)
  java -cp "$ccp" "$here/collector/ScaleOut.java" "$PG_URL" 1 10 16 1,2 >"$OUT/scaleout.txt" 2>&1 || { cat "$OUT/scaleout.txt" >&2; exit 1; }
  one="$(sed -n 's/^1 collector(s): median \([0-9]*\).*/\1/p' "$OUT/scaleout.txt")"
  two="$(sed -n 's/^2 collector(s): median \([0-9]*\).*ratio to 1: \(.*\)$/\1 \2/p' "$OUT/scaleout.txt")"
  row "PostgreSQL: 2 collectors / 1 collector on one database (16 clients, batches of 100)" \
    "\`java ... bench/collector/ScaleOut.java URL 1 10 16 1,2\`" \
    "$one → ${two%% *} events/s = **${two##* }**" "$l0 → $(load)"
fi

# 5. Analytics on generated databases: the rollup a collector keeps current, then stats and report.
all=() # the default period: the last 30 days, today included
year=$(date -u +%Y); month=$((10#$(date -u +%m))); q=$(( (month - 1) / 3 + 1 ))
if [ "$q" -eq 1 ]; then quarter="$((year - 1))Q4"; else quarter="${year}Q$((q - 1))"; fi
for events in "$EVENTS_SMALL" "$EVENTS_LARGE"; do
  gdb="$OUT/analytics-$events.db"
  rm -f "$gdb" "$gdb"-*
  # Events up to this hour, so that today holds some: the open day of the rollup.
  java -cp "$rcp" "$here/reports/GenerateEvents.java" --db "$gdb" --events "$events" \
    --end "$(date -u +%Y-%m-%dT%H:00:00Z)" >"$OUT/generate-$events.txt" 2>&1
done
# The class-data-sharing archive is written by the first command after a build: not by a measured one.
ajar="$(bench_jar table "$root" app)"
newest="$(stat -c %Y "$ajar" "$root/app/target/lib" "$root"/app/target/lib/*.jar | sort -n | tail -n 1)"
if [ ! -f "$root/app/target/jmo-telemetry-$newest.jsa" ]; then # the launcher's name for it
  cp "$OUT/analytics-$EVENTS_SMALL.db" "$OUT/archive.db"
  "$cli" stats --db "$OUT/archive.db" --format json >/dev/null
  rm -f "$OUT"/archive.db*
fi
for events in "$EVENTS_SMALL" "$EVENTS_LARGE"; do
  echo "== analytics on $events events" >&2
  gdb="$OUT/analytics-$events.db"
  l0=$(load)
  t0=$(now)
  JMO_NO_CDS=1 /usr/bin/time -f '%M' -o "$OUT/time.txt" "$cli" stats --db "$gdb" "${all[@]}" --format json >/dev/null
  build=$(secs "$t0" "$(now)"); build_rss=$(( $(cat "$OUT/time.txt") / 1024 ))
  # What a collector's background refresh does each minute: add the rows that came since.
  # (copies of the newest rows, stamped with this hour and given fresh ids)
  sqlite3 "$gdb" "INSERT INTO events (event_id, event_type, version, platform, python_version, runtime, anonymous_id,
    metadata, timestamp, received_at) SELECT lower(hex(randomblob(16))), event_type, version, platform, python_version,
    runtime, anonymous_id, metadata, '$(date -u +%Y-%m-%dT%H:00:00Z)', received_at FROM events ORDER BY id DESC LIMIT 20000"
  t0=$(now)
  /usr/bin/time -f '%M' -o "$OUT/time.txt" "$cli" stats --db "$gdb" "${all[@]}" --format json >/dev/null
  stats=$(secs "$t0" "$(now)"); stats_rss=$(( $(cat "$OUT/time.txt") / 1024 ))
  t0=$(now)
  /usr/bin/time -f '%M' -o "$OUT/time.txt" "$cli" report --db "$gdb" --quarter "$quarter" --out "$OUT/report-$events" >/dev/null
  report=$(secs "$t0" "$(now)"); report_rss=$(( $(cat "$OUT/time.txt") / 1024 ))
  row "analytics on $events events over 365 days: \`stats\` (last 30 days, today included) and \`report $quarter\`, after 20,000 new events today" \
    "\`bin/jmo-telemetry stats\` / \`report\`, end to end (JVM start included)" \
    "stats **$stats s**, $stats_rss MB; report **$report s**, $report_rss MB (the one-off build of the rollup, on a database no collector served: $build s, $build_rss MB)" \
    "$l0 → $(load)"
done

# 6. JVM start of jmo-telemetry with and without its class-data-sharing archive.
l0=$(load)
"$cli" stats --db "$OUT/analytics-$EVENTS_SMALL.db" --format json >/dev/null # writes the archive if absent
start() { local t0; t0=$(now); "$@" >/dev/null; secs "$t0" "$(now)"; echo; }
with=$(for _ in 1 2 3 4 5; do start "$cli" stats --db "$OUT/analytics-$EVENTS_SMALL.db" --format json; done | bench_median)
without=$(for _ in 1 2 3 4 5; do start env JMO_NO_CDS=1 "$cli" stats --db "$OUT/analytics-$EVENTS_SMALL.db" --format json; done | bench_median)
row "\`jmo-telemetry stats\` on $EVENTS_SMALL events with / without the CDS archive (median of 5)" \
  "\`bin/jmo-telemetry\`, \`JMO_NO_CDS=1\`" "**$with s** / $without s" "$l0 → $(load)"

if [ "${1:-}" = "--write" ]; then
  {
    echo "<!-- table:start (bench/table.sh --write; $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores) -->"
    echo "| what is compared | command | measured | load average (1, 5, 15 min) |"
    echo "|---|---|---|---|"
    cat "$rows"
    echo "<!-- table:end -->"
  } >"$OUT/table.md"
  awk -v table="$OUT/table.md" '
    /<!-- table:start/ { while ((getline line < table) > 0) print line; skip = 1; next }
    /<!-- table:end -->/ { skip = 0; next }
    !skip { print }' "$here/README.md" >"$OUT/README.md"
  mv "$OUT/README.md" "$here/README.md"
  echo "table: written to bench/README.md" >&2
fi
