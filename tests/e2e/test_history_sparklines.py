"""Sparklines from the history store on the real broker: `topics`, `groups`, `lag` and `group lag`
with --sparklines (what the TUI passes), their absence without it in JSON and with --no-history, and
the table on a terminal (a pty). Each test has its own state dir."""

import time
import unittest

from kcontest import KCON, BrokerTestCase, kcat_produce, kcon_env, run_on_tty, state_dir, unique, wait_until

BLOCKS = "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588"


def next_second():
    t = int(time.time())
    wait_until(lambda: int(time.time()) > t, what="the next second", interval=0.02)


class SparklineTest(BrokerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.envs = {"KCON_STATE_DIR": state_dir(cls, "kcon-spark-"), "LC_ALL": "C.UTF-8"}
        cls.topic = unique("spark")
        cls.group = unique("spark-g")
        cls.k.one("topic", "create", cls.topic, "--partitions", 2, "--replication-factor", 1)
        # Four ticks in four seconds: 10, 30, 60 and 100 messages more into partition 0 before each;
        # the group committed 5 on partition 0 and nothing on 1, so its lag grows with them.
        cls.produced = 0
        for i, n in enumerate((10, 30, 60, 100)):
            kcat_produce(cls.bootstrap, cls.topic, [f"m{i}-{j}" for j in range(n)], partition=0)
            cls.produced += n
            if i == 0:
                cls.k.one("group", "reset", cls.group, "--topic", f"{cls.topic}:0", "--to-offset", 5, "--execute")
            next_second()
            tick = cls.k.one("history", "tick", "--groups", cls.group, env=cls.envs)
            assert tick["groups"] == 1, tick

    @classmethod
    def tearDownClass(cls):
        cls.k.run("group", "delete", cls.group, "--yes")
        cls.k.run("topic", "delete", cls.topic, "--yes")

    def one(self, *args, env=None):
        e = dict(self.envs)
        e.update(env or {})
        return self.k.one(*args, env=e)

    def test_topics(self):
        t = self.one("topics", "--sparklines", self.topic)["topics"][0]
        spark = t["sparkline"]
        # No rate at the first point; then rising rates: the last cell is the highest.
        self.assertEqual(len(spark), 4, spark)
        self.assertEqual(spark[0], " ")
        self.assertTrue(set(spark[1:]) <= set(BLOCKS), spark)
        self.assertEqual(spark[-1], BLOCKS[-1])
        self.assertLess(BLOCKS.index(spark[1]), BLOCKS.index(spark[-1]))
        # ASCII outside a UTF-8 locale; none without --sparklines in JSON.
        ascii_ = self.one("topics", "--sparklines", self.topic, env={"LC_ALL": "C"})["topics"][0]["sparkline"]
        self.assertEqual(ascii_[-1], "@")
        self.assertNotIn("sparkline", self.one("topics", self.topic)["topics"][0])

    def test_groups_and_lag(self):
        for cmd in ("groups", "lag"):
            g = self.one(cmd, "--sparklines", self.group)["groups"]
            self.assertEqual([x["group"] for x in g], [self.group])
            spark = g[0]["sparkline"]
            self.assertEqual(len(spark), 4, spark)  # total lag 5, 35, 95, 195 + partition 1's
            self.assertEqual(spark[-1], BLOCKS[-1])
            self.assertEqual(sorted(spark, key=BLOCKS.index), list(spark), "the lag only grew")
            self.assertNotIn("sparkline", self.one(cmd, self.group)["groups"][0])

    def test_group_lag_per_partition(self):
        doc = self.one("group", "lag", self.group, "--sparklines")
        self.assertEqual(doc["total_lag"], self.produced - 5)
        self.assertEqual(len(doc["sparkline"]), 4)
        self.assertEqual(doc["sparkline"][-1], BLOCKS[-1])
        parts = {p["partition"]: p for p in doc["partitions"]}
        self.assertEqual(parts[0]["lag"], self.produced - 5)
        # Partition 0's lag moved: its spaced rows (the first, and the newest seen) rise.
        p0 = parts[0]["sparkline"]
        self.assertTrue(set(p0) <= set(BLOCKS), p0)
        self.assertEqual(p0[-1], BLOCKS[-1])
        self.assertLess(BLOCKS.index(p0[0]), BLOCKS.index(p0[-1]))
        self.assertNotIn("sparkline", self.one("group", "lag", self.group))

    def test_no_history_has_none(self):
        p, docs = self.k.json("--no-history", "group", "lag", self.group, "--sparklines", env=self.envs)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("sparkline", docs[0])
        self.assertTrue(all("sparkline" not in x for x in docs[0]["partitions"]))

    def test_group_lag_table_on_a_terminal(self):
        """Tables on a terminal have the sparklines without being asked: the `Lag 1h` line and a column."""
        rc, text, err = run_on_tty([KCON, "-b", self.bootstrap, "group", "lag", self.group], kcon_env(**self.envs),
                                   cols=200, rows=40)
        self.assertEqual(rc, 0, err)
        self.assertIn("Lag 1h", text)
        self.assertIn("LAG 1H", text)  # the partitions' column
        row = next(l for l in text.splitlines() if l.startswith(self.topic) and l.split()[1] == "0")
        self.assertEqual(row.split()[-1][-1], BLOCKS[-1])


if __name__ == "__main__":
    unittest.main()
