"""How kcon ends (issue 10). A signal ends a whole script (-f FILE, -e 'a; b', stdin) as a shell
does, after the running command's summary: the commands after it never run. Output that cannot be
written (a full disk, a closed stdout) fails with exit 1. A directory given as the script is a
usage error. watch refuses an --interval it cannot keep. On the demo and on the real broker."""

import json
import os
import select
import signal
import subprocess
import time
import unittest

from kcontest import KCON, BrokerTestCase, kcat_produce, kcon_env, state_dir

MARK = "select 'kept-going' AS marker"  # what a script must not reach once a signal stopped it


class ScriptEndTest(BrokerTestCase):
    def setUp(self):
        self.state = state_dir(self)
        self.env = kcon_env(KCON_STATE_DIR=self.state)

    def script(self, text):
        path = os.path.join(self.state, "script.kcon")
        with open(path, "w") as f:
            f.write(text)
        return path

    def start(self, *args, stdin=subprocess.DEVNULL):
        p = subprocess.Popen([KCON, *args], stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=self.env, bufsize=0)

        def cleanup():
            if p.poll() is None:
                p.kill()
                p.wait()
            p.stdout.close()
            p.stderr.close()

        self.addCleanup(cleanup)
        return p

    def wait_output(self, p, stream, needle, timeout=60):
        """Reads p's stream until needle shows (the command is running); returns what was read."""
        got = b""
        deadline = time.monotonic() + timeout
        while needle.encode() not in got:
            left = deadline - time.monotonic()
            self.assertGreater(left, 0, f"timed out waiting for {needle!r}; stderr: {got[-2000:]!r}")
            ready, _, _ = select.select([stream], [], [], left)
            if ready:
                chunk = os.read(stream.fileno(), 65536)
                self.assertTrue(chunk, f"kcon ended before {needle!r}: {got[-2000:]!r}")
                got += chunk
        return got.decode("utf-8", "replace")

    def stop(self, p, signo, needle, on_stdout=False):
        """Waits for needle on stderr (or stdout), sends signo; returns all of (stdout, stderr)."""
        before = self.wait_output(p, p.stdout if on_stdout else p.stderr, needle)
        p.send_signal(signo)
        out, err = p.communicate(timeout=60)
        out, err = out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
        return (before + out, err) if on_stdout else (out, before + err)

    def assert_ended_by(self, p, signo, out, err):
        # Ended by the signal itself, as a shell does: $? is 128 + N (130, 143) and a calling
        # shell script stops as well.
        self.assertEqual(p.returncode, -signo, err)
        self.assertNotIn("kept-going", out)

    # --- signals -------------------------------------------------------------------------------

    def test_sigterm_ends_a_file_script_during_watch(self):
        s = self.script(f'watch --interval 1h\nhistory sql "{MARK}"\n')
        p = self.start("--demo", "-f", s)
        out, err = self.stop(p, signal.SIGTERM, "kcon: watch ")
        self.assert_ended_by(p, signal.SIGTERM, out, err)
        self.assertIn("ticks:", out)  # the stopped watch still gave its summary

    def test_sigint_ends_an_e_script_during_tail(self):
        p = self.start("--demo", "-e", f'tail orders -f -o json; history sql "{MARK}"')
        out, err = self.stop(p, signal.SIGINT, '"topic":"orders"', on_stdout=True)  # a first message
        self.assert_ended_by(p, signal.SIGINT, out, err)
        self.assertIn('"message":"tail orders:', err)  # its summary

    def test_sigterm_ends_a_stdin_script(self):
        with open(self.script(f'watch --interval 1h\nhistory sql "{MARK}"\n')) as f:
            p = self.start("--demo", stdin=f)
            out, err = self.stop(p, signal.SIGTERM, "kcon: watch ")
        self.assert_ended_by(p, signal.SIGTERM, out, err)

    def test_one_command_keeps_its_status(self):
        # `kcon watch` alone: Ctrl-C or SIGTERM is how it ends (docs/history.md, docs/tail.md).
        p = self.start("--demo", "watch", "--interval", "1h")
        out, err = self.stop(p, signal.SIGTERM, "kcon: watch ")
        self.assertEqual(p.returncode, 0, err)
        self.assertIn("ticks:", out)

    def test_sigterm_ends_a_script_on_the_broker(self):
        t = self.scratch_topic()
        kcat_produce(self.bootstrap, t, ["one", "two"])
        p = self.start("-b", self.bootstrap, "-e", f'tail {t} --from beginning -f -o json; history sql "{MARK}"')
        out, err = self.stop(p, signal.SIGTERM, '"value":"two"', on_stdout=True)
        self.assert_ended_by(p, signal.SIGTERM, out, err)

    # --- output that cannot be written -----------------------------------------------------------

    def run_kcon(self, *args, stdout=None, shell=None):
        cmd = ["bash", "-c", shell, KCON, *args] if shell else [KCON, *args]
        return subprocess.run(cmd, stdout=stdout or subprocess.PIPE, stderr=subprocess.PIPE, env=self.env,
                              text=True, timeout=120)

    def test_full_disk_fails(self):
        with open("/dev/full", "w") as full:
            for args in (("help", "--markdown"), ("-e", "help; help"), ("--help",), ("--version",),
                         ("--demo", "topics")):
                p = self.run_kcon(*args, stdout=full)
                self.assertEqual(p.returncode, 1, args)
                self.assertIn("kcon: writing output: No space left on device", p.stderr, args)

    def test_tail_to_a_full_disk_fails(self):
        t = self.scratch_topic()
        kcat_produce(self.bootstrap, t, [f"m{i}" for i in range(50)])
        with open("/dev/full", "w") as full:
            p = self.run_kcon("-b", self.bootstrap, "tail", t, "--from", "beginning", "-o", "json", stdout=full)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("kcon: writing output: No space left on device", p.stderr)
        # A script stops there: the output of what follows would be lost as well.
        with open("/dev/full", "w") as full:
            p = self.run_kcon("-b", self.bootstrap, "-e", f'tail {t} -o json; history sql "{MARK}"', stdout=full)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(p.stderr.count("writing output"), 1, p.stderr)

    def test_closed_stdout_fails(self):
        for args in (("--demo", "topics"), ("help",)):
            p = self.run_kcon(*args, shell='exec "$0" "$@" >&-')
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn("kcon: writing output: Bad file descriptor", p.stderr)
        # A store opened while stdout is closed (watch records a tick) does not take stdout's place:
        # the output is refused, and the store is whole.
        p = self.run_kcon("--demo", "watch", "--count", "1", shell='exec "$0" "$@" >&-')
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("kcon: writing output: Bad file descriptor", p.stderr)
        p = self.run_kcon("--demo", "history", "sql", "select count(*) AS n FROM cluster", "-o", "json")
        self.assertEqual((p.returncode, json.loads(p.stdout)["rows"]), (0, [{"n": 1}]), p.stderr)

    def test_closed_pipe_is_still_quiet(self):
        p = self.run_kcon("help", "--markdown", shell='"$0" "$@" | head -c 10 >/dev/null; exit "${PIPESTATUS[0]}"')
        self.assertEqual((p.returncode, p.stderr), (0, ""))

    # --- script inputs, intervals ----------------------------------------------------------------

    def test_a_directory_is_not_a_script(self):
        p = self.run_kcon("-f", self.state)
        self.assertEqual(p.returncode, 2)
        self.assertIn("Is a directory", p.stderr)
        d = os.open(self.state, os.O_RDONLY)
        try:
            p = subprocess.run([KCON], stdin=d, capture_output=True, text=True, env=self.env, timeout=60)
        finally:
            os.close(d)
        self.assertEqual(p.returncode, 2)
        self.assertIn("kcon: stdin: cannot read the commands: Is a directory", p.stderr)

    def test_watch_interval_is_bounded(self):
        for interval in ("30d", "25h"):
            p = self.run_kcon("--demo", "watch", "--interval", interval)
            self.assertEqual(p.returncode, 2, (interval, p.stderr))
            self.assertIn("at most 24h", p.stderr)
        # 24h itself is taken, and waits: one tick, then nothing until SIGTERM (no hot loop).
        p = self.start("--demo", "watch", "--interval", "24h")
        out, err = self.stop(p, signal.SIGTERM, "kcon: watch ")
        self.assertEqual(p.returncode, 0, err)
        self.assertIn("ticks:      1", out)


if __name__ == "__main__":
    unittest.main()
