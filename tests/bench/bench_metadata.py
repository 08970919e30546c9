#!/usr/bin/env python3
"""Metadata at scale: `kcon topics -o json` and `kcon cluster` against `kcat -L -J`, wall time and
peak RSS side by side, on a mock cluster of 100,000 partitions (10 topics x 10,000) and on the
real broker with 1,000 topics x 10 partitions. Prints figures; asserts nothing about speed.
KCON_BENCH_BEFORE names a second kcon binary (e.g. one built before a change), timed beside this one
against the same clusters; KCON_BENCH_RUNS the number of runs (3), of which the best is shown.
Each binary has a state dir of its own, made here: sharing one, an older kcon would find a store of a
newer schema, refuse it and record nothing, and so be timed without history. `--no-history` is shown
as the floor history is measured from."""

import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from benchlib import best_worst_of, row  # noqa: E402

build = sys.argv[1]
kcon = os.path.join(build, "kcon")
mock = os.path.join(build, "kcon-mockcluster")
before = os.environ.get("KCON_BENCH_BEFORE")
runs = int(os.environ.get("KCON_BENCH_RUNS", "3"))


states = {who: tempfile.mkdtemp(prefix=f"kcon-bench-meta-{who}-") for who in ("kcon", "before")}
envs = {who: dict(os.environ, KCON_STATE_DIR=d) for who, d in states.items()}


def compare(bootstrap, label):
    print(f"{label} ({bootstrap}); load {' '.join(open('/proc/loadavg').read().split()[:3])}")
    json_cmd = ["--timeout", "60", "topics", "-o", "json"]
    kcat_json = best_worst_of(runs, ["kcat", "-L", "-J", "-b", bootstrap, "-m", "60"])
    row("topics -o json  vs  kcat -L -J", best_worst_of(runs, [kcon, "-b", bootstrap] + json_cmd, env=envs["kcon"]),
        kcat_json, "kcat")
    if before:
        row("  before: topics -o json", best_worst_of(runs, [before, "-b", bootstrap] + json_cmd, env=envs["before"]),
            kcat_json, "kcat")
    row("  topics --no-history (floor)", best_worst_of(runs, [kcon, "--no-history", "-b", bootstrap] + json_cmd),
        kcat_json, "kcat")
    kcat_l = best_worst_of(runs, ["kcat", "-L", "-b", bootstrap, "-m", "60"])
    row("cluster         vs  kcat -L", best_worst_of(runs, [kcon, "-b", bootstrap, "--timeout", "60", "cluster"],
                                                     env=envs["kcon"]), kcat_l, "kcat")
    if before:
        row("  before: cluster", best_worst_of(runs, [before, "-b", bootstrap, "--timeout", "60", "cluster"],
                                               env=envs["before"]), kcat_l, "kcat")


try:
    p = subprocess.Popen([mock, "-b", "3", "-t", "10", "-p", "10000"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         text=True)
    try:
        bootstrap = p.stdout.readline().strip()
        compare(bootstrap, "mock cluster, 10 topics x 10,000 partitions")
    finally:
        p.stdin.close()
        p.wait(timeout=60)

    broker = os.environ.get("KCON_TEST_BOOTSTRAP")
    if broker:
        have = subprocess.run([kcon, "--no-history", "-b", broker, "-o", "json", "topics", "bench-meta-*"],
                              capture_output=True, text=True)
        count = have.stdout.count('"name"')
        if count < 1000:
            print(f"creating {1000 - count} topics of 10 partitions on the real broker ...", flush=True)
            script = "".join(f"topic create bench-meta-{i:04d} -p 10 -r 1\n" for i in range(1000))
            subprocess.run([kcon, "-b", broker, "--timeout", "60"], input=script, text=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        compare(broker, "real broker, 1,000 topics x 10 partitions")
finally:
    for d in states.values():
        shutil.rmtree(d, ignore_errors=True)
