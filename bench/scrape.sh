#!/usr/bin/env bash
# Scrape latency (issue 7, item 3): "50 concurrent scrapers at 10k definition rows get p99 < 50 ms,
# and /metrics and Jolokia reads never wait for a scan", measured with wrk against the real daemon.
#
#   bench/scrape.sh [--rows 10000] [--conns 0] [--connections 50] [--duration 30] [--interval 15]
#                   [--warmup 5] [--gen-port 20000]
#
# Writes ROWS definition rows into bench/build/scrape-defs/ (ROWS/2 listening, ROWS/2 connection
# rows), optionally starts loopback-conns -n CONNS (../shared/bench; plus 4+4 rows on its ports, so
# scans are long and the rows really match something), then `java -jar target/portwatch.jar run` on
# free ports (port 0; the ports are read from its "started in pid" log line) at INTERVAL s. Once the
# first scan is published it runs wrk -t2 -cCONNECTIONS -dDURATION --latency three times, each after
# an unmeasured WARMUP s run: /metrics gzipped (as Prometheus asks), the Jolokia read
# /jolokia/read/portwatch:type=Agent, and /metrics plain (last: at 10k rows it can exhaust the
# daemon's heap). Fails on any non-2xx response, on a Jolokia error body and on an OutOfMemoryError. Scans that ran during each
# measurement come from portwatch_scans_total (before/after) and a 1 s sampler of the Agent MBean's
# ScanCount/LastScanDurationMillis. SCRAPE_JAVA_OPTS adds JVM flags to the daemon (e.g.
# -Dsun.net.httpserver.nodelay=true). Needs wrk (Debian package wrk), curl, gcc (with --conns), a JDK.
# Traffic stays on loopback; everything started here stops on its own (-T, timeout) or is stopped by
# PID at the end. Writes bench/results/scrape.md and prints it.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD="$ROOT/bench/build"
ROWS=10000
CONNS=0
CONNECTIONS=50
DURATION=30
INTERVAL=15
WARMUP=5
GEN_PORT=20000
CMDLINE="bench/scrape.sh $*"
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

usage() { sed -n '5,6p' "$0" | sed 's/^# *//' >&2; exit 2; }
num() { [[ "$2" =~ ^[0-9]+$ ]] || { echo "$1 needs a whole number, got '$2'" >&2; exit 2; }; echo "$2"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rows=*|--conns=*|--connections=*|--duration=*|--interval=*|--warmup=*|--gen-port=*)
      set -- "${1%%=*}" "${1#*=}" "${@:2}"; continue ;;
    --rows) ROWS=$(num "$1" "${2:-}"); shift 2 ;;
    --conns) CONNS=$(num "$1" "${2:-}"); shift 2 ;;
    --connections) CONNECTIONS=$(num "$1" "${2:-}"); shift 2 ;;
    --duration) DURATION=$(num "$1" "${2:-}"); shift 2 ;;
    --interval) INTERVAL=$(num "$1" "${2:-}"); shift 2 ;;
    --warmup) WARMUP=$(num "$1" "${2:-}"); shift 2 ;;
    --gen-port) GEN_PORT=$(num "$1" "${2:-}"); shift 2 ;;
    -h|--help) usage ;;
    *) echo "unknown argument: $1" >&2; usage ;;
  esac
done
(( ROWS >= 2 && CONNECTIONS >= 1 && DURATION >= 1 && INTERVAL >= 1 )) \
  || { echo "need --rows >= 2, --connections, --duration and --interval >= 1" >&2; exit 2; }
# everything this script starts is bounded by HOLD seconds
HOLD=$((3 * (DURATION + WARMUP + 30) + 300))

for tool in curl java; do command -v "$tool" > /dev/null || { echo "needs $tool" >&2; exit 2; }; done
if ! command -v wrk > /dev/null; then
  echo "wrk is missing: running 'apt-get install -y wrk' (the Debian HTTP benchmarking tool)" >&2
  apt-get install -y wrk >&2 || { echo "could not install wrk; install it and run again" >&2; exit 2; }
fi

JAR="${SCRAPE_JAR:-$ROOT/target/portwatch.jar}"   # SCRAPE_JAR: measure another build side by side
[[ -f "$JAR" ]] || (cd "$ROOT" && mvn -q -o -B -DskipTests package)

DEFS="$BUILD/scrape-defs"
mkdir -p "$DEFS" "$ROOT/bench/results"
rm -f "$BUILD"/scrape-*.out "$BUILD"/scrape-wrk-*.txt "$BUILD"/scrape-samples-*.txt

