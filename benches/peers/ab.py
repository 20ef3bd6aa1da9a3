"""A/B CPU cost of `detsim eval` binaries on one rule and data folder, alternating runs, with Polars
on the same file in the same period.

For each repeat, every binary runs once (in the given order), then the Polars child of peers.py.
CPU seconds are user + sys of the child process (resource.getrusage of children), so they do not
depend on how loaded the machine is as much as wall times; each detsim output is compared with the
first binary's (stdout byte for byte, stderr without the timing line). Polars is quoted two ways:
its query time alone (`collect()`, wall; with POLARS_MAX_THREADS=1 close to its CPU time) and the
CPU seconds of the whole child (Python start-up and `import polars` included).

Usage: ab.py --bin old=PATH --bin new=PATH --rule rules/R.toml --data DIR --stream NAME
             [--threads 1] [--repeat 5] [--no-polars]
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def cpu_of(cmd, env=None):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if p.returncode != 0:
        sys.exit(f"{cmd[0]} failed: {p.stderr[-2000:]}")
    return cpu, wall, p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", action="append", required=True, help="NAME=PATH, in run order")
    ap.add_argument("--rule", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--stream", default="logs-endpoint.events.process-default")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-polars", action="store_true")
    args = ap.parse_args()
    bins = [b.split("=", 1) for b in args.bin]
    rule_name = os.path.splitext(os.path.basename(args.rule))[0]
    parquet = os.path.join(args.data, f"{args.stream}.parquet")
    cpu = {name: [] for name, _ in bins}
    wall = {name: [] for name, _ in bins}
    pl_query, pl_cpu = [], []
    first = None
    print(f"load before: {open('/proc/loadavg').read().strip()}")
    for _ in range(args.repeat):
        for name, path in bins:
            c, w, p = cpu_of([path, "eval", "--rule", args.rule, "--data", args.data,
                              "--format", "json", "--threads", str(args.threads)])
            out = (p.stdout, "\n".join(l for l in p.stderr.splitlines()
                                       if not l.startswith("timing:")))
            if first is None:
                first = out
            elif out != first:
                sys.exit(f"{name}: output differs from {bins[0][0]}'s")
            cpu[name].append(c)
            wall[name].append(w)
        if not args.no_polars:
            env = dict(os.environ, POLARS_MAX_THREADS=str(args.threads))
            c, _, p = cpu_of([sys.executable, os.path.join(HERE, "peers.py"), "polars-child",
                              rule_name, "parquet", parquet], env=env)
            import json
            pl_query.append(json.loads(p.stdout)["elapsed"])
            pl_cpu.append(c)
    print(f"load after: {open('/proc/loadavg').read().strip()}")
    print(f"{args.repeat} alternating runs, {args.threads} thread(s); outputs identical")
    print("| run | CPU s (user+sys) median | min–max | wall s median |")
    print("|---|---|---|---|")
    for name, _ in bins:
        print(f"| detsim {name} | {statistics.median(cpu[name]):.3f} | "
              f"{min(cpu[name]):.3f}–{max(cpu[name]):.3f} | {statistics.median(wall[name]):.3f} |")
    if pl_query:
        print(f"| polars query (collect, wall) | {statistics.median(pl_query):.3f} | "
              f"{min(pl_query):.3f}–{max(pl_query):.3f} | - |")
        print(f"| polars child process (CPU, incl. import) | {statistics.median(pl_cpu):.3f} | "
              f"{min(pl_cpu):.3f}–{max(pl_cpu):.3f} | - |")
        for name, _ in bins:
            print(f"polars query / detsim {name} CPU: "
                  f"{statistics.median(pl_query) / statistics.median(cpu[name]):.2f}x; "
                  f"polars query wall / detsim {name} wall: "
                  f"{statistics.median(pl_query) / statistics.median(wall[name]):.2f}x")


if __name__ == "__main__":
    main()
