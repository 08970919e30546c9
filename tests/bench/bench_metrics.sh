#!/usr/bin/env bash
# The metrics of `watch --metrics` at 10,000 topic partitions and 2,000 groups (5 partitions each):
# what watch's loop spends rendering after each tick, the exposition's size, and scrape latency
# from the published snapshot (kcon-benchmetrics, on a store file; no broker needed).
#
# Then, when kafka_exporter is found (KCON_BENCH_KAFKA_EXPORTER=PATH, else kafka_exporter on PATH;
# "not found" otherwise, and nothing more runs), both served side by side on the real test broker
# (KCON_TEST_BROKER_DIR, as tests/bench/run sets it) at the same size: 100 empty topics x 100
# partitions and 2,000 groups, each with commits on 5 of them (every partition once); then
# KCON_BENCH_SCRAPES (10) scrapes of /metrics (scrape_metrics.py), one after the other, from
#   - `kcon watch --metrics` on a loopback port: a scrape reads the snapshot the last tick published;
#   - kafka_exporter on another: each of its scrapes asks Kafka for every partition's offsets and
#     every group's commits. Its arguments: --kafka.server, --web.listen-address and
#     KCON_BENCH_KAFKA_EXPORTER_ARGS (default "--kafka.version=3.6.0 --concurrent.enable": its
#     2.0.0 default asks in protocol versions Kafka 4 dropped; without --concurrent.enable its
#     scrapes share one collection whose copy can lose the last sample, seen at this size as one
#     missing kafka_consumergroup_lag_sum: collectChans reads the collected list without waiting
#     for the goroutine that appends to it. The bench's scrapes are one at a time either way.)
# Each server is waited for (its port, then an exposition holding all 10,000 group partitions'
# committed kafka_consumergroup_current_offset), then timed: median and worst scrape, and the
# size. Then their last expositions are compared (scrape_metrics.py compare): every partition
# count, end and start offset, committed offset, lag and lag sum of the bench's topics and groups
# must be equal, or the bench exits 1 (kafka_exporter's -1 for a partition a group did not commit
# on, where kcon has no sample, is counted apart). Both are stopped, and the topics and groups
# deleted, on exit. Asserts nothing about speed. The set-up
# is heavy (10,000 partitions made, then deleted; the broker needs more than the tests' 384 MB of
# heap: tests/bench/run gives it 1 GB), which is why it runs only when there is a kafka_exporter.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-build}" && pwd)
dir=$(mktemp -d)
topic_prefix=
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
	if [[ -n $topic_prefix ]]; then
		# A script stops at its first failure: the groups that exist in one, then each topic alone
		# (a topic deleted a moment ago can still be listed while the broker removes it).
		"$build/kcon" -b "$bootstrap" -o json groups 2>/dev/null | python3 -c '
import json, sys
for g in json.load(sys.stdin)["groups"]:
    if g["group"].startswith(sys.argv[1]):
        print("group delete " + g["group"] + " --yes")' "$topic_prefix" >"$dir/cleanup.kcon" || true
		"$build/kcon" -b "$bootstrap" --timeout 60 -f "$dir/cleanup.kcon" >/dev/null 2>&1 || true
		for ((t = 0; t < 100; t++)); do
			"$build/kcon" -b "$bootstrap" topic delete "${topic_prefix}t$t" --yes >/dev/null 2>&1 || true
		done
	fi
	rm -rf "$dir"
}
trap cleanup EXIT
"$build/kcon-benchmetrics" "$dir" --topics 100 --parts 100 --groups 2000 --gparts 5 --ticks 7 --scrapes 200

exporter=${KCON_BENCH_KAFKA_EXPORTER:-$(command -v kafka_exporter || true)}
if [[ -z $exporter || ! -x $exporter ]]; then
	echo "kafka_exporter: not found (${exporter:-KCON_BENCH_KAFKA_EXPORTER unset, none on PATH}); skipped, and so is the served comparison"
	exit 0
fi
if [[ -z ${KCON_TEST_BROKER_DIR:-} ]]; then
	echo "kafka_exporter: skipped (no KCON_TEST_BROKER_DIR; tests/bench/run sets it)"
	exit 0
fi
bootstrap=$(sed -n 's/^KCON_TEST_BOOTSTRAP=//p' "$KCON_TEST_BROKER_DIR/env")
[[ $bootstrap == 127.0.0.1:* || $bootstrap == localhost:* ]] ||
	{ echo "bench_metrics: $bootstrap is not a loopback address" >&2; exit 2; }
