#!/usr/bin/env python3
"""A/B steady-scan benchmark: two portwatch builds measured side by side under one loopback-conns load.

    python3 bench/ab.py --a-cp BASE_JAR:BASE_TEST_CLASSES --b-cp NEW_JAR:NEW_TEST_CLASSES \
        [--n 100000] [--rounds 6] [--steady 9] [--gen-args "-S 6 -w 6"] [--shared bench/loadgen]

Starts `loopback-conns -n N` once (shared/bench), then runs ScanBench (one fresh JVM, -Xmx512m, --eval-rows 0)
alternately for A and B, in the order AB, BA, AB, ... so that drifting load hits both alike. Each run gives the
median of its steady scans (wall and thread CPU); the script prints the median over the runs of each build,
the ratio B/A, and the median of the per-round ratios. Every process stops by itself or is stopped by PID.
"""
import argparse, json, os, statistics, subprocess, sys

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--a-cp", required=True)
    ap.add_argument("--b-cp", required=True)
    ap.add_argument("--n", type=int, default=100000)
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--steady", type=int, default=9)
    ap.add_argument("--gen-args", default="-S 6 -w 6")
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "loadgen"))
    ap.add_argument("--build", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "build"))
    a = ap.parse_args()
    sys.path.insert(0, a.shared)
    import bench as shared
    os.makedirs(a.build, exist_ok=True)
    gen_bin = os.path.join(a.build, "loopback-conns")
    if not os.path.exists(gen_bin):
        subprocess.run(["gcc", "-O2", "-Wall", "-o", gen_bin, os.path.join(a.shared, "loopback-conns.c")], check=True)
    log = open(os.path.join(a.build, "ab-loopback-conns.log"), "a")
    gen, ready = shared.start_generator(gen_bin, a.n, a.gen_args, 3600, 600, log)
    results = {"A": [], "B": []}
    try:
        print(ready, "load", open("/proc/loadavg").read().strip(), flush=True)
        for r in range(a.rounds):
            order = ["A", "B"] if r % 2 == 0 else ["B", "A"]
            for which in order:
                cp = a.a_cp if which == "A" else a.b_cp
                out = subprocess.run(["java", "-Xmx512m", "-cp", cp, "io.portwatch.scan.linux.bench.ScanBench",
                                      "--steady", str(a.steady), "--eval-rows", "0"],
                                     capture_output=True, text=True, timeout=900)
                j = json.loads(out.stdout.strip().splitlines()[-1])
                m = {"wall": j["steady_ms"]["median"], "cpu": j["steady_cpu_ms"]["median"],
                     "alloc": j["steady_alloc_bytes"]["median"], "sockets": j["sockets"]}
                results[which].append(m)
                print("round %d %s sockets %d steady wall %.1f ms cpu %.1f ms alloc %.1f MB load %s"
                      % (r + 1, which, m["sockets"], m["wall"], m["cpu"], m["alloc"] / 1e6,
                         open("/proc/loadavg").read().split()[0]), flush=True)
    finally:
        shared.stop_generator(gen)
    for k in ("wall", "cpu", "alloc"):
        ma = statistics.median(x[k] for x in results["A"])
        mb = statistics.median(x[k] for x in results["B"])
        paired = statistics.median(b[k] / a_[k] for a_, b in zip(results["A"], results["B"]))
        print("%-5s A median %.1f  B median %.1f  B/A %.3f  median of per-round B/A %.3f"
              % (k, ma / (1e6 if k == "alloc" else 1), mb / (1e6 if k == "alloc" else 1), mb / ma, paired))
    print(json.dumps(results))

if __name__ == "__main__":
    main()
