"""End to end on three brokers: after a broker restarts, the partitions it should lead are led by
others; `cluster` and `brokers` count them, and `leaders elect` (preferred) moves leadership back."""

import os
import subprocess
import unittest

from kcontest import BrokerTestCase, unique, wait_until


class LeadersTest(BrokerTestCase):
    dirvar = "KCON_TEST_BROKER3_DIR"

    def ctl(self, *args):
        subprocess.run([os.environ["KCON_KAFKA_CTL"], args[0], "--workdir", os.environ[self.dirvar], *args[1:]],
                       check=True, timeout=180)

    def test_preferred_election_after_restart(self):
        t = unique("lead")
        self.k.one("topic", "create", t, "--partitions", 6, "--replication-factor", 3)
        self.addCleanup(self.k.run, "topic", "delete", t, "--yes")
        d = wait_until(lambda: (lambda d: d if all(len(p["isr"]) == 3 and p["leader"] == p["replicas"][0]
                                                   for p in d["partitions"]) else None)(
            self.k.one("topic", "describe", t)), 60, "preferred leaders with full ISRs")
        owned = {p["partition"] for p in d["partitions"] if p["replicas"][0] == 2}
        self.assertTrue(owned, d)
        single = unique("lead1")  # RF 1: its partitions on broker 2 have no leader while it is down
        self.k.one("topic", "create", single, "--partitions", 3, "--replication-factor", 1)
        self.addCleanup(self.k.run, "topic", "delete", single, "--yes")
        on2 = {p["partition"] for p in self.k.one("topic", "describe", single)["partitions"] if p["replicas"] == [2]}

        self.ctl("stop-broker", "2")
        try:
            wait_until(lambda: all(p["leader"] not in (2, None) for p in self.k.one("topic", "describe", t)["partitions"]),
                       60, "leaders moved off broker 2")
            if on2:
                wait_until(lambda: self.k.one("leaders", "elect", single, "--unclean", "--dry-run")["planned"]
                           == len(on2), 60, "leaderless partitions")
                p = self.k.run("leaders", "elect", single, "--unclean")  # no terminal, no --yes
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertIn("lost for good", p.stderr)
                self.assertIn("--yes", p.stderr)
        finally:
            self.ctl("start-broker", "2")
        wait_until(lambda: all(len(p["isr"]) == 3 for p in self.k.one("topic", "describe", t)["partitions"]),
                   120, "broker 2 back in every ISR")
        # Back in the ISR, but not leading (until the controller's rebalance, minutes away).
        brokers = {b["id"]: b for b in self.k.one("brokers")["brokers"]}
        self.assertGreaterEqual(brokers[2]["not_preferred"], len(owned))
        self.assertGreaterEqual(self.k.one("cluster")["not_preferred"], len(owned))

        plan = self.k.one("leaders", "elect", t, "--dry-run")
        self.assertEqual({p["partition"] for p in plan["partitions"]}, owned)
        self.assertTrue(all(p["preferred"] == 2 and p["preferred_in_isr"] and p["result"] == "planned"
                            for p in plan["partitions"]), plan)
        self.assertNotIn(2, [p["leader"] for p in self.k.one("topic", "describe", t)["partitions"]])

        doc = self.k.one("leaders", "elect", t)
        self.assertEqual((doc["type"], doc["planned"], doc["elected"], doc["failed"]),
                         ("preferred", len(owned), len(owned), 0))
        d = wait_until(lambda: (lambda d: d if all(p["leader"] == p["replicas"][0] for p in d["partitions"]) else None)(
            self.k.one("topic", "describe", t)), 60, "preferred leaders again")
        self.assertEqual({p["partition"] for p in d["partitions"] if p["leader"] == 2}, owned)
        self.assertEqual(self.k.one("leaders", "elect", t)["planned"], 0)

    def test_unclean_nothing_leaderless(self):
        # Nothing is leaderless here: nothing to elect, nothing asked.
        doc = self.k.one("leaders", "elect", "--unclean")
        self.assertEqual((doc["type"], doc["planned"]), ("unclean", 0))


if __name__ == "__main__":
    unittest.main()
