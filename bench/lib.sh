# shellcheck shell=bash
# Shared by the benchmark scripts (sourced, not run): finding the built jars, checking the tools a
# script needs, medians and waiting for a server. Each function takes the calling script's name
# for its error messages, so a user sees which script stopped and why.

# bench_need <script> <tool>...: exits 2 unless every tool is on the PATH.
bench_need() {
  local script="$1" tool
  shift
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$script: $tool is required (apt-get install wrk sqlite3 curl time)" >&2; exit 2; }
  done
}

# bench_jar <script> <root> <module>: prints the module's built jar (not its sources or tests jar),
# or exits 2 with the command that builds it when the jar or its lib/ folder is missing.
bench_jar() {
  local script="$1" root="$2" module="$3" jar
  jar="$(find "$root/$module/target" -maxdepth 1 -name "jmo-telemetry-$module-*.jar" ! -name '*-sources.jar' ! -name '*-tests.jar' 2>/dev/null | head -n 1)"
  if [ -z "$jar" ] || [ ! -d "$root/$module/target/lib" ]; then
    echo "$script: build first: (cd '$root' && ./mvnw -q -B package -DskipTests)" >&2
    exit 2
  fi
  echo "$jar"
}

# bench_launcher_opts <root>: the JVM options bin/jmo-telemetry starts with by default.
bench_launcher_opts() {
  sed -n 's/^default_opts="\(.*\)"$/\1/p' "$1/bin/jmo-telemetry"
}

# bench_median: the median of the numbers on stdin, one a line; nan when there are none.
bench_median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# bench_wait_ready <script> <port> [pid]: waits up to 60 s for /readyz on 127.0.0.1:<port>; fails
# (status 1, so a script under set -e stops) if it never answers, or at once if the process <pid>
# has ended.
bench_wait_ready() {
  local script="$1" port="$2" pid="${3:-}"
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      echo "$script: the server on port $port exited before it was ready" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "$script: nothing ready on port $port" >&2
  return 1
}
