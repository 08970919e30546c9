"""End to end on `kcon --demo`: the embedded mock cluster needs no broker. Every existing
command runs on it; what the mock cannot do is refused with a reason; librdkafka stays quiet."""

import json
import resource
import signal
import subprocess
import tempfile
import unittest

from kcontest import KCON, Kcon, wait_until

SEEDED = {"orders": 6, "payments": 3, "credit.scores": 12, "ingest.events": 24}


class DemoTest(unittest.TestCase):
    k = Kcon(None, extra=["--demo"])

    def run_demo(self, *args, **kw):
        return self.k.run(*args, bootstrap=False, **kw)

    def test_every_command_in_one_script(self):
        p = self.run_demo("-o", "json", "-e",
                          "cluster; brokers; topics; topic describe orders; topic create demo.new -p 4 -r 3; topics",
                          timeout=60)  # a guard against a hang, not a speed goal (those are make bench's)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr, "")  # librdkafka's own log stays quiet
        cluster, brokers, topics, orders, created, after = [json.loads(l) for l in p.stdout.splitlines()]
        self.assertEqual(cluster["brokers"], 3)
        self.assertEqual(cluster["topics"], 4)
        self.assertEqual(cluster["partitions"], sum(SEEDED.values()))
        self.assertEqual(cluster["under_min_isr"], 0)  # full ISRs on the mock: no config needed
        self.assertEqual(len(brokers["brokers"]), 3)
        self.assertEqual({b["id"] for b in brokers["brokers"]}, {1, 2, 3})
        self.assertEqual({t["name"]: t["partitions"] for t in topics["topics"]}, SEEDED)
        self.assertEqual({t["replication_factor"] for t in topics["topics"]}, {3})
        self.assertEqual(orders["partition_count"], 6)
        self.assertEqual([len(x["replicas"]) for x in orders["partitions"]], [3] * 6)
        self.assertEqual(created, {"topic": "demo.new", "partitions": 4, "replication_factor": 3, "created": True})
        self.assertIn({"name": "demo.new", "partitions": 4, "replication_factor": 3, "under_replicated": 0,
                       "offline": 0, "internal": False}, after["topics"])

    def test_table_and_csv(self):
        for fmt in ("table", "csv"):
            p = self.run_demo("-o", fmt, "-e", "cluster; brokers; topics; topic describe credit.scores")
            self.assertEqual(p.returncode, 0, p.stderr)
            for name in SEEDED:
                self.assertIn(name, p.stdout)

    def test_watermarks_grow(self):
        """One demo process on stdin: topic describe twice, the second sees more messages."""
        p = subprocess.Popen([KCON, "--demo", "-o", "json"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, bufsize=1)
        try:
            def describe(topic):
                p.stdin.write(f"topic describe {topic}\n")
                p.stdin.flush()
                return json.loads(p.stdout.readline())

            first = {t: describe(t)["messages"] for t in SEEDED}
            wait_until(lambda: all(describe(t)["messages"] > first[t] for t in SEEDED), timeout=30,
                       what="every demo topic to grow")
        finally:
            p.stdin.close()
            self.assertEqual(p.wait(timeout=30), 0)
            p.stdout.close()
            p.stderr.close()

    def test_what_the_mock_cannot_do(self):
        p = self.run_demo("-o", "json", "topic", "delete", "orders", "--yes")
        self.assertEqual(p.returncode, 1)
        err = json.loads(p.stdout.splitlines()[0])["error"]
        self.assertIn("cannot delete", err["message"])
        self.assertIn("mock", err["message"])
        p = self.run_demo("topic", "create", "orders", "-p", "1", "-r", "3")
        self.assertEqual(p.returncode, 1)
        self.assertIn("already exists", p.stderr)
        p = self.run_demo("topic", "create", "demo.rf", "-r", "4")
        self.assertEqual(p.returncode, 1)
        self.assertIn("3 brokers", p.stderr)
        p = self.run_demo("topic", "create", "demo.cfg", "-c", "retention.ms=1000")
        self.assertEqual(p.returncode, 1)
        self.assertIn("cannot set topic configs", p.stderr)
        p = self.run_demo("topics", "--under-min-isr")
        self.assertEqual(p.returncode, 1)
        self.assertIn("cannot describe configs", p.stderr)
        # librdkafka's client (2.14 too) aborts on the mock's answer to these: refused before they are sent
        for args in (["group", "delete", "fraud-detector"],
                     ["group", "delete-offsets", "fraud-detector", "--topic", "credit.scores"]):
            p = self.run_demo(*args, "--yes")
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn("cannot delete groups", p.stderr)

    def test_produce_too_large_fails_cleanly(self):
        """A message the producer refuses (above its message.max.bytes, 16 MiB) is an error, exit 1: the
        refusal path freed headers that were never made, and kcon died of SIGSEGV."""
        with tempfile.NamedTemporaryFile() as f:
            f.truncate(16 << 20)
            f.flush()
            for args, stdin in ((["--file", f.name], b""), ([], b"x" * ((16 << 20) - 1) + b"\n")):
                p = self.run_demo("--no-history", "produce", "orders", *args, input=stdin, timeout=60)
                self.assertEqual(p.returncode, 1, (args, p.stderr))
                self.assertIn(b"message 1: Broker: Message size too large", p.stderr, args)
                self.assertIn(b"hint: the broker's message.max.bytes is the limit", p.stderr, args)

    def test_tail_counts_what_was_written(self):
        """tail's summary counts the messages that reached the output, not those formatted for it: on
        a full disk none; on a file size limit (RLIMIT_FSIZE, SIGXFSZ ignored: write fails with
        EFBIG after a short write) exactly the complete lines in the file."""
        args = [KCON, "--demo", "--no-history", "tail", "orders", "--from", "beginning", "-n", "20", "--to-end"]
        with open("/dev/full", "w") as full:
            p = subprocess.run(args + ["-o", "json"], stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
        self.assertEqual(p.returncode, 1, p.stderr)
        summary = json.loads(p.stderr.splitlines()[0])
        self.assertEqual((summary["shown"], summary["reason"], summary["output_error"]),
                         (0, "output", "No space left on device"), summary)
        self.assertIn("0 shown, 0 skipped (the output failed: No space left on device)", summary["message"])
        self.assertIn("kcon: writing output: No space left on device", p.stderr)

        def limit():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (4000, 4000))

        for fmt in ("json", "table"):
            with self.subTest(fmt=fmt), tempfile.TemporaryFile() as out:
                p = subprocess.run(args + ["-o", fmt], stdout=out, stderr=subprocess.PIPE, text=True, timeout=60,
                                   preexec_fn=limit)
                self.assertEqual(p.returncode, 1, p.stderr)
                out.seek(0)
                data = out.read()
                self.assertEqual(len(data), 4000)
                lines = data.count(b"\n")
                self.assertGreater(lines, 0)
                self.assertIn(f"tail orders: {lines} shown, 0 skipped (the output failed: File too large)",
                              p.stderr)

    def test_group_lag_of_an_unknown_group(self):
        """As on a real broker (test_groups.py test_group_without_commits): a group nobody committed
        for is unknown, exit 1 with a hint (it printed an empty "Unknown" group and exited 0); with
        --topic its partitions are listed uncommitted; committing makes it known."""
        p = self.run_demo("--no-history", "group", "lag", "nosuch")
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertIn("unknown group `nosuch`", p.stderr)
        self.assertIn("hint: `groups` lists the groups", p.stderr)
        self.assertEqual(p.stdout, "")
        p = self.run_demo("--no-history", "-o", "json", "-e",
                          "group lag nosuch --topic orders; group lag fraud-detector; "
                          "group reset newg --topic orders --to-offset 1 --execute; group lag newg")
        self.assertEqual(p.returncode, 0, p.stderr)
        by_topic, own, _, new = [json.loads(line) for line in p.stdout.splitlines()]
        self.assertEqual({x["no_commit"] for x in by_topic["partitions"]}, {True})
        self.assertEqual(len(by_topic["partitions"]), SEEDED["orders"])
        self.assertEqual(own["group"], "fraud-detector")
        self.assertEqual([x["committed"] for x in new["partitions"]], [1] * SEEDED["orders"])

    def test_create_with_replication_factor(self):
        """The mock places a topic's replicas as asked (as many as -r says), spread over the brokers."""
        p = self.run_demo("-o", "json", "-e", "topic create demo.rf1 -p 3 -r 1; topic describe demo.rf1; "
                          "topic create demo.rf2 -r 2; topic describe demo.rf2")
        self.assertEqual(p.returncode, 0, p.stderr)
        created1, rf1, created2, rf2 = [json.loads(line) for line in p.stdout.splitlines()]
        self.assertEqual((created1["replication_factor"], created2["replication_factor"]), (1, 2))
        self.assertEqual([len(x["replicas"]) for x in rf1["partitions"]], [1, 1, 1])
        self.assertEqual(len({x["leader"] for x in rf1["partitions"]}), 3)  # spread over the brokers
        self.assertEqual((rf2["replication_factor"], len(rf2["partitions"][0]["isr"])), (2, 2))

    def test_read_only_refuses_create(self):
        p = self.run_demo("--read-only", "topic", "create", "demo.ro")
        self.assertEqual(p.returncode, 1)
        self.assertIn("read-only", p.stderr)


if __name__ == "__main__":
    unittest.main()
