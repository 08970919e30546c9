"""Runs a command, measuring wall time and peak RSS (of that process tree's largest member)."""

import os
import subprocess
import time


def measure(cmd, stdout=subprocess.DEVNULL, env=None, input=None):
    """Returns (seconds, peak RSS in MB, returncode)."""
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
    return wall, ru.ru_maxrss / 1024.0, rc


def best_of(n, cmd, **kw):
    """The best wall time and the largest RSS of n runs."""
    runs = [measure(cmd, **kw) for _ in range(n)]
    return min(r[0] for r in runs), max(r[1] for r in runs)


def row(label, kcon, other, other_name):
    (kt, km), (ot, om) = kcon, other
    print(f"  {label:<34} kcon {kt*1000:8.0f} ms {km:6.1f} MB   {other_name} {ot*1000:8.0f} ms {om:6.1f} MB"
          f"   ({ot/kt if kt else 0:4.1f}x)")
