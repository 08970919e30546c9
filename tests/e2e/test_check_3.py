"""`kcon check`'s partition rules on three brokers: stop one, and --no-under-replicated and
--no-under-min-isr fail (exit 1) on exactly the partitions of an RF 3 topic with
min.insync.replicas=3, --no-offline on the partitions of an RF 1 topic the stopped broker held, a
--topic pattern that matches neither passes; restart it, and every rule passes again once the ISRs
are complete. The broker is restarted in a cleanup so that later tests see three brokers."""

import os
import shutil
import subprocess
import tempfile
import unittest

from kcontest import BrokerTestCase, unique, wait_until

STOPPED = 2


class CheckClusterTest(BrokerTestCase):
    dirvar = "KCON_TEST_BROKER3_DIR"

    def setUp(self):
        self.state = tempfile.mkdtemp(prefix="kcon-check3-")
        self.addCleanup(shutil.rmtree, self.state, True)
        self.envs = {"KCON_STATE_DIR": self.state}

    def ctl(self, *args):
        subprocess.run([os.environ["KCON_KAFKA_CTL"], args[0], "--workdir", os.environ[self.dirvar], *args[1:]],
                       check=True, timeout=180)

    def restart(self):
        if self.stopped:
            self.ctl("start-broker", str(STOPPED))  # refuses a running broker
            self.stopped = False

    def check(self, *args):
        """Runs check -o json; returns (exit status, document), checking the documented shape."""
        p, docs = self.k.json("check", *args, env=self.envs)
        self.assertIn(p.returncode, (0, 1), p.stderr)
        docs = [d for d in docs if "error" not in d]
        self.assertEqual(len(docs), 1, (p.stdout, p.stderr))
        doc = docs[0]
        self.assertEqual(set(doc), {"ok", "cluster", "time", "partitions", "window_s", "groups", "failures"}, doc)
        self.assertEqual([type(doc[k]) for k in ("ok", "cluster", "time", "partitions", "window_s", "groups")],
                         [bool, str, str, int, int, list], doc)
        self.assertEqual(doc["ok"], p.returncode == 0, doc)
        self.assertEqual(doc["ok"], doc["failures"] == [], doc)
        for f in doc["failures"]:
            self.assertEqual(set(f), {"rule", "group", "topic", "partition", "value", "limit", "detail"}, f)
        if p.returncode == 1:
            self.assertIn("failed", p.stderr)
        return p.returncode, doc

    def failing(self, doc, rule):
        """The (topic, partition) pairs the document fails under rule, sorted."""
        return sorted((f["topic"], f["partition"]) for f in doc["failures"] if f["rule"] == rule)

    def test_stopped_broker_fails_the_partition_rules(self):
        self.assertEqual(len(self.k.one("brokers")["brokers"]), 3)
        rf3, rf1 = unique("chk3"), unique("chk1")
        self.k.one("topic", "create", rf3, "--partitions", 3, "--replication-factor", 3,
                   "--config", "min.insync.replicas=3")
        self.addCleanup(self.k.run, "topic", "delete", rf3, "--yes")
        self.k.one("topic", "create", rf1, "--partitions", 6, "--replication-factor", 1)
        self.addCleanup(self.k.run, "topic", "delete", rf1, "--yes")
        wait_until(lambda: all(len(p["isr"]) == 3 for p in self.k.one("topic", "describe", rf3)["partitions"]),
                   what="complete ISRs of the RF 3 topic")
        placed = wait_until(lambda: (lambda d: d if all(p["leader"] >= 1 for p in d["partitions"]) else None)(
            self.k.one("topic", "describe", rf1)), what="leaders of the RF 1 topic")
        held = sorted(p["partition"] for p in placed["partitions"] if p["replicas"] == [STOPPED])
        self.assertTrue(0 < len(held) < 6, placed)  # RF 1 over 3 brokers: the stopped one holds some
        all_rf3 = [(rf3, p) for p in range(3)]

        for rule in ("--no-under-replicated", "--no-under-min-isr"):
            rc, doc = self.check(rule, "--topic", rf3)
            self.assertEqual((rc, doc["partitions"], doc["failures"]), (0, 3, []), doc)
        rc, doc = self.check("--no-offline", "--topic", rf1)
        self.assertEqual((rc, doc["partitions"]), (0, 6), doc)

        self.stopped = False
        self.addCleanup(self.restart)  # also when an assertion below fails
        self.ctl("stop-broker", str(STOPPED))
        self.stopped = True

        def failing_all(rule, topic, want):
            def cond():
                rc, doc = self.check(rule, "--topic", topic)
                return doc if rc == 1 and self.failing(doc, rule.removeprefix("--no-")) == want else None
            return wait_until(cond, 60, f"check {rule} to fail on {want}")

        doc = failing_all("--no-under-replicated", rf3, all_rf3)
        for f in doc["failures"]:
            self.assertEqual((f["rule"], f["group"], f["value"], f["limit"]), ("under-replicated", None, 2, 3), f)
        self.assertEqual(doc["partitions"], 3)
        doc = failing_all("--no-under-min-isr", rf3, all_rf3)
        for f in doc["failures"]:
            self.assertEqual((f["rule"], f["value"], f["limit"]), ("under-min-isr", 2, 3), f)
        doc = failing_all("--no-offline", rf1, [(rf1, p) for p in held])
        for f in doc["failures"]:
            self.assertEqual((f["rule"], f["value"], f["limit"]), ("offline", -1, None), f)
        # a --topic pattern that matches neither topic judges nothing else of theirs
        rc, doc = self.check("--no-under-replicated", "--no-under-min-isr", "--no-offline",
                             "--topic", unique("other"))
        self.assertEqual((rc, doc["partitions"], doc["failures"]), (0, 0, []), doc)
        # the table names the failing partitions; stderr says how many
        p = self.k.run("check", "--no-under-replicated", "--no-under-min-isr", "--topic", rf3, env=self.envs)
        self.assertEqual(p.returncode, 1, p.stderr)
        rows = [ln.split() for ln in p.stdout.splitlines() if rf3 in ln]
        self.assertEqual(sorted(tuple(r[:6]) for r in rows),
                         sorted([(rule, "-", rf3, str(i), "2", "3") for i in range(3)
                                 for rule in ("under-replicated", "under-min-isr")]), p.stdout)
        self.assertIn("6 checks failed", p.stderr)

        self.restart()

        def healed():
            rc, doc = self.check("--no-under-replicated", "--no-under-min-isr", "--no-offline", "--topic", "chk")
            mine = [f for f in doc["failures"] if f["topic"] in (rf1, rf3)]
            return doc if not mine else None
        wait_until(healed, 120, "ISRs complete and leaders back")
        for rule in ("--no-under-replicated", "--no-under-min-isr"):
            rc, doc = self.check(rule, "--topic", rf3)
            self.assertEqual((rc, doc["partitions"], doc["failures"]), (0, 3, []), doc)
        rc, doc = self.check("--no-offline", "--topic", rf1)
        self.assertEqual((rc, doc["partitions"], doc["failures"]), (0, 6, []), doc)


if __name__ == "__main__":
    unittest.main()
