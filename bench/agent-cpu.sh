#!/usr/bin/env bash
# Agent cost (issue 7, item 3): CPU of one core used by the portwatch agent at N established loopback
# connections (2N sockets) and the default 15 s interval, averaged over DURATION seconds.
#
#   bench/agent-cpu.sh [N=5000] [DURATION=300] [INTERVAL=15]
#
# Starts loopback-conns -n N (../shared/bench), then two idle JVMs side by side: one with
# -javaagent:target/portwatch.jar, one without (the control). After a 45 s warm-up (the first scans,
# JIT) it reads utime+stime of both from /proc/PID/stat, waits DURATION s, reads them again, and
# prints the agent's share of one core: (with - without) / DURATION. Everything it starts stops by
# itself (-T, sleep bounds) or is stopped by PID at the end. Writes bench/results/agent-cpu.md.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD="$ROOT/bench/build"
N=${1:-5000}
DURATION=${2:-300}
INTERVAL=${3:-15}
WARMUP=45
HOLD=$((DURATION + WARMUP + 120))

SHARED=""
for c in "${SHARED_BENCH:-}" "$ROOT/bench/loadgen" "$ROOT/../shared/bench" \
         "$(dirname "$(dirname "$(git -C "$ROOT" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || echo /nonexistent/x)")")/shared/bench"; do
  if [[ -n "$c" && -f "$c/loopback-conns.c" ]]; then SHARED=$c; break; fi
done
[[ -n "$SHARED" ]] || { echo "cannot find shared/bench; set SHARED_BENCH" >&2; exit 2; }

mkdir -p "$BUILD/idle" "$BUILD/agent-defs" "$ROOT/bench/results"
[[ -x "$BUILD/loopback-conns" && ! "$SHARED/loopback-conns.c" -nt "$BUILD/loopback-conns" ]] \
  || gcc -O2 -Wall -o "$BUILD/loopback-conns" "$SHARED/loopback-conns.c"
(cd "$ROOT" && mvn -q -B -DskipTests package)
JAR="$ROOT/target/portwatch.jar"
if ! jar tf "$JAR" | grep -q '^io/portwatch/agent/PortwatchAgent.class$'; then
  echo "target/portwatch.jar has no io.portwatch.agent.PortwatchAgent yet (the agent is not wired on this branch);" \
       "run this script again once it is" >&2
  exit 3
fi
javac -Xlint:all -Werror -d "$BUILD/idle" "$ROOT/bench/IdleMain.java"

# a small definitions set on the generator's ports (loopback-conns -b 20000)
{
  echo "ipProtocol,localIP,localPort,procName,comment"
  for p in 20000 20001 20002 20003; do echo "tcp,127.0.0.1,$p,loopback-conns,bench listener"; done
} > "$BUILD/agent-defs/monitoredListeningPorts.csv"
{
  echo "remoteIP,remoteName,remotePort,procName,comment"
  for p in 20000 20001 20002 20003; do echo "127.0.0.1,,$p,lbc-client-*,bench connections"; done
} > "$BUILD/agent-defs/monitoredTcpConnects.csv"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

"$BUILD/loopback-conns" -n "$N" -S 2 -w 2 -T "$HOLD" -q > "$BUILD/agent-gen.out" &
pids+=($!)
for _ in $(seq 600); do grep -q READY "$BUILD/agent-gen.out" && break; sleep 0.2; done
grep READY "$BUILD/agent-gen.out" >&2 || { echo "generator not READY" >&2; exit 1; }

sleep_s=$((DURATION + WARMUP + 60))
java -Xmx256m -javaagent:"$JAR"=interval=$INTERVAL,definitions=$BUILD/agent-defs,jolokia.port=0,prometheus.port=0 \
     -cp "$BUILD/idle" IdleMain "$sleep_s" > "$BUILD/agent-with.out" 2>&1 &
WITH=$!; pids+=($WITH)
java -Xmx256m -cp "$BUILD/idle" IdleMain "$sleep_s" > "$BUILD/agent-without.out" 2>&1 &
WITHOUT=$!; pids+=($WITHOUT)

ticks() { awk '{ s = $0; sub(/.*\) /, "", s); split(s, f, " "); print f[12] + f[13] }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
sleep "$WARMUP"
w0=$(ticks $WITH); c0=$(ticks $WITHOUT); t0=$(date +%s.%N)
sleep "$DURATION"
w1=$(ticks $WITH); c1=$(ticks $WITHOUT); t1=$(date +%s.%N)

result=$(awk -v w=$((w1 - w0)) -v c=$((c1 - c0)) -v hz="$hz" -v t0="$t0" -v t1="$t1" 'BEGIN {
  s = t1 - t0; printf "with agent %.2f %% of one core, without %.2f %%, agent %.2f %% (over %.0f s)", 100*w/hz/s, 100*c/hz/s, 100*(w-c)/hz/s, s }')
{
  echo "# Agent CPU cost"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, kernel $(uname -r), loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "Command: \`bench/agent-cpu.sh $N $DURATION $INTERVAL\` ($((2 * N)) sockets, interval $INTERVAL s)"
  echo
  echo "Result: $result"
  echo
  echo "Agent's output:"
  echo '```'
  head -20 "$BUILD/agent-with.out"
  echo '```'
} | tee "$ROOT/bench/results/agent-cpu.md"
