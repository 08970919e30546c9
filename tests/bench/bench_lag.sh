#!/usr/bin/env bash
# Benchmark: consumer lag of many groups, kcon against Kafka's own kafka-consumer-groups.sh.
#
# On the real test broker: one topic of 50 partitions with a different number of messages per
# partition, 200 groups each with committed offsets (set with `kcon group reset --execute`, a
# different offset per group). Then it times `kcon lag -o json` and
# `kafka-consumer-groups.sh --describe --all-groups` (ConsumerGroupCommand from the broker's jars)
# on the same cluster, prints both wall times, and checks that kcon's committed offset, log-end
# offset and lag equal the Kafka tool's for every partition of every benchmark group, and that
# kcon's per-group totals are the sums. Exits 1 when a number differs (speed is reported, not asserted).
#
# Usage: tests/bench/bench_lag.sh [BUILD_DIR]
# Environment: KCON_BIN (default BUILD_DIR/kcon), KCON_TEST_BROKER_DIR (the kafka-ctl workdir of a
# running broker), KCON_KAFKA_CTL (default tests/kafka/kafka-ctl), BENCH_GROUPS (200),
# BENCH_PARTITIONS (50).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
KCON_BIN=${KCON_BIN:-${1:-$src/build}/kcon}
KCON_KAFKA_CTL=${KCON_KAFKA_CTL:-$src/tests/kafka/kafka-ctl}
: "${KCON_TEST_BROKER_DIR:?set KCON_TEST_BROKER_DIR to the workdir of a running test broker}"
groups=${BENCH_GROUPS:-200}
partitions=${BENCH_PARTITIONS:-50}
bootstrap=$(sed -n 's/^KCON_TEST_BOOTSTRAP=//p' "$KCON_TEST_BROKER_DIR/env")
[[ -n $bootstrap ]] || { echo "bench_lag: no KCON_TEST_BOOTSTRAP in $KCON_TEST_BROKER_DIR/env" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run=$(date +%s)-$$
topic=bench-lag-$run
prefix=bench-lag-$run-g
kcon() { "$KCON_BIN" -b "$bootstrap" "$@"; }
now() { date +%s.%N; }

echo "bench_lag: setting up $groups groups x 1 topic of $partitions partitions on $bootstrap"
kcon topic create "$topic" --partitions "$partitions" --replication-factor 1 >/dev/null
for ((p = 0; p < partitions; p++)); do
	seq 1 $((100 + 7 * p)) | kcat -P -b "$bootstrap" -t "$topic" -p "$p"
done
# One kcon process commits every group's offsets: group i at offset (i*13) % 150, clamped per partition.
for ((i = 0; i < groups; i++)); do
	echo "group reset $prefix$i --topic $topic --to-offset $(((i * 13) % 150)) --execute"
done >"$tmp/setup.kcon"
kcon -o json -f "$tmp/setup.kcon" >/dev/null

echo "bench_lag: timing"
t0=$(now)
kcon -o json lag >"$tmp/kcon-lag.json"
t1=$(now)
"$KCON_KAFKA_CTL" tool --workdir "$KCON_TEST_BROKER_DIR" org.apache.kafka.tools.consumer.group.ConsumerGroupCommand \
	--bootstrap-server "$bootstrap" --describe --all-groups >"$tmp/kafka.txt" 2>"$tmp/kafka.err"
t2=$(now)

# Per-partition numbers from kcon too (not timed): one process, one `group lag` per group.
for ((i = 0; i < groups; i++)); do echo "group lag $prefix$i"; done >"$tmp/detail.kcon"
kcon -o json -f "$tmp/detail.kcon" >"$tmp/kcon-detail.json"

python3 - "$tmp" "$prefix" "$groups" "$partitions" "$t0" "$t1" "$t2" <<'EOF'
import json, sys
tmp, prefix, ngroups, nparts = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
t0, t1, t2 = map(float, sys.argv[5:8])
kcon_s, kafka_s = t1 - t0, t2 - t1
kafka = {}  # (group, topic, partition) -> (committed, end, lag)
for line in open(f"{tmp}/kafka.txt"):
    f = line.split()
    if len(f) >= 6 and f[0].startswith(prefix) and f[2].isdigit():
        kafka[(f[0], f[1], int(f[2]))] = tuple(None if x == "-" else int(x) for x in f[3:6])
overview = {g["group"]: g for g in json.load(open(f"{tmp}/kcon-lag.json"))["groups"]}
mine = {}
for line in open(f"{tmp}/kcon-detail.json"):
    d = json.loads(line)
    for p in d["partitions"]:
        mine[(d["group"], p["topic"], p["partition"])] = (p["committed"], p["end"], p["lag"])
    if overview.get(d["group"], {}).get("total_lag") != d["total_lag"]:
        print(f"bench_lag: MISMATCH total of {d['group']}: lag says {overview.get(d['group'])}, group lag {d['total_lag']}")
        sys.exit(1)
bad = [(k, kafka.get(k), mine.get(k)) for k in sorted(set(kafka) | set(mine)) if kafka.get(k) != mine.get(k)]
print(f"bench_lag: {ngroups} groups x {nparts} partitions ({len(kafka)} partition rows compared)")
print(f"bench_lag:   kcon lag -o json                         {kcon_s:8.3f} s")
print(f"bench_lag:   kafka-consumer-groups --describe --all-groups {kafka_s:8.3f} s")
print(f"bench_lag:   kcon is {kafka_s / kcon_s:.1f}x faster (target: 10x)")
if len(kafka) != ngroups * nparts:
    print(f"bench_lag: FAIL: the Kafka tool showed {len(kafka)} rows, expected {ngroups * nparts}")
    sys.exit(1)
if bad:
    print(f"bench_lag: FAIL: {len(bad)} partitions differ, e.g. {bad[:3]} (key, kafka, kcon)")
    sys.exit(1)
print("bench_lag: numbers agree for every partition")
if kafka_s / kcon_s < 10:  # a figure to read, not a test: timings move with the machine's load
    print("bench_lag: below the 10x target on this run")
EOF
status=$?
# Clean up what the benchmark made (best effort).
for ((i = 0; i < groups; i++)); do echo "group delete $prefix$i --yes"; done >"$tmp/cleanup.kcon"
kcon -f "$tmp/cleanup.kcon" >/dev/null 2>&1 || true
kcon topic delete "$topic" --yes >/dev/null 2>&1 || true
exit $status
