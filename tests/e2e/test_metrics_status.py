"""Consumer status with a live consumer on the real broker, in `kcon check --status-not` and in
`kcon watch --metrics`' kcon_consumergroup_status (the rules: docs/monitoring.md, backend/status.c).

The consumer is tests/lib/group_consumer.c (kcon-group-consumer, through groupmember.Member): a
real member of a consumer group on librdkafka (classic, and KIP-848's consumer protocol), which
consumes and commits exactly when the test tells it to, so the pace of consumption against production is the test's. `watch` samples
every 300 ms with a 30 s window; each test waits on the scrape (and on `check`) until the state
appears, never on time.

How each state is produced:

* OK: the member consumed everything there was and committed it before `watch` first sampled
  the group: lag 0 at the newest sample.
* WARN: production outpaces consumption: at each step the test produces 3 messages and the member
  consumes and commits 1, so the committed offset moves while the lag grows (0 at the window's
  start, higher at each step).
* STALL: messages arrive while the member, still in the group (Stable), consumes none of them and
  commits its same offset again and again: the committed offset does not move while there is lag,
  and the group has members. kcon sees committed values, not commit requests, so the repeated
  commits are invisible to it; the membership is what makes this STALL and not STOP.
* STOP: the same group once its member has left (Empty) while the lag grows: no commits, nobody
  there to make any.
"""

import signal
import subprocess
import threading
import unittest
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

from groupmember import Member
from kcontest import KCON, StoreTestCase, kcat_produce, kcon_env, unique, wait_until

STATUSES = ("OK", "WARN", "STALL", "STOP", "ERR")


