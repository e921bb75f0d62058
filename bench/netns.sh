#!/usr/bin/env bash
# Namespace scan benchmark (issue 14): the scan of N network namespaces holding S sockets in total, next to the
# scan of the same S sockets in one namespace. Needs root, iproute2 and python3.
#
#   bench/netns.sh [--sockets 20000] [--namespaces 1,10,50] [--steady 15] [--child-ehash 0,1024] [--no-build]
#
# The whole run happens in new pid, mount and network namespaces (unshare), so that portwatch sees only what
# the benchmark made. For the baseline the S sockets are held in this shell's own namespace and portwatch reads only it
# (namespaces=own); then, for each N, N namespaces are created (ip netns add pwbench-I, loopback up), each holding
# S/N sockets on its own loopback (one listener and its connections, bench/netns-load.py), and portwatch reads
# them all (namespaces=all). Everything stays inside the machine. Every namespace and process created here is
# removed at the end, also on failure or Ctrl-C (processes are stopped by their pid).
# --child-ehash: each N is measured once per value of net.ipv4.tcp_child_ehash_entries, set inside the benchmark's
# own network namespace only (0 = the kernel's default: the namespaces share the host's TCP hash table, and reading
# one namespace's table walks all of it; N = each new namespace gets a table of its own of N entries).
# Writes bench/results/netns.md and .json and puts the table into docs/performance.md (bench:netns markers).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SOCKETS=20000
COUNTS=1,10,50
STEADY=15
EHASH=0,1024
BUILD=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sockets) SOCKETS=$2; shift 2 ;;
    --namespaces) COUNTS=$2; shift 2 ;;
    --steady) STEADY=$2; shift 2 ;;
    --child-ehash) EHASH=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ $(id -u) -eq 0 ]] || { echo "bench/netns.sh creates network namespaces: run it as root" >&2; exit 2; }

if [[ $BUILD == 1 ]]; then
  echo "building portwatch (mvn -q -B -DskipTests package)" >&2
  (cd "$ROOT" && mvn -q -B -o -DskipTests package)
fi

# Run apart from the rest of the machine: in new pid, mount and network namespaces, portwatch sees only the
# processes and namespaces of this benchmark (not other sockets of the host), and everything goes with it.
if [[ -z "${PWBENCH_ISOLATED:-}" ]]; then
  PWBENCH_ISOLATED=1 LOADAVG="$(cut -d' ' -f1-3 /proc/loadavg)" exec unshare --pid --fork --mount-proc --net \
    "$0" --sockets "$SOCKETS" --namespaces "$COUNTS" --steady "$STEADY" --child-ehash "$EHASH" --no-build
fi
mount --make-rprivate / 2>/dev/null || true
mount -t tmpfs tmpfs /run/netns 2>/dev/null || { mkdir -p /run/netns && mount -t tmpfs tmpfs /run/netns; }
ip link set lo up

PIDS=()
NAMESPACES=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done; done
  for ns in "${NAMESPACES[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  PIDS=()
  NAMESPACES=()
}
trap cleanup EXIT INT TERM

CP="${PWBENCH_CP:-$ROOT/target/portwatch.jar:$ROOT/target/test-classes}"

# starts the load in a namespace ("" = this one) in processes of at most 4000 sockets, waits until they are ready
load() {
  local ns=$1 n=$2
  while [[ $n -gt 4000 ]]; do
    load1 "$ns" 4000
    n=$((n - 4000))
  done
  load1 "$ns" "$n"
}

load1() {
  local ns=$1 n=$2 fifo
  fifo=$(mktemp -u); mkfifo "$fifo"
  if [[ -z "$ns" ]]; then
    python3 "$ROOT/bench/netns-load.py" "$n" >"$fifo" &
  else
    ip netns exec "$ns" python3 "$ROOT/bench/netns-load.py" "$n" >"$fifo" &
  fi
  PIDS+=($!)
  read -r line <"$fifo"
  rm -f "$fifo"
  [[ $line == ready* ]] || { echo "load in '$ns' failed: $line" >&2; exit 1; }
}

