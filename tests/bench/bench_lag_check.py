#!/usr/bin/env python3
"""bench_lag.sh's second half: prints the timings of one set and checks every tool's numbers against
Kafka's ConsumerGroupCommand. Exits 1 when a number differs.

Usage: bench_lag_check.py TMP PREFIX GROUPS PARTITIONS KAFKACTL_SAMPLE KCON BEFORE KAFKACTL
(TMP holds times, kafka.out, kcon.out, before.out, kcon-detail.json, kafkactl.out; BEFORE and
KAFKACTL may be empty.)"""

import json
import sys

tmp, prefix = sys.argv[1], sys.argv[2]
ngroups, nparts, sample = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
kcon_bin, before_bin, kafkactl_bin = sys.argv[6], sys.argv[7], sys.argv[8]

runs, load = {}, ""  # name -> [(wall s, cpu s)]
for line in open(f"{tmp}/runs"):
    f = line.split()
    if f[0] == "load":
        load = " ".join(f[1:])
    else:
        runs.setdefault(f[0], []).append((float(f[2]), float(f[3]) + float(f[4])))


def fail(msg):
    print(f"bench_lag: FAIL: {msg}")
    sys.exit(1)


def show(label, name, scale=1.0, note=""):
    """Best wall time (the ratio to kcon's), median and worst wall, best CPU seconds (user + sys)."""
    walls = sorted(w * scale for w, _ in runs[name])
    cpu = min(c for _, c in runs[name]) * scale
    base = "kcon1" if name.endswith("1") else "kcon"  # one group's lag against kcon's
    ratio = f"{walls[0] / min(w for w, _ in runs[base]):5.1f}x" if name != base else "     "
    spread = f"median {walls[len(walls) // 2]:7.3f} worst {walls[-1]:7.3f}" if len(walls) > 1 else " " * 27
    print(f"bench_lag:   {label:<46} {walls[0]:8.3f} s {ratio}  {spread}  cpu {cpu:7.3f} s{note}")


# Kafka's rows: (group, topic, partition) -> (committed, end, lag)
kafka = {}
for line in open(f"{tmp}/kafka.out"):
    f = line.split()
    if len(f) >= 6 and f[0].startswith(prefix) and f[2].isdigit():
        kafka[(f[0], f[1], int(f[2]))] = tuple(None if x == "-" else int(x) for x in f[3:6])
overview = {g["group"]: g for g in json.load(open(f"{tmp}/kcon.out"))["groups"]}
mine = {}
for line in open(f"{tmp}/kcon-detail.json"):
    d = json.loads(line)
    for p in d["partitions"]:
        mine[(d["group"], p["topic"], p["partition"])] = (p["committed"], p["end"], p["lag"])
    if overview.get(d["group"], {}).get("total_lag") != d["total_lag"]:
        fail(f"total of {d['group']}: lag says {overview.get(d['group'])}, group lag {d['total_lag']}")

print(f"bench_lag: {ngroups} groups x {nparts} partitions ({len(kafka)} partition rows compared); load {load}")
print(f"bench_lag:   {'(wall: best of ' + str(len(runs['kcon'])) + ' runs)':<46} {'best':>10} {'/kcon':>6}"
      f"  {'median / worst of the runs':<27}  cpu: user+sys")
show("kcon lag -o json", "kcon")
if before_bin:
    show("kcon lag -o json, before", "before")
show("kafka-consumer-groups --describe --all-groups", "kafka")
if kafkactl_bin:
    if sample == ngroups:
        show(f"kafkactl describe consumer-group x {ngroups}", "kafkactl")
    else:
        show(f"kafkactl describe consumer-group x {ngroups}", "kafkactl", ngroups / sample,
             f"  (extrapolated from {sample} groups)")
else:
    print("bench_lag:   kafkactl: not installed, skipped (put it on PATH or set KCON_BENCH_KAFKACTL)")
print("bench_lag: one group's lag")
show("kcon group lag -o json", "kcon1")
if kafkactl_bin:
    show("kafkactl describe consumer-group -o json", "kafkactl1")
if before_bin:
    print(f"bench_lag:   before: {before_bin}")

if len(kafka) != ngroups * nparts:
    fail(f"the Kafka tool showed {len(kafka)} rows, expected {ngroups * nparts}")
bad = [(k, kafka.get(k), mine.get(k)) for k in sorted(set(kafka) | set(mine)) if kafka.get(k) != mine.get(k)]
if bad:
    fail(f"{len(bad)} partitions differ, e.g. {bad[:3]} (key, kafka, kcon)")
print("bench_lag: kcon's numbers equal the Kafka tool's for every partition; e.g. "
      + ", ".join(f"{g} p{p}: committed {v[0]} end {v[1]} lag {v[2]}"
                  for (g, _, p), v in sorted(kafka.items())[:2]))

if before_bin:
    theirs = {g["group"]: g.get("total_lag") for g in json.load(open(f"{tmp}/before.out"))["groups"]}
    diff = [g for g in overview if g.startswith(prefix) and theirs.get(g) != overview[g]["total_lag"]]
    if diff:
        fail(f"the before binary's totals differ for {len(diff)} groups, e.g. {diff[0]}: "
             f"{theirs.get(diff[0])} vs {overview[diff[0]]['total_lag']}")
    print(f"bench_lag: the before binary's totals equal this one's for all {ngroups} groups")

if kafkactl_bin:
    # kafkactl's JSON, one line per group in order: {"Topics": [{"Name", "Partitions": [{"Partition",
    # "newestOffset", "oldestOffset", "consumerOffset", "Lead", "Lag"}]}], ...}
    checked = 0
    for i, line in enumerate(open(f"{tmp}/kafkactl.out")):
        for t in json.loads(line).get("Topics") or []:
            for p in t.get("Partitions") or []:
                key = (f"{prefix}{i}", t["Name"], p["Partition"])
                got = (p["consumerOffset"], p["newestOffset"], p["Lag"])
                if kafka.get(key) != got:
                    fail(f"kafkactl differs at {key}: kafka {kafka.get(key)}, kafkactl {got}")
                checked += 1
    if checked != sample * nparts:
        fail(f"kafkactl showed {checked} partition rows for {sample} groups, expected {sample * nparts}")
    print(f"bench_lag: kafkactl's numbers equal the Kafka tool's for {sample} groups ({checked} rows)")