scrapes=${KCON_BENCH_SCRAPES:-10}
want=10000 # group partitions: 2,000 groups x 5

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# wait_metrics NAME PID URL LOG: until the exposition at URL holds $want group partitions' committed
# offsets, the server process being alive (its log's tail when it dies or the deadline passes).
wait_metrics() {
	python3 "$here/scrape_metrics.py" wait "$2" "$3" "$want" "${KCON_BENCH_METRICS_WAIT:-600}" ||
		{ echo "bench_metrics: $1 not ready; its log:" >&2; tail -5 "$4" >&2; exit 1; }
}

run=$(date +%s)-$$
topic_prefix=bench-metrics-$run-
echo "served /metrics on the test broker ($bootstrap): setting up 100 topics x 100 partitions, 2,000 groups x 5 partitions"
t0=$SECONDS
for ((t = 0; t < 100; t++)); do echo "topic create ${topic_prefix}t$t --partitions 100 --replication-factor 1"; done \
	>"$dir/topics.kcon"
# Group g: topic g % 100, partitions 5*(g/100) .. +4, so that every partition has one group.
for ((g = 0; g < 2000; g++)); do
	p=$((5 * (g / 100)))
	echo "group reset ${topic_prefix}g$g --topic ${topic_prefix}t$((g % 100)):$p-$((p + 4)) --to-offset 0 --execute"
done >"$dir/groups.kcon"
# The small test broker takes a while over 10,000 new partitions: a long timeout, not a pause.
"$build/kcon" -b "$bootstrap" --timeout 300 -o json -f "$dir/topics.kcon" >/dev/null
# The first group command after that can go unanswered while the broker makes the offsets topic's
# partitions (seen: a describe that never returned): ask it again until the first group is set.
for ((try = 1; ; try++)); do
	head -1 "$dir/groups.kcon" >"$dir/first-group.kcon"
	"$build/kcon" -b "$bootstrap" --timeout 20 -o json -f "$dir/first-group.kcon" >/dev/null 2>"$dir/first-group.err" && break
	((try < 15)) || { echo "bench_metrics: no group could be set:" >&2; cat "$dir/first-group.err" >&2; exit 1; }
done
"$build/kcon" -b "$bootstrap" --timeout 300 -o json -f "$dir/groups.kcon" >/dev/null
echo "  set-up took $((SECONDS - t0)) s; load: $(cut -d' ' -f1-3 /proc/loadavg)"

# kcon: a private state dir (its own history store); the scrapes read the last tick's snapshot.
port=$(free_port)
KCON_STATE_DIR="$dir/kcon-state" "$build/kcon" -b "$bootstrap" watch --quiet --interval 10s \
	--metrics "127.0.0.1:$port" >"$dir/kcon-watch.out" 2>"$dir/kcon-watch.log" &
pids+=($!)
wait_metrics "kcon watch" "${pids[-1]}" "http://127.0.0.1:$port/metrics" "$dir/kcon-watch.log"
python3 "$here/scrape_metrics.py" time "kcon watch --metrics" "http://127.0.0.1:$port/metrics" "$scrapes" "$dir/kcon.prom"
kill -INT "${pids[-1]}" && wait "${pids[-1]}" || true
unset 'pids[-1]'

port=$(free_port)
# shellcheck disable=SC2086 # KCON_BENCH_KAFKA_EXPORTER_ARGS is a list of arguments
"$exporter" --kafka.server="$bootstrap" --web.listen-address="127.0.0.1:$port" \
	${KCON_BENCH_KAFKA_EXPORTER_ARGS---kafka.version=3.6.0 --concurrent.enable} >"$dir/exporter.log" 2>&1 &
pids+=($!)
wait_metrics kafka_exporter "${pids[-1]}" "http://127.0.0.1:$port/metrics" "$dir/exporter.log"
version=$("$exporter" --version 2>&1 | sed -n '1s/.*version \([^ ]*\).*/\1/p' || true)
python3 "$here/scrape_metrics.py" time "kafka_exporter (${version:-?})" "http://127.0.0.1:$port/metrics" "$scrapes" "$dir/exporter.prom"
# Same data: every value of the bench's topics and groups in kcon's last scrape and the exporter's.
python3 "$here/scrape_metrics.py" compare "$dir/kcon.prom" "$dir/exporter.prom" "$topic_prefix"