measure() {
  java -Xmx512m -cp "$CP" io.portwatch.scan.linux.NetnsScanBench --steady "$STEADY" | tail -1
}

RESULTS="$ROOT/bench/results"
mkdir -p "$RESULTS"
echo "[" >"$RESULTS/netns.json"

echo "baseline: $SOCKETS sockets in this namespace" >&2
load "" "$SOCKETS"
base=$(measure)
cleanup
echo "{\"namespaces\":0,\"child_ehash\":0,\"result\":$base}" >>"$RESULTS/netns.json"

IFS=, read -ra counts <<<"$COUNTS"
IFS=, read -ra ehashes <<<"$EHASH"
for eh in "${ehashes[@]}"; do
 sysctl -qw net.ipv4.tcp_child_ehash_entries="$eh"
 for n in "${counts[@]}"; do
  echo "$n namespaces, $SOCKETS sockets in total, tcp_child_ehash_entries=$eh" >&2
  per=$((SOCKETS / n))
  for i in $(seq 1 "$n"); do
    ns="pwbench-$i"
    ip netns add "$ns"
    NAMESPACES+=("$ns")
    ip -n "$ns" link set lo up
    load "$ns" "$per"
  done
  r=$(measure)
  cleanup
  echo ",{\"namespaces\":$n,\"child_ehash\":$eh,\"result\":$r}" >>"$RESULTS/netns.json"
 done
done
echo "]" >>"$RESULTS/netns.json"

python3 - "$RESULTS/netns.json" "$RESULTS/netns.md" "$ROOT/docs/performance.md" "$SOCKETS" "$STEADY" "$LOADAVG" <<'PY'
import json, sys, datetime, os, platform
data = json.load(open(sys.argv[1]))
sockets, steady, loadavg = sys.argv[4], sys.argv[5], sys.argv[6]
base = data[0]["result"]["own"]["steady_median_ms"]
lines = ["Measured %s UTC on %s (%s CPUs, load average %s at the start), %s sockets in total, median of %s "
         "steady scans after a cold one (`bench/netns.sh`, in its own pid, mount and network namespaces)."
         % (datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"), platform.node() or "this machine", os.cpu_count(),
            loadavg, sockets, steady),
         "",
         "| namespaces holding the sockets | their TCP hash table | read | namespaces seen | sockets seen | cold scan | steady scan | CPU per steady scan | vs one namespace |",
         "|---|---|---|---|---|---|---|---|---|"]
def read_label(d, mode):
    if mode == "all":
        return "namespaces=all, %d thread%s" % (d["result"]["helpers"] + 1, "s" if d["result"]["helpers"] else "")
    if mode == "all_one_thread":
        return "namespaces=all, 1 thread"
    return "namespaces=" + mode
for d in data:
    n = d["namespaces"]
    for mode in (("own",) if n == 0 else ("all", "all_one_thread", "own")):
        r = d["result"][mode]
        where = "portwatch's own" if n == 0 else "%d other%s" % (n, "s" if n > 1 else "")
        eh = d.get("child_ehash", 0)
        table_kind = "the host's" if n == 0 else ("shared with the host" if eh == 0 else "its own, %d entries" % eh)
        lines.append("| %s | %s | %s | %d | %d | %.1f ms | %.1f ms | %.1f ms | %.2f× |" % (
            where, table_kind, read_label(d, mode), r["namespaces"], r["sockets"], r["cold_ms"],
            r["steady_median_ms"], r["steady_cpu_ms"], r["steady_median_ms"] / base))
table = "\n".join(lines) + "\n"
open(sys.argv[2], "w").write(table)
doc = open(sys.argv[3]).read()
begin, end = "<!-- bench:netns:begin -->", "<!-- bench:netns:end -->"
if begin in doc:
    doc = doc[:doc.index(begin) + len(begin)] + "\n" + table + doc[doc.index(end):]
    open(sys.argv[3], "w").write(doc)
print(table)
PY
