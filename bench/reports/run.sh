#!/usr/bin/env bash
# The reports benchmark: fills a SQLite collector database with N realistic events (default 10
# million, once), then times `stats` over a quarter, `report`, and the dashboard's API calls on a
# running collector. Prints medians.
#
#   bench/reports/run.sh                     # 10 million events in bench/reports/target/bench.db
#   EVENTS=1000000 RUNS=3 bench/reports/run.sh
#
# Needs the project built (the reports jar and bin/jmo-telemetry): ./mvnw -q -B package -DskipTests
set -euo pipefail
here="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
root="$(dirname "$(dirname "$here")")"
events="${EVENTS:-10000000}"
runs="${RUNS:-5}"
port="${PORT:-18787}"
out="${OUT:-$here/target}"
db="${DB:-$out/bench-$events.db}"
mkdir -p "$out"
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
jar="$(bench_jar reports "$root" reports)"
cp="$jar:$root/reports/target/lib/*"
cli="$root/bin/jmo-telemetry"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f\n", b-a}'; }

if [ ! -f "$db" ]; then
  t0=$(now)
  java -cp "$cp" "$here/GenerateEvents.java" --db "$db" --events "$events"
  echo "generate: $(elapsed "$t0" "$(now)") s for $events events"
fi

# The last finished quarter.
year=$(date -u +%Y); month=$((10#$(date -u +%m))); q=$(( (month - 1) / 3 + 1 ))
if [ "$q" -eq 1 ]; then quarter="$((year - 1))Q4"; else quarter="${year}Q$((q - 1))"; fi
qyear=${quarter%Q*}; qn=${quarter#*Q}
qfrom=$(printf "%s-%02d-01" "$qyear" $(( (qn - 1) * 3 + 1 )))
if [ "$qn" -eq 4 ]; then qto="$((qyear + 1))-01-01"; else qto=$(printf "%s-%02d-01" "$qyear" $(( qn * 3 + 1 ))); fi
echo "quarter: $quarter ($qfrom to $qto)"

t0=$(now)
"$cli" stats --db "$db" --from "$qfrom" --to "$qto" --format json > "$out/stats.json"
echo "first stats (brings the rollup up to date): $(elapsed "$t0" "$(now)") s"

: > "$out/stats.times"
for _ in $(seq "$runs"); do
  t0=$(now); "$cli" stats --db "$db" --from "$qfrom" --to "$qto" --format json > /dev/null; elapsed "$t0" "$(now)" >> "$out/stats.times"
done
echo "stats over $quarter (end to end, JVM start included): median $(bench_median < "$out/stats.times") s of $runs runs"

: > "$out/report.times"
for _ in $(seq "$runs"); do
  t0=$(now); "$cli" report --db "$db" --quarter "$quarter" --out "$out/report" > /dev/null
  elapsed "$t0" "$(now)" >> "$out/report.times"
done
echo "report $quarter (end to end): median $(bench_median < "$out/report.times") s of $runs runs"

token="bench-admin-token-$(date +%s)-0123456789"
printf '%s' "$token" > "$out/admin-token"
"$cli" serve --db "$db" --port "$port" --host 127.0.0.1 --admin-token-file "$out/admin-token" > "$out/serve.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 120); do
  curl -fsS "http://127.0.0.1:$port/readyz" > /dev/null 2>&1 && break
  sleep 0.5
done
base="http://127.0.0.1:$port"
to=$(date -u +%Y-%m-%dT%H:00:00Z)
for api in timeline breakdown/events breakdown/profiles breakdown/modes breakdown/platforms breakdown/versions breakdown/installs tool-failures; do
  : > "$out/api.times"
  for i in $(seq "$runs"); do
    # A different period each time (30 days, shifted by i hours), so no answer comes from the cache.
    from=$(date -u -d "$to - 30 days - $i hours" +%Y-%m-%dT%H:00:00Z)
    curl -fsS -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" \
      "$base/dashboard/api/$api?from=$from&to=$to" >> "$out/api.times"
  done
  echo "dashboard /dashboard/api/$api (30 days, uncached): median $(bench_median < "$out/api.times") s"
done
: > "$out/api.times"
for i in $(seq "$runs"); do
  curl -fsS -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" \
    "$base/v1/stats?from=${qfrom}T0${i}:00:00Z&to=$qto" >> "$out/api.times"
done
echo "GET /v1/stats over $quarter (uncached): median $(bench_median < "$out/api.times") s"
