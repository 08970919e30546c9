"""Runs a command, measuring wall time and peak RSS (of that process tree's largest member)."""

import os
import subprocess
import time


def measure(cmd, stdout=subprocess.DEVNULL, env=None, input=None):
    """Returns (seconds, peak RSS in MB, returncode)."""
    return measure_cpu(cmd, stdout=stdout, env=env, input=input)[:3]


def measure_cpu(cmd, stdout=subprocess.DEVNULL, env=None, input=None):
    """Returns (seconds, peak RSS in MB, returncode, CPU seconds: user + system of the process and its
    threads). On a loaded machine the CPU time is the steadier figure of what the program itself costs."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, stdin=subprocess.PIPE if input else None,
                         env=env)
    if input:
        p.stdin.write(input)
        p.stdin.close()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    err = p.stderr.read()
    rc = os.waitstatus_to_exitcode(status)
    if rc != 0:
        raise SystemExit(f"{cmd[0]} failed ({rc}): {err.decode(errors='replace')[-500:]}")
    return wall, ru.ru_maxrss / 1024.0, rc, ru.ru_utime + ru.ru_stime


def best_of(n, cmd, **kw):
    """The best wall time and the largest RSS of n runs."""
    best, rss, _ = best_worst_of(n, cmd, **kw)
    return best, rss


def best_worst_of(n, cmd, **kw):
    """The best wall time, the largest RSS and the worst wall time of n runs (the spread shows the noise)."""
    runs = [measure(cmd, **kw) for _ in range(n)]
    return min(r[0] for r in runs), max(r[1] for r in runs), max(r[0] for r in runs)


def row(label, kcon, other, other_name):
    """kcon and other: (best s, MB) or (best s, MB, worst s) as best_of or best_worst_of return them."""
    kt, km, ot, om = kcon[0], kcon[1], other[0], other[1]
    spread = ""
    if len(kcon) > 2 and len(other) > 2:
        spread = f"   worst of runs: kcon {kcon[2]*1000:.0f} ms, {other_name} {other[2]*1000:.0f} ms"
    print(f"  {label:<34} kcon {kt*1000:8.0f} ms {km:6.1f} MB   {other_name} {ot*1000:8.0f} ms {om:6.1f} MB"
          f"   ({ot/kt if kt else 0:4.1f}x){spread}")
