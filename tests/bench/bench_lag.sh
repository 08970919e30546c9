#!/usr/bin/env bash
# Benchmark: consumer lag of many groups, kcon against Kafka's own kafka-consumer-groups.sh, kafkactl
# and (optionally) an older kcon binary.
#
# On the real test broker, per set: one topic of P partitions with a different number of messages
# per partition, G groups each with committed offsets (set by one kcon process running
# `group reset --to-offset N --execute` for every group, a different offset per group; no JVM per
# group). Then it times, best of KCON_BENCH_RUNS:
#   - `kcon lag -o json` (every group on the cluster, with totals);
#   - the same with KCON_BENCH_BEFORE, a second kcon binary (e.g. one built before a change);
#   - `kafka-consumer-groups.sh --describe --all-groups` (ConsumerGroupCommand from the broker's jars);
#   - kafkactl, which has no all-groups lag: one `kafkactl describe consumer-group G -o json` per
#     group (on the large set a sample of groups, scaled up, and labelled so);
# plus one group's lag, kcon against kafkactl. It checks that kcon's committed offset, log-end offset
# and lag equal the Kafka tool's for every partition of every benchmark group, that kcon's per-group
# totals are the sums, that the other kcon's totals equal this one's, and kafkactl's rows for a
# sample of groups. Exits 1 when a number differs (speed is reported, not asserted).
#
# Sets: 200 groups x 50 partitions always; 2,000 groups x 100 partitions when KCON_BENCH_BIG=1 (its
# set-up commits 200,000 offsets: minutes on a 2-core machine; it says so when skipped).
#
# Usage: tests/bench/bench_lag.sh [BUILD_DIR]
# Environment: KCON_BIN (default BUILD_DIR/kcon), KCON_TEST_BROKER_DIR (the kafka-ctl workdir of a
# running broker), KCON_KAFKA_CTL (default tests/kafka/kafka-ctl), BENCH_GROUPS (200),
# BENCH_PARTITIONS (50), KCON_BENCH_BIG (0), KCON_BENCH_RUNS (3), KCON_BENCH_BEFORE (unset),
# KCON_BENCH_KAFKACTL (default: kafkactl on PATH; skipped when there is none),
# KCON_BENCH_KAFKACTL_SAMPLE (groups kafkactl describes on the large set: 100).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
KCON_BIN=${KCON_BIN:-${1:-$src/build}/kcon}
KCON_KAFKA_CTL=${KCON_KAFKA_CTL:-$src/tests/kafka/kafka-ctl}
: "${KCON_TEST_BROKER_DIR:?set KCON_TEST_BROKER_DIR to the workdir of a running test broker}"
runs=${KCON_BENCH_RUNS:-3}
before=${KCON_BENCH_BEFORE:-}
kafkactl=${KCON_BENCH_KAFKACTL:-$(command -v kafkactl || true)}
bootstrap=$(sed -n 's/^KCON_TEST_BOOTSTRAP=//p' "$KCON_TEST_BROKER_DIR/env")
[[ -n $bootstrap ]] || { echo "bench_lag: no KCON_TEST_BOOTSTRAP in $KCON_TEST_BROKER_DIR/env" >&2; exit 2; }
[[ $bootstrap == 127.0.0.1:* || $bootstrap == localhost:* || $bootstrap == "[::1]:"* ]] ||
	{ echo "bench_lag: $bootstrap is not a loopback address" >&2; exit 2; }
if [[ -n $before && ! -x $before ]]; then
	echo "bench_lag: KCON_BENCH_BEFORE=$before is not an executable" >&2
	exit 2
fi

tmp=$(mktemp -d)
topic=
prefix=
ngroups=0
sample=0
cleanup() {
	# What the benchmark made (best effort).
	if [[ -n $topic ]]; then
		for ((i = 0; i < ngroups; i++)); do echo "group delete $prefix$i --yes"; done >"$tmp/cleanup.kcon"
		kcon -f "$tmp/cleanup.kcon" >/dev/null 2>&1 || true
		kcon topic delete "$topic" --yes >/dev/null 2>&1 || true
	fi
	topic=
}
trap 'cleanup; rm -rf "$tmp"' EXIT
kcon() { "$KCON_BIN" -b "$bootstrap" "$@"; }
now() { date +%s.%N; }
# timed RUN NAME...: runs each tool NAME once (stdout to $tmp/NAME.out), appending "NAME RUN wall user
# sys" to $tmp/runs: the tools take turns, so that a burst of load on the shared machine hits all of
# them alike, and the CPU seconds (user + sys, the broker's excluded) move less with the load than the wall time.
timed() {
	local r=$1 name
	shift
	for name in "$@"; do
		TIMEFORMAT="$name $r %R %U %S"
		{ time tool "$name" >"$tmp/$name.out" 2>"$tmp/$name.err"; } 2>>"$tmp/runs" ||
			{ echo "bench_lag: $name failed:" >&2; tail -5 "$tmp/$name.err" >&2; exit 1; }
	done
}
tool() {
	case $1 in
	kcon) kcon -o json lag ;;
	before) "$before" -b "$bootstrap" -o json lag ;;
	kafka) "$KCON_KAFKA_CTL" tool --workdir "$KCON_TEST_BROKER_DIR" \
		org.apache.kafka.tools.consumer.group.ConsumerGroupCommand \
		--bootstrap-server "$bootstrap" --describe --all-groups ;;
	kcon1) kcon -o json group lag "${prefix}0" ;;
	kafkactl1) kctl describe consumer-group "${prefix}0" -o json ;;
	# kafkactl has no all-groups lag: one process per group, JSON lines.
	kafkactl) kafkactl_groups 0 "$sample" ;;
	esac
}

