"""End to end on three brokers: stop one, and exactly the partitions it led or followed show up
as under-replicated in `topics --under-replicated` and `topic describe`; restart it, and they
are healthy again."""

import os
import subprocess
import unittest

from kcontest import BrokerTestCase, unique, wait_until


class ReplicationTest(BrokerTestCase):
    dirvar = "KCON_TEST_BROKER3_DIR"

    def ctl(self, *args):
        subprocess.run([os.environ["KCON_KAFKA_CTL"], args[0], "--workdir", os.environ[self.dirvar], *args[1:]],
                       check=True, timeout=180)

    def test_stopped_broker_shows_under_replicated(self):
        brokers = self.k.one("brokers")["brokers"]
        self.assertEqual([(b["id"], b["rack"]) for b in brokers], [(1, "rack-1"), (2, "rack-2"), (3, "rack-3")])
        t = unique("repl")
        self.k.one("topic", "create", t, "--partitions", 6, "--replication-factor", 2,
                   "--config", "min.insync.replicas=2")
        # the cluster-wide counts below are this topic's only while no earlier run's topic is left
        self.addCleanup(self.k.run, "topic", "delete", t, "--yes")
        before = wait_until(lambda: (lambda d: d if all(len(p["isr"]) == 2 for p in d["partitions"]) else None)(
            self.k.one("topic", "describe", t)), what="all ISRs complete")
        hit = {p["partition"] for p in before["partitions"] if 2 in p["replicas"]}
        self.assertTrue(0 < len(hit) < 6, before)  # RF 2 on 3 brokers: broker 2 holds some, not all

        self.ctl("stop-broker", "2")
        try:
            def degraded():
                got = self.k.one("topics", t, "--under-replicated")["topics"]
                return got if got and got[0]["under_replicated"] == len(hit) else None
            self.assertEqual(wait_until(degraded, 60, "under-replicated partitions")[0]["name"], t)
            d = self.k.one("topic", "describe", t)
            self.assertEqual(d["under_replicated"], len(hit))
            for p in d["partitions"]:
                if p["partition"] in hit:
                    self.assertEqual(p["status"], "under-min-isr", p)
                    self.assertNotIn(2, p["isr"])
                    self.assertNotEqual(p["leader"], 2)
                else:
                    self.assertEqual(p["status"], "ok", p)
            c = self.k.one("cluster")
            self.assertEqual(c["brokers"], 2)
            self.assertEqual(c["under_min_isr"], len(hit))  # an ISR of 1 is below min.insync.replicas=2
            table = self.k.run("topic", "describe", t).stdout
            self.assertEqual(table.count("under-min-isr\n"), len(hit))
        finally:
            self.ctl("start-broker", "2")

        def healed():
            d = self.k.one("topic", "describe", t)
            return d if d["under_replicated"] == 0 else None
        d = wait_until(healed, 120, "ISR to be complete again")
        self.assertEqual(self.k.one("cluster")["under_min_isr"], 0)
        self.assertEqual([p["status"] for p in d["partitions"]], ["ok"] * 6)
        self.assertEqual(self.k.one("topics", t, "--under-replicated")["topics"], [])


if __name__ == "__main__":
    unittest.main()