pids=()      # long-lived: the generator, the daemon (timeout and its java)
current=()   # short-lived, dropped once they ended: the sampler, wrk
cleanup() {
  pids+=("${current[@]}")
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  # bounded: whatever ignores SIGTERM for 10 s gets SIGKILL
  for _ in $(seq 50); do
    alive=0; for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    (( alive )) || break; sleep 0.2
  done
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# runs a bounded command in the background and waits for it, so that INT/TERM stop the script at once
run() { "$@" & current+=("$!"); local rc=0; wait "${current[-1]}" || rc=$?; unset 'current[-1]'; return "$rc"; }

# --- the load generator (optional) ---------------------------------------------------------------
if (( CONNS > 0 )); then
  SHARED=""
  for c in "${SHARED_BENCH:-}" "$ROOT/bench/loadgen" "$ROOT/../shared/bench" \
           "$(dirname "$(dirname "$(git -C "$ROOT" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || echo /nonexistent/x)")")/shared/bench"; do
    if [[ -n "$c" && -f "$c/loopback-conns.c" ]]; then SHARED=$c; break; fi
  done
  [[ -n "$SHARED" ]] || { echo "cannot find shared/bench; set SHARED_BENCH" >&2; exit 2; }
  [[ -x "$BUILD/loopback-conns" && ! "$SHARED/loopback-conns.c" -nt "$BUILD/loopback-conns" ]] \
    || gcc -O2 -Wall -o "$BUILD/loopback-conns" "$SHARED/loopback-conns.c"
  "$BUILD/loopback-conns" -n "$CONNS" -S 2 -w 2 -b "$GEN_PORT" -T "$HOLD" -q > "$BUILD/scrape-gen.out" &
  pids+=("$!")
  for _ in $(seq 600); do grep -q READY "$BUILD/scrape-gen.out" && break; kill -0 "${pids[-1]}" 2>/dev/null || break; sleep 0.2; done
  grep READY "$BUILD/scrape-gen.out" >&2 || { echo "generator not READY" >&2; exit 1; }
fi

# --- definitions: ROWS/2 listening + ROWS/2 connection rows (+ 4 + 4 on the generator's ports) ----
awk -v n=$((ROWS / 2)) -v c="$CONNS" -v b="$GEN_PORT" 'BEGIN {
  print "ipProtocol,localIP,localPort,procName,comment"
  for (i = 0; i < n; i++) printf "tcp,,%d,svc%s-*,row %d\n", 1 + i % 60000, (i < 60000 ? "" : int(i / 60000)), i
  if (c > 0) for (p = b; p < b + 4; p++) printf "tcp,127.0.0.1,%d,loopback-conns,generator listener\n", p
}' > "$DEFS/monitoredListeningPorts.csv"
awk -v n=$((ROWS - ROWS / 2)) -v c="$CONNS" -v b="$GEN_PORT" 'BEGIN {
  print "remoteIP,remoteName,remotePort,procName,comment"
  for (i = 0; i < n; i++) printf "10.%d.%d.%d,,5432,postgres,row %d\n", int(i / 65536) % 256, int(i / 256) % 256, i % 256, i
  if (c > 0) for (p = b; p < b + 4; p++) printf "127.0.0.1,,%d,lbc-client-*,generator connections\n", p
}' > "$DEFS/monitoredTcpConnects.csv"
want_l=$(( $(wc -l < "$DEFS/monitoredListeningPorts.csv") - 1 ))
want_c=$(( $(wc -l < "$DEFS/monitoredTcpConnects.csv") - 1 ))

# --- the daemon, on free ports ------------------------------------------------------------------
LOG="$BUILD/scrape-daemon.out"
read -r -a jopts <<< "${SCRAPE_JAVA_OPTS:-}"
timeout -k 10 "$HOLD" java -Xmx256m "${jopts[@]}" -jar "$JAR" run --definitions="$DEFS" --prometheus.port=0 --jolokia.port=0 \
  --interval="$INTERVAL" > "$LOG" 2>&1 &
