#!/usr/bin/env bash
# The collector's resident memory under hostile input, as a user runs it: bin/jmo-telemetry serve
# with the launcher's JVM defaults (and --rate-limit 0, so that every hostile body is read and
# parsed instead of being turned away by the per-client limit), on a fresh SQLite file. One after
# the other:
#   1. slow clients (SlowClients.java against this collector): a normal client alone, then while
#      300 connections send their bodies at 1 byte/s, then during a slowloris of SLOWLORIS connections;
#   2. hostile bodies (hostile.lua): 1 MiB bodies, arrays nested 30,000 deep, 60 KB strings,
#      batches of 100 invalid events, bytes that are not UTF-8, on 64 connections;
#   3. a flood: valid single events on FLOOD connections from one address (more than it may hold).
# After each stage it prints the collector's peak resident memory so far (VmHWM) and its current
# one (VmRSS); a 5xx answer to a hostile body fails the run.
#
# Usage: bench/collector/hostile.sh      (build first: ./mvnw -q -B package -DskipTests)
# Env:   SECONDS_PER_PHASE=15 SLOWLORIS=10000 FLOOD=1000 DURATION=15s PORT=18980
#        JMO_TELEMETRY_JAVA_OPTS (default: the launcher's own defaults)
set -euo pipefail
here="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
root="$(dirname "$(dirname "$here")")"
SECONDS_PER_PHASE="${SECONDS_PER_PHASE:-15}"
SLOWLORIS="${SLOWLORIS:-10000}"
FLOOD="${FLOOD:-1000}"
DURATION="${DURATION:-15s}"
PORT="${PORT:-18980}"
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
bench_need hostile wrk curl java awk
jar="$(bench_jar hostile "$root" collector)"
lib="$root/collector/target/lib"
# The slowloris holds one descriptor per connection here and in the collector.
if [ "$(ulimit -n)" -lt $((SLOWLORIS + 1000)) ]; then
  echo "hostile: ulimit -n is $(ulimit -n), below SLOWLORIS + 1000; lower SLOWLORIS or raise the limit" >&2
  exit 2
fi
work="$(mktemp -d)"
collector=""
cleanup() {
  if [ -n "$collector" ]; then kill "$collector" 2>/dev/null || true; wait "$collector" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# JMO_NO_CDS: the launcher then execs java itself, so $! is the collector's JVM.
JMO_NO_CDS=1 "$root/bin/jmo-telemetry" serve --port "$PORT" --host 127.0.0.1 --db "$work/hostile.db" \
  --rate-limit 0 >"$work/collector.log" 2>&1 &
collector=$!
bench_wait_ready hostile "$PORT" "$collector" || { cat "$work/collector.log" >&2; exit 1; }
mb() { awk -v k="$1" '$1 == k ":" { printf "%.0f", $2 / 1024 }' "/proc/$collector/status"; }
stage() { printf 'STAGE %-58s peak_rss_mb=%s rss_mb=%s load=%s\n' "$1" "$(mb VmHWM)" "$(mb VmRSS)" "$(cut -d' ' -f1 /proc/loadavg)"; }
stage "started"

echo "== slow clients (SlowClients.java, $SECONDS_PER_PHASE s a phase)"
java -cp "$jar:$lib/*" "$here/SlowClients.java" "$SECONDS_PER_PHASE" "$SLOWLORIS" "$PORT"
stage "after slow bodies and a slowloris of $SLOWLORIS"

echo "== hostile bodies (hostile.lua, 64 connections, $DURATION)"
out="$(timeout 120 wrk -t1 -c64 -d"$DURATION" -s "$here/hostile.lua" "http://127.0.0.1:$PORT" 2>&1)"
echo "$out" | grep -E '^RESULT|Requests/sec'
if echo "$out" | grep -q 'RESULT.* 5xx=[1-9]'; then
  echo "hostile: the collector answered 5xx to a hostile body" >&2
  exit 1
fi
stage "after hostile bodies"

echo "== flood ($FLOOD connections of valid single events from one address, $DURATION)"
WRK_BATCH=1 timeout 120 wrk -t1 -c"$FLOOD" -d"$DURATION" -s "$here/single.lua" "http://127.0.0.1:$PORT" 2>&1 \
  | grep -E '^RESULT|Requests/sec|Socket errors' || true
stage "after the flood"
# The flood's connections are still being closed: give readiness the header deadline to return.
ready=""
for _ in $(seq 1 30); do
  ready="$(curl -s -m 5 "http://127.0.0.1:$PORT/readyz" 2>&1 || true)"
  [ "$ready" = ready ] && break
  sleep 1
done
[ "$ready" = ready ] || { echo "hostile: the collector is not ready 30 s after the attacks: $ready" >&2; exit 1; }
printf 'SUMMARY hostile_peak_rss_mb=%s rss_mb=%s\n' "$(mb VmHWM)" "$(mb VmRSS)"
