"""The TUI with the history store: the stored snapshot painted first, marked stale, and kept while the
cluster is unreachable; sparklines from stored samples; a long `history sql` that neither holds up the
views nor outlives Esc, Ctrl-C or SIGTERM. Against the real test broker."""

import os
import signal
import sqlite3
import tempfile
import unittest

from kcontest import KCON, Kcon, Proxy, kcat_produce, unique, wait_until
from tmuxscreen import ScreenTestCase
BLOCKS = set("\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588")


class TuiHistoryTest(ScreenTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.prefix = unique("0tuih")  # sorts first on a busy broker
        cls.topic = f"{cls.prefix}-orders"
        cls.k.one("topic", "create", cls.topic, "--partitions", 2, "--replication-factor", 1)

    @classmethod
    def tearDownClass(cls):
        cls.k.run("topic", "delete", cls.topic, "--yes")

    def state_dir(self):
        d = tempfile.TemporaryDirectory()
        self.addCleanup(d.cleanup)
        return d.name

    def start(self, args, width=140, height=30):
        return self.screen([KCON] + args, width, height)

    def row(self, scr, name):
        return next((l.split() for l in scr.lines() if l.split()[:1] == [name]), None)

    def test_unreachable_cluster_shows_stored_topics_stale(self):
        state = self.state_dir()
        proxy = Proxy(self.bootstrap)
        self.addCleanup(proxy.close)
        k = Kcon(proxy.address, ["--state-dir", state])
        names = [t["name"] for t in k.one("topics")["topics"]]  # stores the snapshot
        self.assertIn(self.topic, names)
        proxy.close()
        r = k.run("-o", "json", "-e", "topics")
        self.assertEqual(r.returncode, 3, "the bootstrap is unreachable now: " + r.stderr)

        scr = self.start(["-b", proxy.address, "--state-dir", state])
        text = scr.wait_for(lambda s: self.topic in s and "stale: snapshot from" in s,
                            what="the stored topics, marked stale")
        self.assertEqual(self.row(scr, self.topic)[:5], [self.topic, "2", "1", "0", "0"])
        self.assertRegex(text, r"stale: snapshot from \d+s ago")
        # The fresh load fails: the rows stay, still marked stale, with the error beside them; the
        # title bar says the cluster is unreachable and when it was last seen.
        text = scr.wait_for(lambda s: "unreachable, last seen" in s and "error:" in s,
                            what="the failed load reported beside the stored rows")
        self.assertIn(self.topic, text)
        self.assertIn("stale: snapshot from", scr.lines()[-2])
        self.assertRegex(scr.lines()[0], r"unreachable, last seen \d+s ago")
        # Other views of the snapshot: the cluster counts and a topic's partitions.
        scr.type(":cluster")
        scr.send("Enter")
        scr.wait_for(lambda s: "under_replicated" in s and "stale: snapshot" in s, what="the stale cluster view")
        fields = {l.split()[0]: l.split()[1:] for l in scr.lines()[2:-2] if l.split()}
        self.assertEqual(fields["brokers"], ["1"])
        self.assertNotIn("stale", fields)
        scr.type(f":topic {self.topic}")
        scr.send("Enter")
        scr.wait_for(lambda s: f"topic {self.topic}" in s and " 1/2 " in s and "stale: snapshot" in s,
                     what="the stale partitions view")
        rows = [l.split() for l in scr.lines()[2:4]]
        self.assertEqual([r[:4] + r[4:7] for r in rows], [["0", "1", "1", "1", "-", "-", "-"],
                                                          ["1", "1", "1", "1", "-", "-", "-"]])
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_stored_rows_first_then_the_cluster_replaces_them(self):
        """The first frame comes from the store's compact topic rows (a row that only that table holds
        shows), stays while the cluster is unreachable, and the cluster's answer replaces it once the
        cluster is back."""
        state = self.state_dir()
        proxy = Proxy(self.bootstrap)
        self.addCleanup(proxy.close)
        Kcon(proxy.address, ["--state-dir", state]).one("topics")  # the snapshot and its rows
        ghost = f"{self.prefix}-ghost"  # in topic_row only: not in the snapshot's document, nor the cluster
        with sqlite3.connect(os.path.join(state, "history.db")) as db:
            db.execute("INSERT INTO topic_row SELECT cluster, ?, 7, 1, 0, 0, 0 FROM topic_row LIMIT 1", (ghost,))
        port = proxy.port
        proxy.close()

        scr = self.start(["-b", proxy.address, "--state-dir", state])
        scr.wait_for(lambda s: ghost in s and self.topic in s and "stale: snapshot from" in s,
                     what="the stored rows, marked stale")
        self.assertEqual(self.row(scr, ghost)[:5], [ghost, "7", "1", "0", "0"])
        self.assertEqual(self.row(scr, self.topic)[:5], [self.topic, "2", "1", "0", "0"])
        # The cluster's load fails: the stored rows stay (the fallback reads the same rows).
        text = scr.wait_for(lambda s: "unreachable, last seen" in s and "error:" in s,
                            what="the failed load beside the stored rows")
        self.assertIn(ghost, text)
        # The cluster is back: the next load's rows replace the stored ones, the stale mark goes.
        back = Proxy(self.bootstrap, port=port)
        self.addCleanup(back.close)
        scr.send("r")
        scr.wait_for(lambda s: ghost not in s and self.topic in s and "stale" not in s and "error:" not in s,
                     timeout=60, what="the cluster's rows in place of the stored ones")
        self.assertEqual(self.row(scr, self.topic)[:5], [self.topic, "2", "1", "0", "0"])
        self.assertNotIn("last seen", scr.lines()[0])
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_a_new_store_is_not_made_before_the_first_answer(self):
        """With a new state dir nothing is stored: the first view's request goes first, not behind
        making the store (the stored-snapshot requests and the prompt's recall, queued ahead of it,
        made it). A black-holed cluster holds that request (10 s, long enough for a loaded machine to
        see it loading; quitting waits for it); the store is still not made meanwhile, up to the quit."""
        state = self.state_dir()
        store = os.path.join(state, "history.db")
        hole = Proxy(self.bootstrap, black_hole=True)
        self.addCleanup(hole.close)
        scr = self.start(["-b", hole.address, "--state-dir", state, "--timeout", "10"])
        wait_until(lambda: hole.conns, what="the first view's request reaching the cluster")
        scr.wait_for(lambda s: "topics" in s and "loading" in s, what="the topics view, still loading")
        self.assertFalse(os.path.exists(store))
        # still unanswered (loading) and still no store, right before quitting
        scr.wait_for(lambda s: "loading" in s and "error:" not in s, what="the first view still loading")
        self.assertFalse(os.path.exists(store))
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_offline_shows_stored_topics_stale(self):
        state = self.state_dir()
        Kcon(self.bootstrap, ["--state-dir", state]).one("topics")
        scr = self.start(["-b", self.bootstrap, "--state-dir", state, "--offline"])
        text = scr.wait_for(lambda s: self.topic in s and "stale: snapshot from" in s and "offline" in s,
                            what="the stored topics with --offline")
        self.assertEqual(self.row(scr, self.topic)[:5], [self.topic, "2", "1", "0", "0"])
        self.assertIn("offline, last seen", scr.lines()[0])
        self.assertNotIn("error:", text)
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_fresh_data_replaces_the_snapshot(self):
        state = self.state_dir()
        Kcon(self.bootstrap, ["--state-dir", state]).one("topics")  # a snapshot without the new topic
        newer = f"{self.prefix}-newer"
        self.scratch_topic(newer)
        scr = self.start(["-b", self.bootstrap, "--state-dir", state])
        text = scr.wait_for(lambda s: newer in s and "updated" in s, what="the fresh topics")
        self.assertNotIn("stale", text)
        self.assertIn("connected", scr.lines()[0])
        self.assertNotIn("last seen", scr.lines()[0])
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_no_history_shows_no_snapshot(self):
        state = self.state_dir()
        proxy = Proxy(self.bootstrap)
        self.addCleanup(proxy.close)
        Kcon(proxy.address, ["--state-dir", state]).one("topics")
        proxy.close()
        scr = self.start(["-b", proxy.address, "--state-dir", state, "--no-history"])
        text = scr.wait_for(lambda s: "error:" in s, what="the failed load")
        self.assertNotIn(self.topic, text)
        self.assertNotIn("stale", text)
        self.assertNotIn("last seen", text)
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_a_note_shows_escaped_once_in_the_log(self):
        """A note quoting a backslash and an ESC (here the notice that a damaged history.db was moved
        aside) shows in `:log` escaped once, as on stderr: note_send escaped it and the log again,
        so `a\\b` showed as `a\\\\b` and the ESC as `\\x1b`."""
        state = os.path.join(self.state_dir(), "a\\b\x1b[2J")
        os.mkdir(state)
        with open(os.path.join(state, "history.db"), "wb") as f:
            f.write(os.urandom(8192))
        scr = self.start(["-b", self.bootstrap, "--state-dir", state], width=200)
        scr.wait_for(lambda s: self.topic in s and "updated" in s, what="the topics")
        scr.send("L")
        text = scr.wait_for(lambda s: "\n log " in s and "was unreadable" in s, what="the notice in the log")
        self.assertRegex(text, r"note +history store .*/a\\\\b\\x1b\[2J/history\.db was unreadable")
        self.assertNotIn("a\\\\\\", text)
        self.assertNotIn("\\\\x1b", text)
        scr.type(":quit")
        scr.send("Enter")
        self.assertEqual(scr.exit_status(), 0)

    def test_a_long_history_sql_neither_wedges_nor_outlives_the_tui(self):
        state = self.state_dir()
        Kcon(self.bootstrap, ["--state-dir", state]).one("history", "tick")
        scr = self.start(["-b", self.bootstrap, "--state-dir", state])
        scr.wait_for(lambda s: self.topic in s and "updated" in s, what="the topics")
        forever = "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c) SELECT count(*) FROM c"

        def query_then(view, shown):
            """Starts a query without a time limit, then a view: the view is queued after the query,
            so once it shows, the query has started beside it and runs on."""
            scr.type(f":history sql --max-time 0 '{forever}'")
            scr.send("Enter")
            scr.type(view)
            scr.send("Enter")
            scr.wait_for(lambda s: shown in s and "updated" in s, what=f"{view} while the query runs")
            self.assertNotIn("history sql", scr.text())
        # The views answer while the query runs; Esc, then Ctrl-C, interrupt it and the TUI goes on.
        for stop, view, shown in (("Escape", ":brokers", "brokers 1/1"), ("C-c", ":cluster", "under_replicated")):
            query_then(view, shown)
            scr.send(stop)
            scr.wait_for("history sql: interrupted", what=f"{stop} interrupting the query")
            self.assertFalse(scr.dead())
            scr.send("Escape")  # closes the result
            scr.wait_for(lambda s: "history sql" not in s, what="the result closed")
        # SIGTERM while a query runs ends the TUI at once.
        query_then(":brokers", "brokers 1/1")
        os.kill(scr.program_pid(), signal.SIGTERM)
        self.assertEqual(scr.exit_status(), 0)

    def test_sparklines_in_topics_lag_and_group_views(self):
        state = self.state_dir()
        k = Kcon(self.bootstrap, ["--state-dir", state])
        topic = f"{self.prefix}-spark"
        group = f"{self.prefix}-g"
        self.scratch_topic(topic)
        self.addCleanup(self.k.run, "group", "delete", group, "--yes")
        # Ticks one second apart (samples are whole seconds), with messages between them and a lag.
        for i in range(4):
            kcat_produce(self.bootstrap, topic, [f"m{i}-{j}" for j in range(10 * (i + 1))])
            if i == 0:
                k.one("group", "reset", group, "--topic", topic, "--to-offset", 1, "--execute")
            k.one("history", "tick", "--groups", group)
            wait_until(lambda n=i: len(k.one("history", "topic", topic)["points"]) >= n + 1,
                       what="one more stored point")
            self._next_second()
        scr = self.start(["-b", self.bootstrap, "--state-dir", state])
        scr.wait_for(lambda s: topic in s and "updated" in s, what="the topics view")
        self.assertIn("MSG/S 1H", scr.lines()[1])
        spark = self.row(scr, topic)[5]
        self.assertTrue(set(spark) <= BLOCKS and len(spark) >= 2, spark)
        scr.type(":lag")
        scr.send("Enter")
        scr.wait_for(lambda s: group in s, what="the lag view")
        row = self.row(scr, group)
        # nobody consumes while the stored lag grows: STOP (docs/monitoring.md), then the sparkline
        self.assertEqual(row[2], "STOP", row)
        self.assertTrue(set(row[3]) <= BLOCKS, row)
        scr.send("Enter")
        scr.wait_for(lambda s: f"group {group}" in s and "total lag" in s, what="the group view")
        self.assertIn("LAG 1H", scr.lines()[1])
        prow = self.row(scr, topic)
        self.assertTrue(set(prow[-1]) <= BLOCKS, prow)
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    @staticmethod
    def _next_second():
        import time
        t = int(time.time())
        wait_until(lambda: int(time.time()) > t, what="the next second", interval=0.02)


if __name__ == "__main__":
    unittest.main()