DAEMON=$!; pids+=("$DAEMON")
METRICS=""; JOLOKIA=""
for _ in $(seq 300); do
  line=$(grep -m1 ' started in pid ' "$LOG" || true)
  if [[ -n "$line" ]]; then
    JAVA_PID=$(sed -n 's/.* started in pid \([0-9]*\).*/\1/p' <<< "$line")
    [[ -n "$JAVA_PID" ]] && pids+=("$JAVA_PID")   # so that SIGKILL, if needed, reaches java, not only timeout
    METRICS=$(grep -o 'metrics http://[^ ,]*/metrics' <<< "$line" | cut -d' ' -f2 || true)
    JOLOKIA=$(grep -o 'jolokia http://[^ ,]*/' <<< "$line" | cut -d' ' -f2 || true)
    break
  fi
  kill -0 $DAEMON 2>/dev/null || break
  sleep 0.2
done
[[ -n "$METRICS" && -n "$JOLOKIA" ]] || { echo "daemon did not start with both endpoints:" >&2; cat "$LOG" >&2; exit 1; }
JREAD="${JOLOKIA}read/portwatch:type=Agent"

get() { curl -sf --max-time 10 "$@"; }
metric() { awk -v m="$1" '$1 == m { print $2 + 0; f = 1 } END { if (!f) print "NaN" }' <<< "$2"; }
for _ in $(seq 600); do
  m=$(get "$METRICS" || true)
  [[ "$(metric portwatch_scans_total "$m")" =~ ^[1-9] && "$m" == *portwatch_last_scan_timestamp_seconds* ]] && break
  kill -0 $DAEMON 2>/dev/null || { echo "daemon died:" >&2; cat "$LOG" >&2; exit 1; }
  sleep 0.5
done
m=$(get "$METRICS") || { echo "no /metrics at $METRICS" >&2; exit 1; }
[[ "$(metric portwatch_scans_total "$m")" =~ ^[1-9] ]] || { echo "no scan published within 300 s" >&2; cat "$LOG" >&2; exit 1; }
got_l=$(metric 'portwatch_definitions{kind="listening"}' "$m")
got_c=$(metric 'portwatch_definitions{kind="connection"}' "$m")
if [[ "$got_l" != "$want_l" || "$got_c" != "$want_c" || "$(metric portwatch_config_errors "$m")" != 0 ]]; then
  echo "daemon loaded $got_l listening / $got_c connection rows, expected $want_l / $want_c:" >&2; cat "$LOG" >&2; exit 1
fi
health=$(printf 'green %s, yellow %s, red %s' "$(metric 'portwatch_rows{health="green"}' "$m")" \
  "$(metric 'portwatch_rows{health="yellow"}' "$m")" "$(metric 'portwatch_rows{health="red"}' "$m")")
if (( CONNS > 0 )) && [[ "$(metric 'portwatch_rows{health="green"}' "$m")" -lt 8 ]]; then
  echo "the 8 rows on loopback-conns' ports should be green; rows are $health" >&2; exit 1
fi
first_scan_ms=$(awk -v s="$(metric portwatch_scan_duration_seconds "$m")" 'BEGIN { printf "%.0f", s * 1000 }')
# Jolokia answers errors with HTTP 200 and the status in the body, so wrk cannot see them: check here
jolokia_ok() { [[ "$(get "$JREAD" || true)" == *'"status":200'* ]]; }
jolokia_ok || { echo "Jolokia read failed:" >&2; get "$JREAD" >&2 || true; exit 1; }
echo "daemon pid ${JAVA_PID:-?} (under timeout pid $DAEMON): $METRICS, $JOLOKIA; $got_l listening + $got_c connection rows; first scan ${first_scan_ms} ms" >&2

# --- measurements -------------------------------------------------------------------------------
# wrk prints times as 812.00us, 1.23ms, 1.02s, 1.50m: to milliseconds
parse_wrk() {
  awk '
    function ms(v,  n, u) { n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
      if (u == "us") return n / 1000; if (u == "ms") return n; if (u == "s") return n * 1000
      if (u == "m") return n * 60000; if (u == "h") return n * 3600000; return -1 }
    $1 == "Latency" && NF >= 4 { max = ms($4) }
    $1 == "50%" { p50 = ms($2) } $1 == "90%" { p90 = ms($2) } $1 == "99%" { p99 = ms($2) }
    / requests in / { reqs = $1 }
    /^Requests\/sec:/ { rps = $2 }
    /Non-2xx or 3xx responses:/ { non2xx = $NF }
    /Socket errors:/ { gsub(/,/, ""); sockerr = $4 + $6 + $8 + $10 }
    END { printf "%.2f %.3f %.3f %.3f %.3f %d %d %d\n", rps, p50, p90, p99, max, reqs, non2xx, sockerr }' "$1"
}
sample() {
  { get "${JREAD}/ScanCount,LastScanDurationMillis" || true; echo; } \
    | sed -n 's/.*"ScanCount":\([0-9]*\).*"LastScanDurationMillis":\([0-9]*\).*/\1 \2/p; s/.*"LastScanDurationMillis":\([0-9]*\).*"ScanCount":\([0-9]*\).*/\2 \1/p'
}
ooms() { grep -c 'OutOfMemoryError' "$LOG" || true; }
scans_now() { metric portwatch_scans_total "$(get "$METRICS" || true)"; }
# b - a, or "?" when the daemon did not answer
delta() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/) printf "%d", b - a; else print "?" }'; }

