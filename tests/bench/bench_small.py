#!/usr/bin/env python3
"""Small commands on a small cluster (issue #18): `kcon topics -o json` against `kcat -L -J` on the
real broker with 20 topics x 3 partitions, whole-process wall time in interleaved repeated runs
(kcon with its history store, kcon --no-history as the floor without it, kcat; KCON_BENCH_BEFORE
beside them). kcon records the metadata snapshot after its output is flushed, and skips the write
when an identical snapshot is fresh: the history figure should sit on the floor. Prints the median
and the best of KCON_BENCH_SMALL_RUNS (30) runs; asserts nothing about speed."""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from benchlib import measure  # noqa: E402

build = sys.argv[1]
kcon = os.path.join(build, "kcon")
before = os.environ.get("KCON_BENCH_BEFORE")
broker = os.environ["KCON_TEST_BOOTSTRAP"]
runs = int(os.environ.get("KCON_BENCH_SMALL_RUNS", "30"))
TOPICS, PARTS = 20, 3

have = subprocess.run([kcon, "--no-history", "-b", broker, "-o", "json", "topics"], capture_output=True, text=True,
                      check=True)
for i in range(TOPICS):
    name = f"bench-small-{i:02d}"
    if f'"{name}"' not in have.stdout:
        subprocess.run([kcon, "--no-history", "-b", broker, "topic", "create", name, "-p", str(PARTS), "-r", "1"],
                       check=True, capture_output=True)

state = tempfile.mkdtemp(prefix="kcon-bench-small-")
env = dict(os.environ, KCON_STATE_DIR=state)
cmds = [("kcon topics -o json", [kcon, "-b", broker, "-o", "json", "topics"]),
        ("kcon --no-history (floor)", [kcon, "--no-history", "-b", broker, "-o", "json", "topics"])]
if before:
    cmds.append(("before: topics -o json", [before, "-b", broker, "-o", "json", "topics"]))
cmds.append(("kcat -L -J", ["kcat", "-b", broker, "-L", "-J"]))
try:
    for _, cmd in cmds:  # warm-up: the store made, the broker's metadata cached
        for _ in range(3):
            measure(cmd, env=env)
    times = {label: [] for label, _ in cmds}
    for _ in range(runs):  # interleaved, so load changes hit every command alike
        for label, cmd in cmds:
            times[label].append(measure(cmd, env=env)[0])
finally:
    shutil.rmtree(state, ignore_errors=True)

print(f"small cluster: {TOPICS} topics x {PARTS} partitions ({broker}), {runs} interleaved runs; "
      f"load {' '.join(open('/proc/loadavg').read().split()[:3])}")
kcat_med = statistics.median(times["kcat -L -J"])
for label, _ in cmds:
    t = times[label]
    med = statistics.median(t)
    print(f"  {label:<28} median {med*1000:6.1f} ms   best {min(t)*1000:6.1f} ms   ({med / kcat_med:4.2f}x kcat's median)")
