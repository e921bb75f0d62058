#!/usr/bin/env bash
# Benchmark (not a CI test): generates a ~1 GB portwatch events file and runs `report` over it under
# -Xmx256m, printing wall time, peak RSS and throughput. The input is deterministic (GenerateEvents.java,
# fixed seed) and is kept between runs.
#
#   bench/history/report-1gb.sh            # 1024 MB
#   SIZE_MB=100 bench/history/report-1gb.sh
#
# Needs java 17+ and the built jar (mvn -DskipTests package, done here when it is missing). Peak RSS
# comes from /usr/bin/time -v when installed, else from runstat (/work/shared/bench/runstat.c or
# RUNSTAT_SRC), built with gcc.
set -euo pipefail
cd "$(dirname "$0")/../.."

SIZE_MB=${SIZE_MB:-1024}
WORK=${WORK:-target/bench-history}
JAR=target/portwatch.jar
EVENTS="$WORK/portwatch-events-${SIZE_MB}m.csv"
mkdir -p "$WORK"

[ -f "$JAR" ] || mvn -q -B -DskipTests package

bytes=$((SIZE_MB * 1024 * 1024))
if [ ! -f "$EVENTS" ] || [ "$(stat -c %s "$EVENTS")" -lt "$bytes" ]; then
  echo "generating $EVENTS ..."
  java bench/history/GenerateEvents.java "$EVENTS" "$bytes"
fi
size=$(stat -c %s "$EVENTS")
rows=$(($(wc -l < "$EVENTS") - 1))

cmd=(java -Xmx256m -jar "$JAR" report --progress=never --flag-port=22 --flag-remote=10.0.0.0/8
     --expect-path=sshd=/usr/sbin/sshd --html="$WORK/report.html" "$EVENTS")

if [ -x /usr/bin/time ]; then
  /usr/bin/time -v "${cmd[@]}" > "$WORK/report.txt" 2> "$WORK/time.txt"
  wall=$(grep 'Elapsed (wall clock)' "$WORK/time.txt" | awk '{print $NF}')
  rss_kb=$(grep 'Maximum resident set size' "$WORK/time.txt" | awk '{print $NF}')
  # m:ss.ss or h:mm:ss to seconds
  secs=$(echo "$wall" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
else
  src=${RUNSTAT_SRC:-$(dirname "$0")/../loadgen/runstat.c}
  gcc -O2 -Wall -o "$WORK/runstat" "$src"
  "$WORK/runstat" "$WORK/runstat.out" "${cmd[@]}" > "$WORK/report.txt"
  read -r wall_ns rss_kb _ _ _ < "$WORK/runstat.out"
  secs=$(awk -v n="$wall_ns" 'BEGIN { printf "%.2f", n / 1e9 }')
fi

awk -v b="$size" -v r="$rows" -v s="$secs" -v m="$rss_kb" 'BEGIN {
  printf "input      %.0f MB, %d rows\n", b / 1048576, r
  printf "time       %.1f s (%.1f MB/s, %.0f rows/s)\n", s, b / 1048576 / s, r / s
  printf "peak RSS   %.0f MB (-Xmx256m)\n", m / 1024
}'
head -1 "$WORK/report.txt"
