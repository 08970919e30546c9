"""The history store under hostile conditions (issue 10): a `history sql` that would run forever is
bounded by its time and row limits and stopped by SIGTERM; text that is not UTF-8 is shown, not
dropped; read-only `history` commands work on a full disk (a small tmpfs) and on a history.db of
mode 0400, and the writing ones say why they cannot; `watch` says whether a failed tick was
recorded and fails when ticks failed. Each test has its own state dir."""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kcontest import KCON, kcon_env, unique, wait_until  # noqa: E402
from test_history import HistoryCase  # noqa: E402

FOREVER = "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c) "


class HistoryStoreTest(HistoryCase):
    def test_sql_limits_on_the_command_line(self):
        self.h("history", "tick")
        cases = (
            (["--max-time", "300ms", FOREVER + "SELECT count(*) FROM c"], "300ms, the time limit", "--max-time"),
            (["--max-rows", "5", FOREVER + "SELECT i FROM c"], "more than 5 rows, the row limit", "--max-rows"),
        )
        for args, cause, option in cases:
            t0 = time.monotonic()
            p = self.k.run("history", "sql", *args, env=self.envs)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertLess(time.monotonic() - t0, 20)
            self.assertIn(cause, p.stderr)
            self.assertRegex(p.stderr, f"hint: .*{option}")
        # within the limits, the rows
        rows = self.h("history", "sql", "--max-rows", "3", FOREVER + "SELECT i FROM c LIMIT 3")["rows"]
        self.assertEqual(rows, [{"i": 1}, {"i": 2}, {"i": 3}])
        p = self.k.run("history", "sql", "--max-time", "-1s", "SELECT 1", env=self.envs)
        self.assertEqual(p.returncode, 2, p.stderr)

    def test_sigterm_stops_a_query_without_limits(self):
        self.h("history", "tick")
        env = kcon_env(**self.envs)
        query = ["history", "sql", "--max-time", "0", FOREVER + "SELECT count(*) FROM c"]
        # the one command of the command line fails (1); a script's stops it as a shell would (143)
        line = " ".join(query[:4]) + f" '{query[4]}'; history sql 'SELECT 42 AS answer'"
        for argv, status in ((query, 1), (["-e", line], 128 + signal.SIGTERM)):
            p = subprocess.Popen([KCON, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
            self.addCleanup(lambda p=p: p.poll() is None and p.kill())

            def cpu():  # user + system clock ticks: kcon is idle but for the query
                with open(f"/proc/{p.pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                return int(fields[11]) + int(fields[12])
            wait_until(lambda: cpu() >= 30, what="the query running")  # 0.3 s of CPU
            p.send_signal(signal.SIGTERM)
            out, err = p.communicate(timeout=20)
            self.assertIn(p.returncode, (status, -signal.SIGTERM if status > 128 else status), err)
            self.assertIn("history sql: interrupted", err)
            self.assertNotIn("42", out)

    def test_sql_shows_text_that_is_not_utf8(self):
        self.h("history", "tick")
        con = sqlite3.connect(os.path.join(self.state, "history.db"))
        con.execute("INSERT INTO command(ts_ms, face, line) VALUES(1, 'x', CAST(? AS TEXT))", (b"ab\xffc",))
        con.commit()
        con.close()
        rows = self.h("history", "sql", "SELECT id > 0 AS ok, line, hex(line) AS h FROM command WHERE face = 'x'")
        self.assertEqual(rows["rows"], [{"ok": 1, "line": "ab\ufffdc", "h": "6162FF63"}])
        p = self.k.run("history", "sql", "SELECT line FROM command WHERE face = 'x'", env=self.envs)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("ab\ufffdc", p.stdout)

    def mount_small_tmpfs(self):
        mnt = tempfile.mkdtemp(prefix="kcon-full-")
        self.addCleanup(shutil.rmtree, mnt, True)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", mnt], capture_output=True)
        if r.returncode != 0:
            self.skipTest(f"cannot mount a tmpfs here: {r.stderr.decode().strip()}")
        self.addCleanup(subprocess.run, ["umount", "-l", mnt], capture_output=True)
        return mnt

    def test_read_only_commands_work_on_a_full_disk(self):
        mnt = self.mount_small_tmpfs()
        self.envs = {"KCON_STATE_DIR": os.path.join(mnt, "state")}
        topic = self.create_topic(1)
        self.h("history", "tick")
        self.h("history", "tick")
        with open(os.path.join(mnt, "fill"), "wb", buffering=0) as f:  # fill the disk to its last byte
            for size in (65536, 1):
                try:
                    while f.write(b"\0" * size):
                        pass
                except OSError:
                    pass
        self.assertLess(shutil.disk_usage(mnt).free, 4096)
        self.assertEqual(self.h("history", "sql", "SELECT count(*) AS n FROM cluster")["rows"], [{"n": 1}])
        self.assertTrue(self.h("history", "snapshot")["topics"])
        self.h("history", "events")
        self.assertTrue(self.h("history", "topic", topic)["points"])
        self.assertTrue(self.h("history", "export")["samples"])
        # writing says the disk is full, and never to remove the store
        for args in (("history", "prune"), ("history", "tick")):
            p = self.k.run(*args, env=self.envs)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn("disk is full", p.stderr)
            self.assertIn("free space", p.stderr)
            self.assertNotIn("remove", p.stderr)
            self.assertNotIn("aside", p.stderr)

    def as_nobody(self, *args):
        """kcon run by an unprivileged user when the test runs as root (root may write a 0400 file)."""
        cmd = [KCON, "-b", self.bootstrap, "-o", "json", *args]
        if os.geteuid() == 0:
            cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + cmd
        env = kcon_env(HOME="/nonexistent", **self.envs)
        return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)

    def test_a_store_of_mode_0400_is_read(self):
        topic, group = self.create_topic(1), unique("g")
        self.commit(group, topic, 0)
        self.h("history", "tick", "--groups", group)
        if os.geteuid() == 0:  # the unprivileged user owns the state, as it would its own
            os.chmod(self.state, 0o755)  # so that it can reach the binary's build dir's siblings
            for root, dirs, files in os.walk(self.state):
                for n in dirs + files + ["."]:
                    os.chown(os.path.join(root, n), 65534, 65534)
        db = os.path.join(self.state, "history.db")
        os.chmod(db, 0o400)
        for args in (("history", "lag", group), ("history", "events"), ("history", "sql", "SELECT 1 AS n")):
            p = self.as_nobody(*args)
            self.assertEqual(p.returncode, 0, f"{args}: {p.stderr}")
        self.assertEqual(os.stat(db).st_mode & 0o777, 0o400)
        p = self.as_nobody("history", "prune")
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("read-only", p.stderr)
        self.assertIn("chmod u+w", p.stderr)
        self.assertNotIn("remove", p.stderr)

    def test_watch_says_what_it_recorded_and_fails_when_ticks_failed(self):
        dead = "127.0.0.1:1"
        args = ["-b", dead, "--timeout", "1", "-o", "json", "watch", "--interval", "100ms", "--count", "2"]
        # a bootstrap the store never saw: nothing is recorded, and watch says so
        p = self.k.run(*args, env=self.envs, bootstrap=False)
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("(not recorded: the store knows no cluster behind this bootstrap yet)", p.stderr)
        self.assertNotIn("recorded as a gap", p.stderr)
        self.assertIn("2 of 2 ticks failed", p.stderr)
        self.assertIn("check the bootstrap and the cluster", p.stderr)  # the verdict keeps its hint
        self.assertEqual(p.stdout.count("\n"), 1)
        self.assertEqual(json.loads(p.stdout)["failed"], 2)
        # a cluster last seen through that bootstrap: its outage is a gap
        con = sqlite3.connect(os.path.join(self.state, "history.db"))
        con.execute("INSERT INTO cluster(key, bootstrap, seen_ms) VALUES('gone', ?, 1)", (dead,))
        con.commit()
        con.close()
        p = self.k.run(*args, env=self.envs, bootstrap=False)
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertEqual(p.stderr.count("(recorded as a gap)"), 2)
        gaps = self.h("history", "sql", "SELECT count(*) AS n FROM gap")["rows"]
        self.assertEqual(gaps, [{"n": 1}])


if __name__ == "__main__":
    unittest.main()
