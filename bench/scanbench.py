#!/usr/bin/env python3
"""scanbench.py - portwatch's Linux scan side by side with ss, the /proc floor and OSHI.

Run through bench/run.sh, which builds everything first. For each N it starts
loopback-conns -n N (shared/bench), then
  1. times `ss -tanp`, `ss -tan`, and the two halves of the floor
     (`cat /proc/net/tcp /proc/net/tcp6` and the `find /proc/*/fd` readlink walk,
     the commands of shared/bench/bench.py) in interleaved rounds under runstat;
  2. runs ScanBench once in a fresh JVM under runstat: the cold scan, --steady
     scans of the same source, allocation, heap; at the largest N also the
     evaluation of --eval-rows generated rows, and of 100 rows on the loaded ports;
  3. runs OshiConns once (unless OSHI was not available);
and stops the generator by its PID. The helpers (generator start/stop, runstat,
machine facts) are shared/bench/bench.py's own, imported from there.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", required=True, help="shared/bench directory")
    ap.add_argument("--build", required=True, help="where loopback-conns and runstat were built")
    ap.add_argument("--cp", required=True, help="classpath with portwatch.jar and the test classes")
    ap.add_argument("--oshi-cmd", default="", help="command that runs OshiConns; empty = no OSHI run")
    ap.add_argument("--out", required=True, help="results directory")
    ap.add_argument("--doc", default="", help="markdown file whose <!-- bench:latest --> section gets the table")
    ap.add_argument("--n", default="1000,10000,50000,100000", help="comma list of N (established connections)")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per command (default 5)")
    ap.add_argument("--steady", type=int, default=9, help="steady-state scans after the cold one (default 9)")
    ap.add_argument("--eval-rows", type=int, default=10000, help="definition rows evaluated at the largest N")
    ap.add_argument("--gen-args", default="-S 6 -w 6", help="loopback-conns arguments (default as BASELINE.md)")
    ap.add_argument("--quality-rows", type=int, default=100,
                    help="connection rows whose quality is measured at the largest N, netlink (0: skip)")
    ap.add_argument("--heap", default="512m", help="-Xmx of the ScanBench JVM (default 512m)")
    ap.add_argument("--run-timeout", type=float, default=300, help="kill one run after this many seconds")
    return ap.parse_args()


a = parse_args()
sys.dont_write_bytecode = True
sys.path.insert(0, a.shared)
import bench as shared  # noqa: E402  shared/bench/bench.py

shared.RUNSTAT = os.path.join(a.build, "runstat")
log = shared.log
COMMANDS = [c for c in shared.DEFAULT_CMDS if c[0] in (
    "true", "ss -tanp", "ss -tan", "cat /proc/net/tcp+tcp6", "find /proc/*/fd readlink")]
CAT, FIND = "cat /proc/net/tcp+tcp6", "find /proc/*/fd readlink"
READERS = ["netlink", "proc"]                                # ScanBench --reader; LABEL as the tables name them
LABEL = {"netlink": "netlink", "proc": "/proc"}


def run_json(cmd, timeout):
    """Runs cmd under runstat; returns (parsed JSON of its last stdout line or None, wall_s, maxrss_kib, cpu_s, rc)."""
    with tempfile.TemporaryFile() as out:
        wall, rss, cpu, rc = shared.run_once(cmd, timeout, out)
        out.seek(0)
        lines = out.read().decode(errors="replace").strip().splitlines()
    try:
        return json.loads(lines[-1]), wall, rss, cpu, rc
    except (IndexError, ValueError):
        log("  no JSON from %s (rc=%d): %r" % (cmd, rc, lines[-3:]))
        return None, wall, rss, cpu, rc


def java(main, *args):
    return "java -Xmx%s -cp %s %s %s" % (a.heap, a.cp, main, " ".join(str(x) for x in args))


def level(n, largest):
    base = shared.sockstat().get("inuse", 0)
    hold = int(900 + n / 100 * a.runs)                      # bounded: the generator stops itself after this
    genlog = open(os.path.join(a.out, "loopback-conns.log"), "a")
    gen, ready = shared.start_generator(os.path.join(a.build, "loopback-conns"), n, a.gen_args, hold, 600, genlog)
    try:
        lvl = {"n": n, "ready": ready, "sockstat": shared.sockstat(), "load_before": shared.loadavg(), "commands": {}}
        log("N=%d %s %s" % (n, ready, lvl["sockstat"]))
        for name, cmd in COMMANDS:                           # warm-up, with the line count as a sanity check
            with tempfile.TemporaryFile() as tf:
                wall, rss, cpu, rc = shared.run_once(cmd, a.run_timeout, tf)
                tf.seek(0)
                data = tf.read()
            lines = data.strip().decode() if name == FIND else data.count(b"\n")
            lvl["commands"][name] = {"cmd": cmd, "lines": lines, "wall_ms": [], "cpu_ms": [], "maxrss_kib": [], "rc": []}
            log("  warm-up %-26s %9.1f ms rc=%d lines=%s" % (name, wall * 1e3, rc, lines))
        jvms = {r: [] for r in READERS}
        for i in range(a.runs):                              # interleaved timed rounds: the commands, then
            for name, cmd in COMMANDS:                       # one ScanBench JVM per reader (order alternating)
                wall, rss, cpu, rc = shared.run_once(cmd, a.run_timeout, subprocess.DEVNULL)
                e = lvl["commands"][name]
                e["wall_ms"].append(round(wall * 1e3, 2))
                e["cpu_ms"].append(round(cpu * 1e3, 2))
                e["maxrss_kib"].append(rss)
                e["rc"].append(rc)
            for reader in (READERS if i % 2 == 0 else READERS[::-1]):
                extra = ["--eval-rows", a.eval_rows] if largest and a.eval_rows > 0 and i == 0 and reader == "proc" else []
                pw, wall, rss, cpu, rc = run_json(java("io.portwatch.scan.linux.bench.ScanBench", "--reader", reader,
                                                       "--steady", a.steady, *extra), a.run_timeout)
                if rc == 3:
                    raise SystemExit("ScanBench --reader %s: the source fell back to another reader; not timing it"
                                     % reader)
                if pw is None or pw.get("reader") != reader:
                    raise SystemExit("ScanBench --reader %s failed (rc=%d): %r" % (reader, rc, pw))
                jvms[reader].append({"result": pw, "wall_ms": wall * 1e3, "maxrss_kib": rss, "cpu_ms": cpu * 1e3,
                                     "rc": rc})
                log("  round %d portwatch %-7s steady %s ms, cold %s ms" % (i + 1, reader, pw["steady_ms"]["median"],
                                                                         pw["cold_ms"]))
        for name, e in lvl["commands"].items():
            e["wall"] = shared.stats(e["wall_ms"])
            e["cpu"] = shared.stats(e["cpu_ms"])
            log("  %-26s median %9.1f ms  cpu %9.1f ms" % (name, e["wall"]["median"], e["cpu"]["median"]))
        lvl["readers"] = {r: merge(jvms[r]) for r in READERS}
        lvl["portwatch"] = lvl["readers"]["proc"]            # the tables before the netlink reader: /proc
        lvl["portwatch_jvm"] = lvl["readers"]["proc"]["jvm"]
        for r in READERS:
            log("  portwatch %s %s" % (r, json.dumps(lvl["readers"][r])))
        if largest and a.eval_rows > 0:
            hot, *_ = run_json(java("io.portwatch.scan.linux.bench.ScanBench", "--reader", "proc", "--steady", 1, "--eval-rows", a.eval_rows,
                                    "--eval-hot"), a.run_timeout)
            lvl["portwatch_hot_eval"] = hot
            log("  portwatch hot evaluation %s" % json.dumps(hot))
        if largest and a.quality_rows > 0:
            q, *_ = run_json(java("io.portwatch.scan.linux.bench.ScanBench", "--reader", "netlink", "--steady", a.steady,
                                  "--quality-rows", a.quality_rows), a.run_timeout * 2)
            lvl["portwatch_quality"] = q
            log("  portwatch connection quality %s" % json.dumps(q))
        if a.oshi_cmd:
            oshi, wall, rss, cpu, rc = run_json(a.oshi_cmd, a.run_timeout * 2)
            lvl["oshi"] = oshi
            lvl["oshi_jvm"] = {"wall_ms": wall * 1e3, "maxrss_kib": rss, "cpu_ms": cpu * 1e3, "rc": rc}
            log("  oshi %s" % json.dumps(oshi))
        lvl["load_after"] = shared.loadavg()
        return lvl
    finally:
        shared.stop_generator(gen, base)                     # by its PID; waits for the sockets to go
        genlog.close()


def merge(runs):
    """One reader's ScanBench JVMs at one N as one result: the steady scans of every JVM pooled (median, min, max),
    the cold scans and the per-JVM figures as the median over the JVMs; the evaluation from the JVM that ran it."""
    res = {"jvms": len(runs)}
    results = [r["result"] for r in runs]
    for key in ("steady_ms", "steady_cpu_ms", "steady_alloc_bytes"):
        res[key] = shared.stats([v for p in results for v in p[key]["all"]])
    for key in ("sockets", "owned", "processes", "cold_ms", "cold_cpu_ms", "cold_alloc_bytes", "cold_warm_jvm_ms",
                "cold_warm_jvm_alloc_bytes", "peak_heap_bytes", "retained_heap_bytes"):
        res[key] = statistics.median([p[key] for p in results])
        res[key + "_all"] = [p[key] for p in results]
    for p in results:
        for key, value in p.items():
            if key.startswith("eval_") or key == "retained_with_eval_bytes":
                res[key] = value
    res["reader"] = results[0]["reader"]
    res["jvm"] = {"wall_ms": statistics.median([r["wall_ms"] for r in runs]),
                  "maxrss_kib": statistics.median([r["maxrss_kib"] for r in runs]),
                  "cpu_ms": statistics.median([r["cpu_ms"] for r in runs]), "rc": max(r["rc"] for r in runs)}
    return res


def machine():
    m = shared.machine()
    m["nproc"] = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    m["free_h"] = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.rstrip()
    m["java"] = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.strip().splitlines()[0:2]
    m["kernel_full"] = platform.platform()
    return m


def f(v, digits=0):
    return "-" if v is None else ("{:,.%df}" % digits).format(v)


def mib(b):
    return "-" if b is None else "%.1f MiB" % (b / 1048576)


def markdown(res):
    levels = res["levels"]
    out = []
    m = res["machine"]
    out.append("# Scan benchmark: portwatch vs ss, the /proc floor and OSHI\n")
    out.append("Written by `bench/run.sh` on %s. Machine: %s, `nproc` %s, %s, kernel `%s`, %s; %s, %s."
               % (m["date_utc"], m["cpu"], m["nproc"], m["os"], m["kernel"], " / ".join(m["java"]),
                  m["ss"], "RLIMIT_NOFILE " + m["rlimit_nofile"]))
    out.append("\n```\n$ free -h\n%s\n```\n" % m["free_h"])
    out.append("Load: `loopback-conns -n N %s` (N established loopback connections, 2N sockets). "
               "Commands: %d interleaved rounds under `runstat`, median [min-max]. portwatch: in each round one "
               "fresh JVM (`-Xmx%s`) per reader (netlink and /proc, their order alternating from round to round), "
               "in-process `LinuxSocketSource.scan()` with owners, the source made as `run` makes it "
               "(`namespaces=all`, `scan.listenBacklog=auto`, `scan.reader=netlink` or `proc`): the first scan of "
               "the JVM (cold: median over the rounds), then %d scans of the same source (steady: median [min-max] "
               "of every round's scans). "
               "Floor = median of `cat /proc/net/tcp /proc/net/tcp6` + median of the `find /proc/[0-9]*/fd` readlink walk "
               "(shared/bench/bench.py's commands).\n"
               % (res["gen_args"], res["runs"], res["heap"], res["steady"]))

    head = "| | " + " | ".join("N=%s (%s sockets)" % (f(l["n"]), f(2 * l["n"])) for l in levels) + " |"
    rule = "|---|" + "---:|" * len(levels)

    def cmd(l, name, key="wall"):
        c = l["commands"].get(name)
        return c[key] if c else None

    def floor(l):
        c, d = cmd(l, CAT), cmd(l, FIND)
        return c["median"] + d["median"] if c and d else None

    def pw(l, key, reader="proc"):
        p = (l.get("readers") or {}).get(reader) or (l.get("portwatch") if reader == "proc" else None) or {}
        return p.get(key)

    def med(l, key, reader="proc"):
        v = pw(l, key, reader)
        return v["median"] if v else None

    def ratio(x, y, digits=2):
        return "%.*f×" % (digits, x / y) if x is not None and y else "-"

    def ss_tan(l):
        c = cmd(l, "ss -tan")
        return c["median"] if c else None

    out.append("## netlink vs /proc, side by side\n")
    out.append("Medians of the same run. Steady: a scan of a source whose caches are warm, owners included; cold: "
               "the first scan of a fresh JVM; allocation: bytes allocated by the scanning thread per steady scan; "
               "peak heap: the heap pools' peak over a JVM's scans. The targets of issue 22 are for the netlink "
               "reader against `ss -tan`, which reads the same tables over netlink without owners.\n")
    out.append("| sockets | reader | steady ms | steady CPU ms | cold ms | allocated per steady scan | peak heap | "
               "`ss -tan` ms | steady / `ss -tan` (target ≤ 1.0×) | cold / `ss -tan` (target ≤ 1.5×) | "
               "allocation / /proc's (target ≤ 1.0×) |")
    out.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for l in levels:
        for r in READERS:
            if not pw(l, "steady_ms", r):
                continue
            out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                f(pw(l, "sockets", r)), LABEL[r], f(med(l, "steady_ms", r), 1), f(med(l, "steady_cpu_ms", r), 1),
                f(pw(l, "cold_ms", r), 1), mib(med(l, "steady_alloc_bytes", r)), mib(pw(l, "peak_heap_bytes", r)),
                f(ss_tan(l), 1), ratio(med(l, "steady_ms", r), ss_tan(l)), ratio(pw(l, "cold_ms", r), ss_tan(l)),
                ratio(med(l, "steady_alloc_bytes", r), med(l, "steady_alloc_bytes", "proc"), 3)))
    out.append("")

    out.append("## Wall time, ms\n")
    out.append(head)
    out.append(rule)
    rows = [("`ss -tanp`", lambda l: cmd(l, "ss -tanp")), ("`ss -tan`", lambda l: cmd(l, "ss -tan")),
            ("`cat /proc/net/tcp{,6}`", lambda l: cmd(l, CAT)), ("`find /proc/*/fd` readlink walk", lambda l: cmd(l, FIND))]
    for label, fn in rows:
        out.append("| %s | %s |" % (label, " | ".join(
            "%s [%s-%s]" % (f(s["median"], 1), f(s["min"], 1), f(s["max"], 1)) if s else "-" for s in map(fn, levels))))
    out.append("| **floor** (cat + find) | %s |" % " | ".join("**%s**" % f(floor(l), 1) for l in levels))
    for r in READERS:
        out.append("| portwatch %s cold: first scan of the JVM | %s |" % (LABEL[r], " | ".join(
            f(pw(l, "cold_ms", r), 1) for l in levels)))
        out.append("| portwatch %s cold: new source, warm JVM | %s |" % (LABEL[r], " | ".join(
            f(pw(l, "cold_warm_jvm_ms", r), 1) for l in levels)))
        out.append("| **portwatch %s steady** | %s |" % (LABEL[r], " | ".join(
            "**%s** [%s-%s]" % (f(pw(l, "steady_ms", r)["median"], 1), f(pw(l, "steady_ms", r)["min"], 1),
                                f(pw(l, "steady_ms", r)["max"], 1))
            if pw(l, "steady_ms", r) else "-" for l in levels)))
    out.append("| OSHI `getConnections()` warm | %s |" % " | ".join(
        f((l.get("oshi") or {}).get("warm_ms", {}).get("median"), 1) for l in levels))
    out.append("| OSHI first call (`new SystemInfo()` included) | %s |" % " | ".join(
        f((l.get("oshi") or {}).get("cold_ms"), 1) for l in levels))

    out.append("\n## Ratios (wall, medians)\n")
    out.append(head)
    out.append(rule)

    for r in READERS:
        out.append("| %s steady / `ss -tan`%s | %s |" % (LABEL[r], " (issue 22: ≤ 1.0×)" if r == "netlink" else "",
                                                       " | ".join(ratio(med(l, "steady_ms", r), ss_tan(l)) for l in levels)))
        out.append("| %s cold (first scan of the JVM) / `ss -tan`%s | %s |" % (
            LABEL[r], " (issue 22: ≤ 1.5×)" if r == "netlink" else "",
            " | ".join(ratio(pw(l, "cold_ms", r), ss_tan(l)) for l in levels)))
    out.append("| netlink steady / /proc steady | %s |" % " | ".join(
        ratio(med(l, "steady_ms", "netlink"), med(l, "steady_ms")) for l in levels))
    for r in READERS:
        out.append("| %s steady / floor (issue 7: ≤ 1.0×) | %s |" % (LABEL[r], " | ".join(
            ratio(med(l, "steady_ms", r), floor(l)) for l in levels)))
        out.append("| %s cold (first scan of the JVM) / floor (issue 7: ≤ 1.5×) | %s |" % (LABEL[r], " | ".join(
            ratio(pw(l, "cold_ms", r), floor(l)) for l in levels)))
        out.append("| %s cold (warm JVM) / floor | %s |" % (LABEL[r], " | ".join(
            ratio(pw(l, "cold_warm_jvm_ms", r), floor(l)) for l in levels)))
    out.append("| `ss -tanp` / netlink steady | %s |" % " | ".join(
        ratio(cmd(l, "ss -tanp") and cmd(l, "ss -tanp")["median"], med(l, "steady_ms", "netlink")) for l in levels))

    out.append("\n## CPU time (user+sys), ms, median\n")
    out.append("Commands: the process's CPU from `runstat`; portwatch: the scanning thread's CPU time (`ThreadMXBean`).\n")
    out.append(head)
    out.append(rule)
    for label, name in (("`ss -tanp`", "ss -tanp"), ("`ss -tan`", "ss -tan"), ("`cat /proc/net/tcp{,6}`", CAT),
                        ("`find` readlink walk", FIND)):
        out.append("| %s | %s |" % (label, " | ".join(f(cmd(l, name, "cpu") and cmd(l, name, "cpu")["median"], 1) for l in levels)))
    out.append("| floor (cat + find) | %s |" % " | ".join(
        f(cmd(l, CAT, "cpu")["median"] + cmd(l, FIND, "cpu")["median"], 1) if cmd(l, CAT, "cpu") else "-" for l in levels))
    for r in READERS:
        out.append("| portwatch %s cold (first scan of the JVM) | %s |" % (LABEL[r], " | ".join(
            f(pw(l, "cold_cpu_ms", r), 1) for l in levels)))
        out.append("| portwatch %s steady | %s |" % (LABEL[r], " | ".join(f(med(l, "steady_cpu_ms", r), 1) for l in levels)))

    out.append("\n## Memory\n")
    out.append(head)
    out.append(rule)
    for r in READERS:
        out.append("| portwatch %s allocated per steady scan (median) | %s |" % (LABEL[r], " | ".join(
            mib(med(l, "steady_alloc_bytes", r)) for l in levels)))
    out.append("| netlink / /proc, allocation per steady scan (issue 22: ≤ 1.0×) | %s |" % " | ".join(
        ratio(med(l, "steady_alloc_bytes", "netlink"), med(l, "steady_alloc_bytes"), 3) for l in levels))
    for r in READERS:
        out.append("| portwatch %s allocated by the cold scan | %s |" % (LABEL[r], " | ".join(
            mib(pw(l, "cold_alloc_bytes", r)) for l in levels)))
    out.append("| OSHI allocated per call (median) | %s |" % " | ".join(
        mib((l.get("oshi") or {}).get("alloc_bytes", {}).get("median")) for l in levels))
    out.append("| OSHI / portwatch /proc steady, allocation (target ≥ 10×) | %s |" % " | ".join(
        ratio((l.get("oshi") or {}).get("alloc_bytes", {}).get("median"), med(l, "steady_alloc_bytes")) for l in levels))
    for r in READERS:
        out.append("| portwatch %s peak heap used (all scans, `-Xmx%s`) | %s |" % (LABEL[r], res["heap"], " | ".join(
            mib(pw(l, "peak_heap_bytes", r)) for l in levels)))
        out.append("| portwatch %s heap retained after GC (last snapshot + caches) | %s |" % (LABEL[r], " | ".join(
            mib(pw(l, "retained_heap_bytes", r)) for l in levels)))
        out.append("| portwatch %s JVM peak RSS | %s |" % (LABEL[r], " | ".join(
            mib(pw(l, "jvm", r)["maxrss_kib"] * 1024) if pw(l, "jvm", r) else
            (mib(l["portwatch_jvm"]["maxrss_kib"] * 1024) if r == "proc" and l.get("portwatch_jvm") else "-")
            for l in levels)))
    out.append("| OSHI JVM peak RSS (default heap) | %s |" % " | ".join(
        mib(l["oshi_jvm"]["maxrss_kib"] * 1024) if l.get("oshi_jvm") else "-" for l in levels))
    if not any(l.get("oshi") for l in levels):
        out.append("\nOSHI was not run; BASELINE.md measured on this machine: 8.8 / 77.8 / 387 / 770 MiB per call at "
                   "N=1k / 10k / 50k / 100k (oshi-core 7.5.0).")

    big = levels[-1]
    p = big.get("portwatch") or {}
    if p.get("eval_ms"):
        steady = p["steady_ms"]["median"]  # the /proc reader's, in whose JVM the evaluation ran
        out.append("\n## Evaluation against the largest snapshot (N=%s, %s sockets)\n" % (f(big["n"]), f(p["sockets"])))
        out.append("`Evaluator.evaluate` (io.portwatch.health) of generated rows in the scanning JVM: median (and CPU "
                   "time of the thread) of %s runs after %s warm-up runs, as an agent that evaluates after every scan "
                   "reaches it; the first run and the median of the first ten show the cost before the JIT has "
                   "compiled it.\n" % (p.get("eval_runs", "?"), p.get("eval_warmup", "?")))
        out.append("| rows | median ms | CPU ms | first run ms | first ten, median ms | allocated | share of the steady "
                   "scan (target < 5 %) |")
        out.append("|---|---:|---:|---:|---:|---:|---:|")

        def eval_row(label, e):
            return "| %s | %s | %s | %s | %s | %s | %.1f %% |" % (
                label, f(e["eval_ms"]["median"], 1), f((e.get("eval_cpu_ms") or {}).get("median"), 1),
                f(e.get("eval_first_ms"), 1), f(e.get("eval_first10_median_ms"), 1), mib(e["eval_alloc_bytes"]),
                100 * e["eval_ms"]["median"] / steady)
        out.append(eval_row("%s: each its own target (4 listening and 8 connection rows on the loaded ports, the rest "
                            "elsewhere)" % f(p["eval_rows"]), p))
        hot = big.get("portwatch_hot_eval") or {}
        if hot.get("eval_ms"):
            out.append(eval_row("%s, all on the loaded ports (each connection row looks at ~N/4 sockets)"
                                % f(hot["eval_rows"]), hot))
        if p.get("retained_with_eval_bytes"):
            out.append("\nHeap retained after GC while the last snapshot, the source's caches and the evaluation of the "
                       "%s rows are alive (what an agent holds between scans): %s." % (f(p["eval_rows"]),
                                                                                   mib(p["retained_with_eval_bytes"])))

    q = big.get("portwatch_quality") or {}
    if q.get("quality_none_ms"):
        none = q["quality_none_ms"]["median"]
        out.append("\n## Connection quality at the largest N (%s sockets, netlink)\n" % f(big["n"] * 2))
        out.append("Steady scans of one source in rotating order (issue 23: measuring the connections of %s rows adds "
                   "at most 10 %%): measuring none; %s rows on idle remote ports (the kernel runs the rows' filter on "
                   "every socket and sends none); %s idle rows and the loaded server port %s, whose every connection "
                   "sends its `tcp_info`.\n" % (q["quality_rows"], q["quality_rows"], q["quality_rows"] - 1,
                                                q["quality_loaded_port"]))
        out.append("| measured | sockets with figures | median ms | CPU ms | allocated | added to the scan |")
        out.append("|---|---:|---:|---:|---:|---:|")
        for key, label in (("none", "none"), ("idle", "%s idle rows" % q["quality_rows"]),
                           ("loaded", "%s idle rows + the loaded port" % (q["quality_rows"] - 1))):
            med_ms = q["quality_%s_ms" % key]["median"]
            out.append("| %s | %s | %s | %s | %s | %+.1f %% |" % (
                label, f(q["quality_%s_measured" % key]), f(med_ms, 1), f(q["quality_%s_cpu_ms" % key]["median"], 1),
                mib(q["quality_%s_alloc_bytes" % key]["median"]), 100 * (med_ms - none) / none))

    out.append("\n## Runs\n")
    for l in levels:
        out.append("- N=%s: `%s`; sockstat %s; loadavg before/after %s / %s; sockets seen by portwatch %s, with owner %s"
                   % (f(l["n"]), l["ready"], l["sockstat"], " ".join(l["load_before"]), " ".join(l["load_after"]),
                      " / ".join("%s %s" % (LABEL[r], f(pw(l, "sockets", r))) for r in READERS),
                      " / ".join("%s %s" % (LABEL[r], f(pw(l, "owned", r))) for r in READERS)))
        for name in ("ss -tanp", "ss -tan", CAT, FIND):
            c = l["commands"][name]
            out.append("  - `%s`: warm-up output %s; runs %s ms" % (c["cmd"], c["lines"], c["wall_ms"]))
        for r in READERS:
            if pw(l, "steady_ms", r):
                out.append("  - portwatch %s: cold scans %s ms; steady scans, ms: %s" % (
                    LABEL[r], pw(l, "cold_ms_all", r), pw(l, "steady_ms", r)["all"]))
        if l.get("oshi"):
            out.append("  - OSHI: %s" % json.dumps(l["oshi"]))
    return "\n".join(out) + "\n"


def main():
    ns = [int(x) for x in a.n.split(",")]
    res = {"machine": machine(), "runs": a.runs, "steady": a.steady, "heap": a.heap, "gen_args": a.gen_args,
           "oshi_cmd": a.oshi_cmd, "levels": []}
    log("machine", json.dumps(res["machine"]))
    os.makedirs(a.out, exist_ok=True)
    for i, n in enumerate(ns):
        res["levels"].append(level(n, i == len(ns) - 1))
        with open(os.path.join(a.out, "latest.json"), "w") as fh:
            json.dump(res, fh, indent=1)
    md = markdown(res)
    with open(os.path.join(a.out, "latest.md"), "w") as fh:
        fh.write(md)
    if a.doc and os.path.exists(a.doc):
        update_doc(a.doc, md)
    print(md)


def update_doc(path, md):
    """Puts the tables (not the title) between the <!-- bench:latest:begin/end --> markers of path."""
    begin, end = "<!-- bench:latest:begin -->", "<!-- bench:latest:end -->"
    with open(path) as fh:
        text = fh.read()
    if begin not in text or end not in text:
        log("no %s ... %s in %s; left as it is" % (begin, end, path))
        return
    body = md.split("\n", 1)[1].replace("\n## ", "\n### ")
    text = text[:text.index(begin) + len(begin)] + "\n" + body.strip() + "\n" + text[text.index(end):]
    with open(path, "w") as fh:
        fh.write(text)
    log("updated", path)


if __name__ == "__main__":
    main()
