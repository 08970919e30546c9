"""History store benchmark (make bench): one sampling tick of 10,000 group partitions (and as many
topic partitions: 10k+10k) in one transaction, a simulated day of ticks every 10 s with roll-ups, then six more days (a week: days 2
to 6 ticked every 60 s, which leaves the same roll-ups, day 7 every 10 s), reading one group's
history (through the store API and through `kcon history lag`), and the file size after the day
and after the week. Targets: a tick under 30 ms (issue #18), a read under 50 ms, the day's file <= 100 MB, the week's
bounded by retention. Needs no broker: the store is written directly.

  python3 bench_history.py BUILD [--hours 24] [--busy 0.25] [--no-week]
  (KCON_BENCH_HISTORY_HOURS=4 for the day's length, KCON_BENCH_HISTORY_WEEK=0 for the day alone)
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
    ap.add_argument("--no-week", action="store_true", default=os.environ.get("KCON_BENCH_HISTORY_WEEK") == "0")
    a = ap.parse_args()
    helper = os.path.join(a.build, "kcon-benchstore")
    kcon = os.path.join(a.build, "kcon")
    with tempfile.TemporaryDirectory(prefix="kcon-bench-hist-") as d:
        db = os.path.join(d, "history.db")
        week = [] if a.no_week else ["--week"]
        out = subprocess.run([helper, db, "--hours", a.hours, "--busy", a.busy] + week, check=True,
                             capture_output=True, text=True).stdout
        figures = dict(line.split(" ", 1) for line in out.splitlines())
        print(f"  10,000 group partitions, {float(a.busy):.0%} moving every tick, {figures['ticks']} ticks "
              f"({a.hours} h of 10 s{'' if a.no_week else ', then 5 days of 60 s and a day of 10 s'})")
        when = "" if a.no_week else " on day 7"
        # 10,000 group partitions and as many topic partitions: issue #18's tick of 10k+10k partitions
        print(f"  one tick (one transaction){when:9} mean {figures['tick_mean_ms']} ms, cpu {figures['tick_cpu_ms']} ms,"
              f" worst {figures['tick_worst_ms']} ms, first {figures['tick_first_ms']} ms   target < 30 ms"
              f" (10k+10k partitions)")
        if not a.no_week:
            print(f"  one tick on day 1                 mean {figures['tick_mean_day1_ms']} ms")
        span = float(a.hours) + (0 if a.no_week else 144)
        print(f"  read {span:g} h of one group (API)     {figures['read_group_ms']} ms   target < 50 ms")
        env = dict(os.environ, XDG_CONFIG_HOME="/nonexistent-kcon-bench")
        cmd = [kcon, "--state-dir", d, "-o", "json", "history", "lag", "group-0000", "--cluster", "bench-cluster",
               "--since", f"{span + 1:g}h"]
        t, rss = best_of(3, cmd, env=env)
        print(f"  kcon history lag (process)        {t * 1000:.0f} ms, {rss:.1f} MB (whole process: start, open, read, print)")
        size = int(figures["day1_file_bytes"])
        packed = os.path.join(d, "packed.db")
        subprocess.run(["python3", "-c", f"import sqlite3; sqlite3.connect({db!r}).execute(\"VACUUM INTO '{packed}'\")"],
                       check=True)
        print(f"  {'the week' if week else 'same data'} VACUUMed{'' if week else ' '}                {os.path.getsize(packed) / 1e6:.1f} MB")
        per_day = size * 24 / float(a.hours)
        print(f"  file after {a.hours} h                   {size / 1e6:.1f} MB  (per day: {per_day / 1e6:.1f} MB;"
              f" target <= 100 MB)")
        if not a.no_week:
            days = " ".join(f"{int(figures[f'day{i}_file_bytes']) / 1e6:.0f}" for i in range(1, 8)
                            if f"day{i}_file_bytes" in figures)
            print(f"  file after each day of the week   {days} MB (raw 24 h, minutes 7 d, hours 90 d)")
            print(f"  file after the week               {int(figures['file_bytes']) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
