"""History store benchmark (make bench): one sampling tick of 10,000 group partitions in one
transaction, a simulated day of ticks every 10 s with roll-ups, reading 24 h of one group's history
(through the store API and through `kcon history lag`), and the file size after the day.
Targets: tick and read under 50 ms each. Needs no broker: the store is written directly.

  python3 bench_history.py BUILD [--hours 24] [--busy 0.25]
"""

import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import best_of  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--hours", default=os.environ.get("KCON_BENCH_HISTORY_HOURS", "24"))
    ap.add_argument("--busy", default="0.25", help="fraction of partitions that move every tick")
    a = ap.parse_args()
    helper = os.path.join(a.build, "kcon-benchstore")
    kcon = os.path.join(a.build, "kcon")
    with tempfile.TemporaryDirectory(prefix="kcon-bench-hist-") as d:
        db = os.path.join(d, "history.db")
        out = subprocess.run([helper, db, "--hours", a.hours, "--busy", a.busy], check=True, capture_output=True,
                             text=True).stdout
        figures = dict(line.split(" ", 1) for line in out.splitlines())
        print(f"  10,000 group partitions, {float(a.busy):.0%} moving every tick, {figures['ticks']} ticks of 10 s "
              f"({a.hours} h)")
        print(f"  one tick (one transaction)        mean {figures['tick_mean_ms']} ms, cpu {figures['tick_cpu_ms']} ms,"
              f" worst {figures['tick_worst_ms']} ms, first (new series) {figures['tick_first_ms']} ms   target < 50 ms")
        print(f"  read {a.hours} h of one group (API)      {figures['read_group_ms']} ms   target < 50 ms")
        env = dict(os.environ, XDG_CONFIG_HOME="/nonexistent-kcon-bench")
        cmd = [kcon, "--state-dir", d, "-o", "json", "history", "lag", "group-0000", "--cluster", "bench-cluster",
               "--since", f"{float(a.hours) + 1}h"]
        t, rss = best_of(3, cmd, env=env)
        print(f"  kcon history lag (process)        {t * 1000:.0f} ms, {rss:.1f} MB (whole process: start, open, read, print)")
        size = int(figures["file_bytes"])
        packed = os.path.join(d, "packed.db")
        subprocess.run(["python3", "-c", f"import sqlite3; sqlite3.connect({db!r}).execute(\"VACUUM INTO '{packed}'\")"],
                       check=True)
        print(f"  same data VACUUMed                {os.path.getsize(packed) / 1e6:.1f} MB")
        per_day = size * 24 / float(a.hours)
        print(f"  file after {a.hours} h                   {size / 1e6:.1f} MB  (per day: {per_day / 1e6:.1f} MB;"
              f" target <= 100 MB)")


if __name__ == "__main__":
    main()
