#!/usr/bin/env bash
# Scan benchmark (issues 7, 22): portwatch's Linux scan, with the netlink and the /proc reader side by
# side, against ss, the /proc floor and OSHI, under loopback-conns load at several N. Writes bench/results/latest.md and latest.json, and puts the
# tables into docs/performance.md (between its bench:latest markers).
#
#   bench/run.sh [--n 1000,10000,50000,100000] [--runs 5] [--steady 9] [--eval-rows 10000]
#                [--gen-args "-S 6 -w 6"] [--no-oshi] [--heap 512m]
#
# Needs gcc, python3, a JDK 17 and Maven (for the build and, unless --no-oshi, to fetch OSHI).
# The load generator and the timing harness are ../shared/bench (loopback-conns.c, runstat.c,
# bench.py), used in place; their binaries are built into bench/build/ (git-ignored).
# Traffic stays on loopback; every process started here stops on its own or is stopped by PID.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD="$ROOT/bench/build"
OSHI_VERSION=7.5.0        # as in shared/bench/BASELINE.md
JNA_VERSION=5.19.1

find_shared() {
  local candidates=("${SHARED_BENCH:-}" "$ROOT/bench/loadgen" "$ROOT/../shared/bench")
  local common
  # a git worktree: shared/ lies beside the main checkout
  if common=$(git -C "$ROOT" rev-parse --path-format=absolute --git-common-dir 2>/dev/null); then
    candidates+=("$(dirname "$(dirname "$common")")/shared/bench")
  fi
  for c in "${candidates[@]}"; do
    if [[ -n "$c" && -f "$c/loopback-conns.c" && -f "$c/bench.py" ]]; then
      (cd "$c" && pwd)
      return
    fi
  done
  echo "cannot find shared/bench (loopback-conns.c, bench.py); set SHARED_BENCH" >&2
  exit 2
}
SHARED=$(find_shared)

oshi=1
args=()
for a in "$@"; do
  if [[ "$a" == "--no-oshi" ]]; then oshi=0; else args+=("$a"); fi
done

mkdir -p "$BUILD" "$ROOT/bench/results"
for tool in loopback-conns runstat; do
  if [[ ! -x "$BUILD/$tool" || "$SHARED/$tool.c" -nt "$BUILD/$tool" ]]; then
    echo "building $BUILD/$tool from $SHARED/$tool.c" >&2
    gcc -O2 -Wall -o "$BUILD/$tool" "$SHARED/$tool.c"
  fi
done

echo "building portwatch (mvn -q -B -DskipTests package)" >&2
(cd "$ROOT" && mvn -q -B -DskipTests package)
CP="$ROOT/target/portwatch.jar:$ROOT/target/test-classes"

OSHI_CMD=""
if [[ $oshi == 1 ]]; then
  mkdir -p "$BUILD/oshi"
  # a throw-away pom, only to let Maven resolve OSHI and its dependencies (not the project's pom)
  cat > "$BUILD/oshi/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId><artifactId>oshi-bench</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>com.github.oshi</groupId><artifactId>oshi-core</artifactId><version>$OSHI_VERSION</version></dependency>
    <dependency><groupId>net.java.dev.jna</groupId><artifactId>jna-platform</artifactId><version>$JNA_VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-nop</artifactId><version>2.0.17</version></dependency>
  </dependencies>
</project>
EOF
  if (cd "$BUILD/oshi" && mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
        -Dmdep.outputFile=cp.txt >&2) \
     && mkdir -p "$BUILD/oshi/classes" \
     && javac -Xlint:all -Werror -d "$BUILD/oshi/classes" -cp "$(cat "$BUILD/oshi/cp.txt")" "$ROOT/bench/OshiConns.java"; then
    OSHI_CMD="java -cp $BUILD/oshi/classes:$(cat "$BUILD/oshi/cp.txt") OshiConns 3 5"
  else
    echo "OSHI $OSHI_VERSION is not available; the table falls back to BASELINE.md's OSHI figures" >&2
  fi
fi

echo "limits: nofile $(ulimit -Sn)/$(ulimit -Hn), nr_open $(cat /proc/sys/fs/nr_open)," \
     "ports $(tr '\t' '-' < /proc/sys/net/ipv4/ip_local_port_range), somaxconn $(cat /proc/sys/net/core/somaxconn);" \
     "loopback-conns shards its sockets over processes when RLIMIT_NOFILE is lower than N needs" >&2

exec python3 "$ROOT/bench/scanbench.py" --shared "$SHARED" --build "$BUILD" --cp "$CP" \
     --oshi-cmd "$OSHI_CMD" --out "$ROOT/bench/results" --doc "$ROOT/docs/performance.md" "${args[@]}"