# plain /metrics last: at 10k rows it is the one that can exhaust the daemon's heap
names=("/metrics, gzip" "Jolokia read Agent" "/metrics, plain")
urls=("$METRICS" "$JREAD" "$METRICS")
hdrs=("Accept-Encoding: gzip" "" "")
rows_md=(); failed=0; all_durs=""; total_scans=0
overruns0=$(metric portwatch_scan_overruns_total "$(get "$METRICS" || true)")
for k in 0 1 2; do
  hargs=(); [[ -n "${hdrs[k]}" ]] && hargs=(-H "${hdrs[k]}")
  bytes=$(curl -s --max-time 10 "${hargs[@]}" -o /dev/null -w '%{size_download}' "${urls[k]}" || true)
  if (( WARMUP > 0 )); then
    run timeout -k 5 $((WARMUP + 30)) wrk -t2 -c"$CONNECTIONS" -d"${WARMUP}s" "${hargs[@]}" "${urls[k]}" > /dev/null || true
  fi
  out="$BUILD/scrape-wrk-$k.txt"; samples="$BUILD/scrape-samples-$k.txt"
  s0=$(scans_now); oom0=$(ooms)
  # the sampler: 1 request/s next to thousands, "ScanCount LastScanDurationMillis" per line
  stop="$BUILD/scrape-sampler.stop"; rm -f "$stop"
  ( end=$((SECONDS + DURATION + 40))
    while (( SECONDS < end )) && [[ ! -e "$stop" ]]; do sample; sleep 1; done ) > "$samples" &
  sampler=$!; current+=("$sampler")
  hshow=""; [[ -n "${hdrs[k]}" ]] && hshow="-H \"${hdrs[k]}\" "
  echo "wrk -t2 -c$CONNECTIONS -d${DURATION}s --latency $hshow${urls[k]}" >&2
  run timeout -k 5 $((DURATION + 60)) wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "${hargs[@]}" "${urls[k]}" > "$out" \
    || echo "wrk exited with status $?" >> "$out"
  sleep 1.5                                 # one more sample: a scan that ended at the very end
  touch "$stop"; wait "$sampler" 2>/dev/null || true   # it stops within ~1 s (curl --max-time 10 at worst)
  current=()
  sample >> "$samples"
  s1=$(scans_now)
  oom=$(( $(ooms) - oom0 ))
  read -r rps p50 p90 p99 max reqs non2xx sockerr < <(parse_wrk "$out")
  scans=$(delta "$s0" "$s1")
  if [[ "$scans" == "?" ]]; then total_scans="?"; elif [[ "$total_scans" != "?" ]]; then total_scans=$((total_scans + scans)); fi
  durs=$(awk -v s0="$s0" '$1 > s0 && !seen[$1]++ { printf "%s%s", sep, $2; sep = "," }' "$samples")
  all_durs="$all_durs${all_durs:+${durs:+,}}$durs"
  note=""
  if [[ -z "$reqs" || "$reqs" == 0 ]]; then note="no requests completed"; failed=1; fi
  if (( non2xx > 0 )); then note="${note:+$note, }$non2xx NON-2xx RESPONSES"; failed=1; fi
  (( sockerr > 0 )) && note="${note:+$note, }$sockerr socket errors/timeouts"
  if (( oom > 0 )); then note="${note:+$note, }$oom OutOfMemoryError in the daemon's log"; failed=1; fi
  if [[ "${urls[k]}" == "$JREAD" ]] && ! jolokia_ok; then note="${note:+$note, }Jolokia read failing after the run"; failed=1; fi
  if [[ -n "$note" ]]; then echo "!!! ${names[k]}: $note" >&2; cat "$out" >&2; fi
  rows_md+=("$(printf '| %s | %s | %.0f | %.2f | %.2f | %.2f | %.2f | %s | %s%s%s |' "${names[k]}" "$bytes" "$rps" \
    "$p50" "$p90" "$p99" "$max" "$reqs" "$scans" "${durs:+ (${durs//,/, } ms)}" "${note:+; **$note**}")")
done
m=$(get "$METRICS" || true)
[[ -n "$m" ]] || { echo "!!! /metrics does not answer after the runs" >&2; failed=1; }
overruns=$(delta "$overruns0" "$(metric portwatch_scan_overruns_total "$m")")
last_ms=$(awk -v s="$(metric portwatch_scan_duration_seconds "$m")" 'BEGIN { if (s ~ /^[0-9.eE+-]+$/) printf "%.0f", s * 1000; else print "?" }')
scan_summary=$(tr ',' '\n' <<< "$all_durs" | sort -n | awk -v n="$total_scans" -v last="$last_ms" '
  NF { d[++k] = $1 }
  END { s = n " scans ran during the three measurements (portwatch_scans_total)"
        if (k) s = s sprintf("; %d of them sampled: %d ms min, %d ms median, %d ms max", k, d[1], d[int((k + 1) / 2)], d[k])
        print s "; portwatch_scan_duration_seconds after the runs: " last " ms" }')
# the target is about scrapers, and Prometheus always asks for gzip; the other two rows are context
verdict=$(awk -F'|' 'NR == 1 { print ($7 + 0 < 50 ? "met" : "NOT MET") }' <<< "${rows_md[0]}")
# what the daemon keeps: heap used after a full GC, with the last state of ROWS rows published
heap_after_gc="?"
if [[ -n "${JAVA_PID:-}" ]] && command -v jcmd > /dev/null && jcmd "$JAVA_PID" GC.run > /dev/null 2>&1; then
  heap_after_gc=$(jcmd "$JAVA_PID" GC.heap_info 2>/dev/null \
    | awk '/ used [0-9]+K/ { for (i = 1; i < NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?$/, "", v); printf "%.1f MiB", v / 1024; exit } }')
  [[ -n "$heap_after_gc" ]] || heap_after_gc="?"
fi
(( failed )) && verdict="NOT MET (failed requests or daemon errors)"

envshow=""; [[ -n "${SCRAPE_JAVA_OPTS:-}" ]] && envshow="SCRAPE_JAVA_OPTS=\"$SCRAPE_JAVA_OPTS\" "
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
{
  echo "# Scrape latency under $CONNECTIONS concurrent scrapers"
  echo
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- Machine: $(nproc) cores, ${cpu:-unknown CPU}, kernel $(uname -r), loadavg before $LOAD0"
  echo "- Java: $(java -version 2>&1 | head -1); daemon \`java -Xmx256m ${jopts[*]:+${jopts[*]} }-jar target/portwatch.jar run --interval=$INTERVAL\`"
  echo "- wrk: $(wrk -v 2>&1 | head -1 | sed 's/ Copyright.*//'), \`wrk -t2 -c$CONNECTIONS -d${DURATION}s --latency\`" \
       "after a ${WARMUP} s unmeasured warm-up each; wrk shares the $(nproc) cores with the daemon"
  echo "- Command: \`$envshow$CMDLINE\`"
  echo "- Definitions: $got_l listening + $got_c connection rows (first scan: $health)$( (( CONNS > 0 )) && echo "; loopback-conns -n $CONNS -S 2 -w 2 ($((2 * CONNS)) sockets, 4 + 4 rows on its ports)")"
  echo "- Daemon log: $(grep -c 'Exception in thread\|OutOfMemoryError\|WARNING' "$LOG" || true) warnings/exceptions ($(ooms) OutOfMemoryError), see bench/build/scrape-daemon.out"
  echo "- Scans: interval $INTERVAL s, first scan ${first_scan_ms} ms; $scan_summary; $overruns overruns"
  echo "- Daemon heap used after a full GC at the end (\`jcmd PID GC.run\`, \`GC.heap_info\`): $heap_after_gc"
  echo "- Target p99 < 50 ms for 50 concurrent scrapers (\`/metrics\` gzipped, as Prometheus asks): **$verdict**"
  echo
  echo "| measurement | bytes/response | requests/s | p50 ms | p90 ms | p99 ms | max ms | requests | scans during it (durations); problems |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
  printf '%s\n' "${rows_md[@]}"
} | tee "$ROOT/bench/results/scrape.md"
(( failed == 0 )) || { echo "FAILED: some requests failed or the daemon ran out of memory (see above)" >&2; exit 1; }
