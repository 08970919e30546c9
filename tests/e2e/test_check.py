"""Consumer status and `kcon check` on the real broker: a group goes OK -> STOP when it stops
consuming while messages arrive (in `check`, `lag` and `group lag`), --max-lag and the partition
rules pass and fail with exit 1 and the failing items, usage errors exit 2. Each test has its own
state dir (history store); each `check` samples once, so repeated checks build the window."""

import os
import shutil
import tempfile
import unittest

from kcontest import BrokerTestCase, kcat_produce, unique, wait_until


class CheckTest(BrokerTestCase):
    def setUp(self):
        self.state = tempfile.mkdtemp(prefix="kcon-check-")
        self.addCleanup(shutil.rmtree, self.state, True)
        self.envs = {"KCON_STATE_DIR": self.state}

    def check(self, *args):
        """Runs check -o json; returns (exit status, document)."""
        p, docs = self.k.json("check", *args, env=self.envs)
        self.assertIn(p.returncode, (0, 1), p.stderr)
        docs = [d for d in docs if "error" not in d]
        self.assertEqual(len(docs), 1, (p.stdout, p.stderr))
        doc = docs[0]
        self.assertEqual(doc["ok"], p.returncode == 0, doc)
        return p.returncode, doc

    def gone(self, *groups):
        """Deletes the groups at the end: other tests' lag views list every group of the broker."""
        for g in groups:
            self.addCleanup(self.k.run, "group", "delete", g, "--yes")

    def group_of(self, doc, group):
        return next(g for g in doc["groups"] if g["group"] == group)

    def test_ok_then_stop(self):
        topic, group = self.create_topic(2), unique("g")
        self.gone(group)
        for p in (0, 1):
            kcat_produce(self.bootstrap, topic, [f"m{i}" for i in range(10)], partition=p)
        self.k.one("group", "reset", group, "--topic", topic, "--to-latest", "--execute")
        rc, doc = self.check("--group", group, "--status-not", "STOP,STALL,ERR", "--window", "30s")
        self.assertEqual(rc, 0, doc)
        g = self.group_of(doc, group)
        self.assertEqual((g["status"], g["lag"], g["state"]), ("OK", 0, "Empty"), g)
        self.assertEqual(doc["failures"], [])
        lag = self.k.one("lag", group, "--window", "30s", env=self.envs)["groups"][0]
        self.assertEqual(lag["status"], "OK", lag)
        # nobody consumes while messages arrive: no commits while the lag grows
        kcat_produce(self.bootstrap, topic, [f"n{i}" for i in range(7)], partition=1)
        def stopped():
            rc, doc = self.check("--group", group, "--status-not", "STOP,STALL,ERR", "--window", "30s")
            return (rc, doc) if rc == 1 else None
        rc, doc = wait_until(stopped, what="check fails with STOP")
        g = self.group_of(doc, group)
        self.assertEqual((g["status"], g["lag"], g["worst_topic"], g["worst_partition"]), ("STOP", 7, topic, 1), g)
        self.assertEqual(doc["failures"], [{"rule": "status-not", "group": group, "topic": topic, "partition": 1,
                                            "value": "STOP", "limit": None, "detail": g["status_reason"]}])
        # the same status in lag and group lag, per group and per partition
        lag = self.k.one("lag", group, "--window", "30s", env=self.envs)["groups"][0]
        self.assertEqual((lag["status"], lag["total_lag"]), ("STOP", 7), lag)
        gl = self.k.one("group", "lag", group, "--window", "30s", env=self.envs)
        self.assertEqual(gl["status"], "STOP")
        self.assertEqual({(r["partition"], r["status"]) for r in gl["partitions"]}, {(0, "OK"), (1, "STOP")})
        # a status that is not listed passes
        rc, doc = self.check("--group", group, "--status-not", "ERR", "--window", "30s")
        self.assertEqual((rc, doc["failures"]), (0, []))
        # the table names the failing item
        p = self.k.run("check", "--group", group, "--status-not", "STOP", "--window", "30s", env=self.envs)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("status-not", p.stdout)
        self.assertIn(group, p.stdout)
        self.assertIn("STOP", p.stdout)
        self.assertIn("1 check failed", p.stderr)

    def test_no_history_no_status(self):
        """Without stored samples in the window a group has no status (null), never a guess."""
        topic, group = self.create_topic(1), unique("g")
        self.gone(group)
        self.k.one("group", "reset", group, "--topic", topic, "--to-latest", "--execute")
        lag = self.k.one("lag", group, env=self.envs)["groups"][0]
        self.assertIsNone(lag.get("status"), lag)
        self.assertIn("watch", lag["status_reason"])
        # a command that only reads makes no store
        self.assertFalse(os.path.exists(os.path.join(self.state, "history.db")))

    def test_max_lag_and_topic_pattern(self):
        t1, t2, group = self.create_topic(1), self.create_topic(1), unique("g")
        self.gone(group)
        kcat_produce(self.bootstrap, t1, [f"a{i}" for i in range(100)], partition=0)
        kcat_produce(self.bootstrap, t2, [f"b{i}" for i in range(5)], partition=0)
        self.k.one("group", "reset", group, "--topic", t1, "--topic", t2, "--to-earliest", "--execute")
        rc, doc = self.check("--group", group, "--max-lag", "50")
        self.assertEqual(rc, 1)
        self.assertEqual(doc["failures"], [{"rule": "max-lag", "group": group, "topic": None, "partition": None,
                                            "value": 105, "limit": 50,
                                            "detail": "the group's lag is above the limit"}])
        rc, doc = self.check("--group", group, "--max-lag", "105")
        self.assertEqual((rc, doc["failures"]), (0, []))
        # --topic: only the lag of that topic's partitions counts
        rc, doc = self.check("--group", group, "--max-lag", "50", "--topic", t2)
        self.assertEqual(rc, 0, doc)
        self.assertEqual(self.group_of(doc, group)["lag"], 5)
        # another group's pattern judges nothing of this group
        rc, doc = self.check("--group", unique("none"), "--max-lag", "0")
        self.assertEqual((rc, doc["groups"]), (0, []))

    def test_partition_rules_pass_on_a_healthy_cluster(self):
        topic = self.create_topic(3)
        rc, doc = self.check("--no-offline", "--no-under-replicated", "--no-under-min-isr", "--topic", topic,
                             "--group", unique("none"))
        self.assertEqual((rc, doc["failures"], doc["partitions"]), (0, [], 3))

    def test_usage(self):
        for args, what in ((["check"], "no rule"), (["check", "--status-not", "BOGUS"], "BOGUS"),
                           (["check", "--max-lag", "-1"], "max-lag"),
                           (["check", "--max-lag", "1", "--window", "soon"], "window")):
            p = self.k.run(*args, env=self.envs)
            self.assertEqual(p.returncode, 2, (args, p.stdout, p.stderr))
            self.assertIn(what, p.stderr, args)
        p = self.k.run("lag", "--window", "soon", env=self.envs)
        self.assertEqual(p.returncode, 2, p.stderr)


if __name__ == "__main__":
    unittest.main()