# kafkactl reads its brokers from a config file: a private one (and HOME), naming only the loopback
# test broker, so that the user's own config is neither read nor written.
if [[ -n $kafkactl ]]; then
	mkdir -p "$tmp/kafkactl-home"
	printf 'contexts:\n  bench:\n    brokers:\n      - %s\nkeyring:\n  enabled: false\n' \
		"$bootstrap" >"$tmp/kafkactl.yml"
	echo "current-context: bench" >"$tmp/kafkactl-current.yml"
fi
kctl() {
	HOME="$tmp/kafkactl-home" KAFKA_CTL_CONFIG="$tmp/kafkactl.yml" \
		KAFKA_CTL_WRITABLE_CONFIG="$tmp/kafkactl-current.yml" "$kafkactl" "$@"
}
# kafkactl_groups FIRST COUNT: describes groups FIRST..FIRST+COUNT-1, one process each, one line each.
kafkactl_groups() {
	local i
	for ((i = $1; i < $1 + $2; i++)); do
		kctl describe consumer-group "$prefix$i" -o json | tr -d '\n'
		echo
	done
}

# bench_set GROUPS PARTITIONS KAFKACTL_SAMPLE
bench_set() {
	local groups=$1 partitions=$2 p i t0 t1
	sample=$3
	local run
	run=$(date +%s)-$$
	topic=bench-lag-$run-${groups}x$partitions
	prefix=$topic-g
	ngroups=$groups
	echo "bench_lag: setting up $groups groups x 1 topic of $partitions partitions on $bootstrap"
	t0=$(now)
	kcon topic create "$topic" --partitions "$partitions" --replication-factor 1 >/dev/null
	for ((p = 0; p < partitions; p++)); do
		seq 1 $((100 + 7 * p)) | kcat -P -b "$bootstrap" -t "$topic" -p "$p"
	done
	# One kcon process commits every group's offsets: group i at offset (i*13) % 150, clamped per partition.
	for ((i = 0; i < groups; i++)); do
		echo "group reset $prefix$i --topic $topic --to-offset $(((i * 13) % 150)) --execute"
	done >"$tmp/setup.kcon"
	kcon -o json -f "$tmp/setup.kcon" >/dev/null
	t1=$(now)
	echo "bench_lag: set-up took $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }') s; load: $(cut -d' ' -f1-3 /proc/loadavg)"

	echo "bench_lag: timing ($runs runs, taking turns)"
	: >"$tmp/runs"
	local names=(kcon) r
	[[ -z $before ]] || names+=(before)
	names+=(kcon1)
	[[ -z $kafkactl ]] || names+=(kafkactl1)
	for ((r = 0; r < runs; r++)); do
		timed "$r" "${names[@]}"
		# A JVM per run: on the large set once unless KCON_BENCH_KAFKA_RUNS says more.
		((r >= (groups > 200 ? ${KCON_BENCH_KAFKA_RUNS:-1} : ${KCON_BENCH_KAFKA_RUNS:-$runs}))) || timed "$r" kafka
		# The whole loop once: it is many processes already, so it averages itself.
		((r > 0)) || [[ -z $kafkactl ]] || timed "$r" kafkactl
	done
	echo "load $(cut -d' ' -f1-3 /proc/loadavg)" >>"$tmp/runs"

	# Per-partition numbers from kcon too (not timed): one process, one `group lag` per group.
	for ((i = 0; i < groups; i++)); do echo "group lag $prefix$i"; done >"$tmp/detail.kcon"
	kcon -o json -f "$tmp/detail.kcon" >"$tmp/kcon-detail.json"

	python3 "$here/bench_lag_check.py" "$tmp" "$prefix" "$groups" "$partitions" "$sample" "$KCON_BIN" "$before" "$kafkactl"
	cleanup
}

bench_set "${BENCH_GROUPS:-200}" "${BENCH_PARTITIONS:-50}" "${BENCH_GROUPS:-200}"
if [[ ${KCON_BENCH_BIG:-0} == 1 ]]; then
	bench_set 2000 100 "${KCON_BENCH_KAFKACTL_SAMPLE:-100}"
else
	echo "bench_lag: 2,000 groups x 100 partitions: skipped (KCON_BENCH_BIG=1 runs it; its set-up takes minutes)"
fi
