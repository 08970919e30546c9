#!/usr/bin/env python3
"""bench_metrics.sh's scraper, for a /metrics URL on loopback:

  scrape_metrics.py wait PID URL WANT SECONDS   until the exposition holds WANT series of
                                                kafka_consumergroup_current_offset (exit 1 when the
                                                process PID exits or SECONDS pass first)
  scrape_metrics.py time LABEL URL N            N scrapes one after the other: median and worst
                                                latency, the size and the series count
"""

import os
import sys
import time
import urllib.error
import urllib.request

SERIES = b"kafka_consumergroup_current_offset{"


def get(url, timeout):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read()


def count(body):
    return sum(1 for line in body.split(b"\n") if line.startswith(SERIES))


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


def timed(label, url, n):
    lat, size, series = [], 0, 0
    for _ in range(n):
        t0 = time.monotonic()
        body = get(url, 600)
        lat.append(time.monotonic() - t0)
        size, series = len(body), count(body)
    lat.sort()
    print(f"  {label:<36} median {lat[(n - 1) // 2] * 1000:8.1f} ms  worst {lat[-1] * 1000:8.1f} ms  "
          f"{size / 1e6:5.2f} MB  ({n} scrapes; {series:,} kafka_consumergroup_current_offset series)")


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "wait":
        wait(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5]))
    elif len(sys.argv) == 5 and sys.argv[1] == "time":
        timed(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(__doc__)
