"""History store benchmark (make bench): one sampling tick of 10,000 group partitions (and as many
topic partitions: 10k+10k) in one transaction, a simulated day of ticks every 10 s with roll-ups, then six more days (a week: days 2
to 6 ticked every 60 s, which leaves the same roll-ups, day 7 every 10 s), reading one group's
history (through the store API and through `kcon history lag`), and the file size after the day
and after the week. Ticks come 10 s apart in kcon: between two, the helper waits for the store's
checkpoint thread (storeckpt.h) to finish, untimed, as that interval would; an older build that
checkpoints inside the commit pays it in the tick. A second, short run (2 h, KCON_BENCH_HISTORY_NOWAIT_HOURS)
ticks back to back without that wait, labelled "NO wait": its ticks meet the checkpoint under way. Targets: a tick under 30 ms (issue #18), a read
under 50 ms, the day's file <= 100 MB, the week's bounded by retention. With --before the older
helper makes the same day (and week) too, and its tick, hourly roll-up, read and size figures are
printed beside (the same run, one after the other); its ticks are then run again alternated with
this build's (2 h of 10 s ticks each, twice).

Then the default retention (#18: <= 50 MB a day at 10,000 partitions, <= 500 MB at the default
retention): a store after 90 days of `watch` (kcon-benchstore --days 90: days 1 to 83 ticked
hourly, which leaves the same hourly and daily roll-ups, the last week as above), by default of
10 of the 100 groups (2,000 of the 20,000 partitions) and scaled to 100 (the file is made of
per-series rows, so it scales with the series; KCON_BENCH_HISTORY_RETENTION_GROUPS=100 runs the
whole store, 0 skips it), and the reads the faces make on it: a group's and a partition's whole
90 days (history lag / history topic), every group's status window (lag, check), every group's
and topic's last hour and one group's partitions' (sparklines). With an older build's helper
(--before or KCON_BENCH_HISTORY_BEFORE: this bench_store.c built on the older store.c), the same
store is made with it in the same run, the reads are timed again alternating the two helpers, and
both are printed side by side. Needs no broker.

  python3 bench_history.py BUILD [--hours 24] [--busy 0.25] [--no-week] [--before OLD_HELPER]
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
    ap.add_argument("--before", default=os.environ.get("KCON_BENCH_HISTORY_BEFORE"),
                    help="an older build's kcon-benchstore, run beside this one for the retention figures")
    ap.add_argument("--retention-groups", type=int,
                    default=int(os.environ.get("KCON_BENCH_HISTORY_RETENTION_GROUPS", "10")))
    a = ap.parse_args()
    helper = os.path.join(a.build, "kcon-benchstore")
    kcon = os.path.join(a.build, "kcon")
    with tempfile.TemporaryDirectory(prefix="kcon-bench-hist-") as d:
        db = os.path.join(d, "history.db")
        week = [] if a.no_week else ["--week"]
        out = subprocess.run([helper, db, "--hours", a.hours, "--busy", a.busy] + week, check=True,
                             capture_output=True, text=True).stdout
        figures = dict(line.split(" ", 1) for line in out.splitlines())
        # the older build's helper on the same simulated day (and week), for its figures beside ours
        old = {}
        if a.before:
            odb = os.path.join(d, "before.db")
            old = parse(subprocess.run([a.before, odb, "--hours", a.hours, "--busy", a.busy] + week, check=True,
                                       capture_output=True, text=True).stdout)
            for ext in ("", "-wal", "-shm"):
                if os.path.exists(odb + ext):
                    os.unlink(odb + ext)

        def was(key, fmt="{}", unit=""):
            return f"   (before: {fmt.format(old[key].split(' ', 1)[0])}{unit})" if key in old else ""
        print(f"  10,000 group partitions, {float(a.busy):.0%} moving every tick, {figures['ticks']} ticks "
              f"({a.hours} h of 10 s{'' if a.no_week else ', then 5 days of 60 s and a day of 10 s'})")
        when = "" if a.no_week else " on day 7"
        # 10,000 group partitions and as many topic partitions: issue #18's tick of 10k+10k partitions
        print(f"  one tick (one transaction){when:9} mean {figures['tick_mean_ms']} ms, cpu {figures['tick_cpu_ms']} ms,"
              f" worst {figures['tick_worst_ms']} ms, first {figures['tick_first_ms']} ms   target < 30 ms"
              f" (10k+10k partitions)"
              + (f"   (before: mean {old['tick_mean_ms']} ms, worst {old['tick_worst_ms']} ms)" if old else ""))
        print(f"  one tick, 99th percentile{when:9} {figures.get('tick_p99_ms', '-')} ms; WAL checkpoints "
              f"{figures.get('checkpoints', '-')} (these ticks wait, untimed, for the checkpoint thread)")
        nowait(helper, a.busy, d)
        print(f"  hourly roll-up (store_maintain)   mean {figures['maintain_mean_ms']} ms, worst "
              f"{figures['maintain_worst_ms']} ms (packs the past hour, off the tick)"
              + (f"   (before: mean {old['maintain_mean_ms']} ms, worst {old['maintain_worst_ms']} ms)"
                 if "maintain_mean_ms" in old else ""))
        if not a.no_week:
            print(f"  one tick on day 1                 mean {figures['tick_mean_day1_ms']} ms"
                  + was("tick_mean_day1_ms", unit=" ms"))
        if a.before:
            ticks_beside(helper, a.before, a.busy, d)
        span = float(a.hours) + (0 if a.no_week else 144)
        print(f"  read {span:g} h of one group (API)     {figures['read_group_ms']} ms   target < 50 ms"
              + was("read_group_ms", unit=" ms"))
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
            print(f"  file after the week               {int(figures['file_bytes']) / 1e6:.1f} MB"
                  + (f"   (before: {int(old['file_bytes']) / 1e6:.1f} MB)" if old else ""))
        if float(a.hours) == 24:
            print(f"  MB per day at 10,000 partitions (10 s ticks)   {size / 1e6:.1f} MB   goal <= 50 MB"
                  + (f"   (before: {int(old['day1_file_bytes']) / 1e6:.1f} MB)" if old else ""))
        if a.retention_groups > 0:
            retention(helper, a.before, a.retention_groups, a.busy, d)


def ticks_beside(helper, before, busy, d):
    """The tick again, this build's and the older build's helpers alternated (2 runs each of
    KCON_BENCH_HISTORY_TICK_HOURS, 2 h of 10 s ticks by default): its worst is a WAL checkpoint where
    the commit runs it (SQLite's default), which this build's store moves off the tick."""
    hours = os.environ.get("KCON_BENCH_HISTORY_TICK_HOURS", "2")
    runs = {"this build": [], "before": []}
    for _ in range(2):
        for name, h in (("before", before), ("this build", helper)):
            db = os.path.join(d, "ticks.db")
            for ext in ("", "-wal", "-shm"):
                if os.path.exists(db + ext):
                    os.unlink(db + ext)
            runs[name].append(parse(subprocess.run([h, db, "--hours", hours, "--busy", busy], check=True,
                                                   capture_output=True, text=True).stdout))
    print(f"  one tick beside the older build ({hours} h of 10 s ticks, 2 runs each, alternated):")
    for name, rs in runs.items():
        print(f"    {name:<11} mean " + " / ".join(r["tick_mean_ms"] for r in rs) + " ms, p99 "
              + " / ".join(r.get("tick_p99_ms", "-") for r in rs) + " ms, worst "
              + " / ".join(r["tick_worst_ms"] for r in rs) + " ms, cpu " + " / ".join(r["tick_cpu_ms"] for r in rs)
              + " ms   target < 30 ms")


def nowait(helper, busy, d):
    """The tick again without the helper's untimed wait for the checkpoint thread before each tick
    (KCON_BENCH_HISTORY_NOWAIT_HOURS, 2 h of 10 s ticks by default, back to back): the ticks then meet
    the checkpoint under way, its contention for the disk and the CPU, and the commits that checkpoint
    themselves when the thread is behind at the bound."""
    hours = os.environ.get("KCON_BENCH_HISTORY_NOWAIT_HOURS", "2")
    db = os.path.join(d, "nowait.db")
    r = parse(subprocess.run([helper, db, "--hours", hours, "--busy", busy, "--no-wait"], check=True,
                             capture_output=True, text=True).stdout)
    for ext in ("", "-wal", "-shm"):
        if os.path.exists(db + ext):
            os.unlink(db + ext)
    print(f"  one tick, NO wait for the checkpoint thread between ticks ({hours} h of 10 s ticks back to back):"
          f" mean {r['tick_mean_ms']} ms, p99 {r.get('tick_p99_ms', '-')} ms, worst {r['tick_worst_ms']} ms,"
          f" cpu {r['tick_cpu_ms']} ms; WAL checkpoints {r.get('checkpoints', '-')}")


def parse(out):
    return dict(line.split(" ", 1) for line in out.splitlines())


def retention_run(helper, groups, busy, d, tag):
    db = os.path.join(d, f"retention-{tag}.db")
    out = subprocess.run([helper, db, "--days", "90", "--groups", str(groups), "--busy", busy], check=True,
                         capture_output=True, text=True).stdout
    return db, parse(out)


def retention(helper, before, groups, busy, d):
    """The store after 90 days (the default retention) and the reads on it, beside an older build's."""
    helpers = [("this build", helper)] + ([("before", before)] if before else [])
    made = {name: retention_run(h, groups, busy, d, str(i)) for i, (name, h) in enumerate(helpers)}
    # The reads again, each build on its own store, alternated: the best of each (the machine's noise
    # hits both alike).
    for _ in range(3):
        for name, h in helpers:
            db, f = made[name]
            out = parse(subprocess.run([h, db, "--groups", str(groups), "--reads-only"], check=True,
                                       capture_output=True, text=True).stdout)
            for k, v in out.items():
                if float(v.split(" ", 1)[0]) < float(f[k].split(" ", 1)[0]):
                    f[k] = v
    for name, _ in helpers:
        db = made[name][0]
        for ext in ("", "-wal", "-shm"):
            if os.path.exists(db + ext):
                os.unlink(db + ext)
    print_retention([(name, made[name][1]) for name, _ in reversed(helpers)], groups)


def print_retention(runs, groups):
    scale = 100 / groups
    print(f"  default retention (raw=24h,minute=7d,hour=90d): 90 days of {groups} of the 100 groups "
          f"({groups * 200:,} partitions), sizes x{scale:g} for 20,000")
    print("  " + " " * 44 + "".join(f"{name:>26}" for name, _ in runs))

    def line(label, values, goal=""):
        print(f"  {label:44}" + "".join(f"{v:>26}" for v in values) + (f"   {goal}" if goal else ""))

    line("file after 30, 60 days (scaled)", [" / ".join(f"{int(f[f'day{k}_file_bytes']) * scale / 1e6:.0f}"
                                                         for k in (30, 60)) + " MB" for _, f in runs])
    line("file after 90 days (scaled)", [f"{int(f['file_bytes']) * scale / 1e6:.0f} MB" for _, f in runs],
         "goal <= 500 MB")
    for key, label in (("read_history_ms", "read a group's and a partition's 90 d"),
                       ("read_status_ms", "status window of every group (10 min)"),
                       ("read_sparklines_ms", "sparklines: every total's and 1 group's 1 h")):
        line(label, [f"{f[key].split(' ', 1)[0]} ms {f[key].split(' ', 1)[1]}" for _, f in runs])


if __name__ == "__main__":
    main()
