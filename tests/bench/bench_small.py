#!/usr/bin/env python3
"""Small commands on a small cluster (issue #18): kcon's `topics -o json`, `topic describe` and
`group lag` against kcat's nearest equivalent on the real broker with 20 topics x 3 partitions,
whole-process wall time in interleaved repeated runs (every command of a round back to back, so load
changes hit them alike). The goal: kcon's median at most kcat's.
- `topics -o json` against `kcat -L -J` (the cluster's metadata);
- `topic describe T` against `kcat -Q -t T:P:-1` for each partition (metadata and ListOffsets: kcat
  has no describe; its end offsets are what describe's watermarks ask);
- `group lag G` against the same (kcat has no lag; ListOffsets is the part they share; lag also asks
  the group's coordinator, its description and its committed offsets: on Kafka 4 librdkafka asks a
  classic group ConsumerGroupDescribe, then DescribeGroups, one after the other).
kcon's first request rides the bootstrap connection (patches/librdkafka); `topic describe` asks its
watermarks, configs and permissions at once after the metadata; `group lag` looks the coordinator
up beside the metadata. kcat's librdkafka 2.0.2 reuses the bootstrap connection for the broker it
learns on it, so its `-Q` needs one connection where kcon's librdkafka 2.14 needs two (the leader
by id).
kcon runs with its history store (a fresh state dir: the metadata snapshot is written after the
output, and skipped when an identical one is fresh); `topics --no-history` is the floor without it.
KCON_BENCH_BEFORE: a second kcon timed beside (its `topics`). Prints the median and the best of
KCON_BENCH_SMALL_RUNS (30) runs; asserts nothing about speed."""

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
TOPIC, GROUP = "bench-small-00", "bench-small-group"

have = subprocess.run([kcon, "--no-history", "-b", broker, "-o", "json", "topics"], capture_output=True, text=True,
                      check=True)
for i in range(TOPICS):
    name = f"bench-small-{i:02d}"
    if f'"{name}"' not in have.stdout:
        subprocess.run([kcon, "--no-history", "-b", broker, "topic", "create", name, "-p", str(PARTS), "-r", "1"],
                       check=True, capture_output=True)
lag = subprocess.run([kcon, "--no-history", "-b", broker, "-o", "json", "group", "lag", GROUP], capture_output=True,
                     text=True)
if lag.returncode != 0:  # a group with committed offsets: 30 messages, read and committed
    subprocess.run(["bash", "-c", f"seq 30 | kcat -P -b {broker} -t {TOPIC}"], check=True)
    subprocess.run([kcon, "--no-history", "-b", broker, "-o", "raw", "tail", TOPIC, "--from", "beginning",
                    "--to-end", "--group", GROUP], check=True, capture_output=True)

state = tempfile.mkdtemp(prefix="kcon-bench-small-")
env = dict(os.environ, KCON_STATE_DIR=state)
ends = [arg for p in range(PARTS) for arg in ("-t", f"{TOPIC}:{p}:-1")]
kcat_q = ["kcat", "-b", broker, "-Q"] + ends
# (label, command, the label of its goal or None)
cmds = [("kcat -L -J", ["kcat", "-b", broker, "-L", "-J"], None),
        ("kcat -Q (end offsets)", kcat_q, None),
        ("kcon topics -o json", [kcon, "-b", broker, "-o", "json", "topics"], "kcat -L -J"),
        ("kcon topics --no-history", [kcon, "--no-history", "-b", broker, "-o", "json", "topics"], "kcat -L -J"),
        # Sparse connections off: librdkafka connects to each broker as soon as it learns it. Before
        # kcon's librdkafka patch (patches/librdkafka, docs/building.md) this was the way around the
        # 11 ms sparse-connection wait that followed the loss of the bootstrap connection; now the
        # first request is answered on the bootstrap connection and this row shows what the
        # setting adds on top of that.
        ("kcon topics, not sparse", [kcon, "-X", "enable.sparse.connections=false", "-b", broker, "-o", "json",
                                     "topics"], "kcat -L -J"),
        ("kcon topic describe", [kcon, "-b", broker, "-o", "json", "topic", "describe", TOPIC],
         "kcat -Q (end offsets)"),
        ("kcon group lag", [kcon, "-b", broker, "-o", "json", "group", "lag", GROUP], "kcat -Q (end offsets)")]
if before:
    cmds += [("before: topics -o json", [before, "-b", broker, "-o", "json", "topics"], "kcat -L -J"),
             ("before: topic describe", [before, "-b", broker, "-o", "json", "topic", "describe", TOPIC],
              "kcat -Q (end offsets)"),
             ("before: group lag", [before, "-b", broker, "-o", "json", "group", "lag", GROUP],
              "kcat -Q (end offsets)")]
try:
    for _, cmd, _ in cmds:  # warm-up: the store made, the broker's metadata cached
        for _ in range(3):
            measure(cmd, env=env)
    times = {label: [] for label, _, _ in cmds}
    for _ in range(runs):  # interleaved, so load changes hit every command alike
        for label, cmd, _ in cmds:
            times[label].append(measure(cmd, env=env)[0])
finally:
    shutil.rmtree(state, ignore_errors=True)

print(f"small cluster: {TOPICS} topics x {PARTS} partitions ({broker}), {runs} interleaved runs; "
      f"load {' '.join(open('/proc/loadavg').read().split()[:3])}")
for label, _, goal in cmds:
    t = times[label]
    med = statistics.median(t)
    line = f"  {label:<26} median {med*1000:6.1f} ms   best {min(t)*1000:6.1f} ms"
    if goal:
        gmed = statistics.median(times[goal])
        line += (f"   goal <= {goal}'s median {gmed*1000:6.1f} ms: {med / gmed:4.2f}x, "
                 f"{'met' if med <= gmed else 'MISSED'}")
    print(line)
