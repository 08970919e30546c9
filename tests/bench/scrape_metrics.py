#!/usr/bin/env python3
"""bench_metrics.sh's scraper, for a /metrics URL on loopback:

  scrape_metrics.py wait PID URL WANT SECONDS   until the exposition holds WANT committed offsets
                                                (kafka_consumergroup_current_offset >= 0; exit 1
                                                when the process PID exits or SECONDS pass first)
  scrape_metrics.py time LABEL URL N [OUT]      N scrapes one after the other: median and worst
                                                latency, the size and the series count; the last
                                                exposition into OUT
  scrape_metrics.py compare A B PREFIX          the expositions in the files A (kcon's) and B (a
                                                peer's) hold the same values for every topic and
                                                group named PREFIX...: each topic's partitions, end
                                                and start offsets, each committed offset and its
                                                lag, and the lag sums (exit 1 when one differs).
                                                kafka_exporter's -1 for a partition the group has
                                                not committed (kcon has no sample) is counted apart.

Only series whose value is >= 0 count: kafka_exporter also shows -1 for every partition of a topic
that a group committed on but not for that partition (docs/monitoring.md), and counting those would
end the wait before its committed offsets are all there.
"""

import os
import re
import sys
import time
import urllib.error
import urllib.request

SERIES = b"kafka_consumergroup_current_offset{"
# The metrics compared, and their labels: name{k="v",...} value (label order differs by tool).
COMPARED = ("kafka_topic_partitions", "kafka_topic_partition_current_offset",
            "kafka_topic_partition_oldest_offset", "kafka_consumergroup_current_offset",
            "kafka_consumergroup_lag", "kafka_consumergroup_lag_sum")
SAMPLE = re.compile(r'^([a-z_]+)\{(.*)\} (\S+)$')
LABEL = re.compile(r'([a-z_]+)="((?:[^"\\]|\\.)*)"')


def get(url, timeout):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read()


def count(body):
    return sum(1 for line in body.split(b"\n") if line.startswith(SERIES) and not line.endswith(b" -1"))


def wait(pid, url, want, seconds):
    end = time.monotonic() + seconds
    have = 0
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            sys.exit(f"scrape_metrics: the server (pid {pid}) exited before serving {want} series")
        try:
            have = count(get(url, max(1.0, end - time.monotonic())))
            if have >= want:
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass  # not listening yet, or not ready (503)
        time.sleep(0.2)  # the poll interval while the port is closed or the data incomplete
    sys.exit(f"scrape_metrics: {have} of {want} series at {url} after {seconds} s")


def timed(label, url, n, out=None):
    lat, body = [], b""
    for _ in range(n):
        t0 = time.monotonic()
        body = get(url, 600)
        lat.append(time.monotonic() - t0)
    lat.sort()
    every = sum(1 for line in body.split(b"\n") if line.startswith(SERIES))
    print(f"  {label:<36} median {lat[(n - 1) // 2] * 1000:8.1f} ms  worst {lat[-1] * 1000:8.1f} ms  "
          f"{len(body) / 1e6:5.2f} MB  ({n} scrapes; kafka_consumergroup_current_offset: {count(body):,} "
          f"committed, {every - count(body):,} at -1)")
    if out:
        with open(out, "wb") as f:
            f.write(body)


def samples(path, prefix):
    """{(metric, labels): value} of the compared metrics whose topic (and group) start with prefix."""
    got = {}
    with open(path) as f:
        for line in f:
            m = SAMPLE.match(line.rstrip("\n"))
            if not m or m.group(1) not in COMPARED:
                continue
            labels = dict(LABEL.findall(m.group(2)))
            if not labels.get("topic", "").startswith(prefix):
                continue
            if "consumergroup" in labels and not labels["consumergroup"].startswith(prefix):
                continue
            got[(m.group(1), tuple(sorted(labels.items())))] = float(m.group(3))
    return got


def compare(a_path, b_path, prefix):
    a, b = samples(a_path, prefix), samples(b_path, prefix)
    # kafka_exporter's -1 for a partition its group did not commit on: kcon has no sample (its
    # convention, docs/monitoring.md), so such a sample is not a difference.
    uncommitted = [k for k, v in b.items() if k not in a and v == -1 and
                   k[0] in ("kafka_consumergroup_current_offset", "kafka_consumergroup_lag")]
    for k in uncommitted:
        del b[k]
    bad = [(k, a.get(k), b.get(k)) for k in sorted(a.keys() | b.keys()) if a.get(k) != b.get(k)]
    print(f"  compared {len(a):,} samples of {prefix}*: {len(bad)} differ; the peer's -1 for "
          f"{len(uncommitted):,} uncommitted group partitions (kcon: no sample) set aside")
    for k, x, y in bad[:5]:
        print(f"    {k[0]}{{{','.join(f'{n}={v}' for n, v in k[1])}}}: kcon {x}, peer {y}")
    if bad:
        sys.exit(f"scrape_metrics: {len(bad)} samples differ between {a_path} and {b_path}")


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "wait":
        wait(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5]))
    elif len(sys.argv) in (5, 6) and sys.argv[1] == "time":
        timed(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5] if len(sys.argv) == 6 else None)
    elif len(sys.argv) == 5 and sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
