#!/usr/bin/env bash
# The metrics of `watch --metrics` at 10,000 topic partitions and 2,000 groups (5 partitions each):
# what watch's loop spends rendering after each tick, the exposition's size, and scrape latency
# from the published snapshot (kcon-benchmetrics, on a store file; no broker needed). A scrape of
# kafka_exporter's kind asks Kafka for every group's offsets instead: `lag` at that size is
# bench_lag.sh's KCON_BENCH_BIG figure (docs/lag.md).
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$build/kcon-benchmetrics" "$dir" --topics 100 --parts 100 --groups 2000 --gparts 5 --ticks 7 --scrapes 200