class LiveStatusTest(StoreTestCase):
    state_prefix = "kcon-status-"
    protocol = "classic"

    def setUp(self):
        super().setUp()
        self.topic, self.group = self.create_topic(1), unique("g")
        self.addCleanup(self.k.run, "group", "delete", self.group, "--yes")

    def member(self, count):
        """A live member of self.group that consumes and commits `count` messages first."""
        m = Member(self.bootstrap, self.group, self.topic, self.protocol, count)
        self.addCleanup(m.close)
        self.assertTrue(m.wait_for(f"committed {count}", "the member's first commit"), m.lines)
        return m

    def watch(self):
        """`kcon watch --metrics` on this test's store, for self.group; returns the URL of /metrics."""
        cmd = [KCON, "-b", self.bootstrap, "watch", "--interval", "300ms", "--window", "30s", "--quiet",
               "--groups", self.group, "--metrics", "0"]
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                             env=kcon_env(**self.envs))
        lines = []
        reader = threading.Thread(target=lambda: lines.extend(iter(p.stderr.readline, "")), daemon=True)
        reader.start()

        def stop():
            p.send_signal(signal.SIGINT)
            try:
                p.wait(timeout=60)
            finally:
                if p.poll() is None:
                    p.kill()
                    p.wait()
            reader.join(10)
            p.stderr.close()
            self.assertEqual(p.returncode, 0, lines)
        self.addCleanup(stop)
        said = wait_until(lambda: [l for l in lines if "serving metrics on" in l] or p.poll() is not None,
                          what="watch to serve metrics")
        self.assertIsNone(p.poll(), lines)
        return said[0].split("serving metrics on ")[1].strip()

    def scrape(self, url):
        """{(name, frozenset(labels)): value} of one scrape, through prometheus_client's parser."""
        with urllib.request.urlopen(url, timeout=10) as r:
            self.assertEqual(r.status, 200)
            text = r.read().decode()
        return {(s.name, frozenset(s.labels.items())): s.value
                for fam in text_string_to_metric_families(text) for s in fam.samples}

    def status(self, m):
        """The group's kcon_consumergroup_status samples: {status: 0 or 1}."""
        return {s: m.get(("kcon_consumergroup_status", frozenset({"consumergroup": self.group, "status": s}.items())))
                for s in STATUSES}

    def wait_status(self, url, want, step=None):
        """Scrapes (after step(), if given) until the group's status is want; returns the scrape."""
        def judged():
            if step:
                step()
            m = self.scrape(url)
            return m if self.status(m) == {s: int(s == want) for s in STATUSES} else None
        return wait_until(judged, timeout=90, what=f"{want} in the metrics")

    def committed(self, m):
        return m[("kafka_consumergroup_current_offset",
                  frozenset({"consumergroup": self.group, "topic": self.topic, "partition": "0"}.items()))]

    def check(self, statuses):
        """`kcon check --status-not statuses` on the same store: (exit status, the group's row, failures)."""
        p, docs = self.k.json("check", "--group", self.group, "--status-not", statuses, "--window", "30s",
                              env=self.envs)
        self.assertIn(p.returncode, (0, 1), p.stderr)
        doc = [d for d in docs if "error" not in d][0]
        row = next(g for g in doc["groups"] if g["group"] == self.group)
        return p.returncode, row, doc["failures"]

    def assert_check_fails_on(self, want):
        rc, row, failures = self.check(want)
        self.assertEqual((rc, row["status"], row["state"]), (1, want, row["state"]), row)
        self.assertEqual([(f["rule"], f["value"], f["topic"], f["partition"]) for f in failures],
                         [("status-not", want, self.topic, 0)])
        others = ",".join(s for s in STATUSES if s != want)
        rc, row, failures = self.check(others)
        self.assertEqual((rc, row["status"], failures), (0, want, []), row)
        return row

    def test_ok_to_warn(self):
        kcat_produce(self.bootstrap, self.topic, [f"m{i}" for i in range(10)], partition=0)
        member = self.member(10)
        url = self.watch()
        m = self.wait_status(url, "OK")
        self.assertEqual(self.committed(m), 10)
        consumed = [10]

        def slower_than_production():
            kcat_produce(self.bootstrap, self.topic, ["p", "q", "r"], partition=0)
            consumed[0] += 1
            member.consume(1, consumed[0])
        m = self.wait_status(url, "WARN", step=slower_than_production)
        self.assertGreater(self.committed(m), 10)  # consuming...
        lag = m[("kafka_consumergroup_lag",
                 frozenset({"consumergroup": self.group, "topic": self.topic, "partition": "0"}.items()))]
        self.assertGreater(lag, 0)  # ...but not keeping up
        row = self.assert_check_fails_on("WARN")
        self.assertEqual(row["state"], "Stable")
        self.assertEqual(row["status_reason"], "consuming, but the lag grows")
        gl = self.k.one("group", "lag", self.group, "--window", "30s", env=self.envs)
        self.assertEqual((gl["status"], gl["partitions"][0]["status"]), ("WARN", "WARN"))

    def test_ok_to_stall_to_stop(self):
        kcat_produce(self.bootstrap, self.topic, [f"m{i}" for i in range(10)], partition=0)
        member = self.member(10)
        url = self.watch()
        self.wait_status(url, "OK")
        kcat_produce(self.bootstrap, self.topic, [f"n{i}" for i in range(5)], partition=0)
        m = self.wait_status(url, "STALL", step=lambda: member.recommit(10))
        self.assertEqual(self.committed(m), 10)
        row = self.assert_check_fails_on("STALL")
        self.assertEqual((row["state"], row["lag"]), ("Stable", 5))
        self.assertIn("members are there", row["status_reason"])
        # the member leaves: nobody commits while the lag grows
        rc, err = member.close()
        self.assertEqual(rc, 0, err)
        kcat_produce(self.bootstrap, self.topic, ["o1", "o2"], partition=0)
        m = self.wait_status(url, "STOP")
        self.assertEqual(self.committed(m), 10)
        row = self.assert_check_fails_on("STOP")
        self.assertEqual((row["state"], row["lag"]), ("Empty", 7))


class LiveStatusConsumerProtocolTest(LiveStatusTest):
    """The same with a member of a consumer-protocol group (KIP-848: the broker assigns)."""

    protocol = "consumer"


if __name__ == "__main__":
    unittest.main()
