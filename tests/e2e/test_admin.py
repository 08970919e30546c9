"""End to end on the real broker: the commands that change a topic or a broker with safety rails:
topic alter (IncrementalAlterConfigs, the diff, --dry-run read back, the broker's refusal, the typed
confirmation), topic partitions (grow; shrink refused), topic delete-records (the low watermark
moves), broker config / broker alter (alter, then read back), leaders elect on one broker, howto,
and their refusals under --read-only and on the --demo cluster."""

import unittest

from kcontest import BrokerTestCase, Kcon, kcat_produce, unique


class AdminTest(BrokerTestCase):
    def configs(self, t):
        return {c["name"]: c for c in self.k.one("topic", "config", t)["configs"]}

    def test_alter_set_and_others_untouched(self):
        t = self.scratch_topic()
        self.k.one("topic", "alter", t, "--set", "max.message.bytes=200000")
        before = self.configs(t)
        doc = self.k.one("topic", "alter", t, "--set", "retention.ms=7200000", "--set", "segment.ms=3600000",
                         "--delete", "max.message.bytes", "--yes")  # lowering retention asks
        self.assertEqual((doc["topic"], doc["dry_run"], doc["applied"]), (t, False, True))
        rows = {r["name"]: r for r in doc["changes"]}
        self.assertEqual(rows["retention.ms"]["old"], "604800000")
        self.assertEqual(rows["retention.ms"]["new"], "7200000")
        self.assertEqual(rows["retention.ms"]["source"], "default_config")
        self.assertEqual(rows["retention.ms"]["now"], "7200000")
        self.assertEqual(rows["retention.ms"]["now_source"], "dynamic_topic_config")
        self.assertEqual((rows["max.message.bytes"]["op"], rows["max.message.bytes"]["old"]), ("delete", "200000"))
        after = self.configs(t)
        self.assertEqual(after["retention.ms"]["value"], "7200000")
        self.assertEqual(after["segment.ms"]["value"], "3600000")
        self.assertTrue(after["max.message.bytes"]["is_default"])
        for name, c in before.items():
            if name not in ("retention.ms", "segment.ms", "max.message.bytes"):
                self.assertEqual(after[name], c, name)

    def test_alter_dry_run_changes_nothing(self):
        t = self.scratch_topic()
        before = self.configs(t)
        doc = self.k.one("topic", "alter", t, "--set", "retention.ms=60000", "--set", "cleanup.policy=compact",
                         "--dry-run")
        self.assertEqual((doc["dry_run"], doc["applied"], doc["data_loss"]), (True, False, True))
        self.assertEqual(self.configs(t), before)
        # A table on stdout: the diff.
        p = self.k.run("topic", "alter", t, "--set", "retention.ms=60000", "--dry-run")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("604800000", p.stdout)
        self.assertIn("60000", p.stdout)

    def test_alter_bad_value_refused_by_broker(self):
        t = self.scratch_topic()
        before = self.configs(t)
        p = self.k.run("topic", "alter", t, "--set", "cleanup.policy=sideways", "--yes")
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("sideways", p.stderr)  # the broker's reason names the value
        p = self.k.run("topic", "alter", t, "--set", "no.such.config=1", "--yes")
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(self.configs(t), before)

    def test_alter_that_loses_data_needs_the_name(self):
        t = self.scratch_topic()
        p = self.k.run("topic", "alter", t, "--set", "retention.ms=1000")  # no terminal, no --yes
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("without confirmation", p.stderr)
        self.assertIn("--yes", p.stderr)
        self.assertIn("604800000 -> 1000", p.stderr)  # the diff came first
        self.assertEqual(self.configs(t)["retention.ms"]["value"], "604800000")
        # Raising retention loses nothing: no question.
        self.k.one("topic", "alter", t, "--set", "retention.ms=900000000")
        doc = self.k.one("topic", "alter", t, "--set", "retention.ms=1000", "--yes")
        self.assertTrue(doc["data_loss"])
        self.assertEqual(self.configs(t)["retention.ms"]["value"], "1000")

    def test_alter_usage(self):
        t = self.scratch_topic()
        for args, what in ((("--set", "retention.ms"), "KEY=VALUE"), (("--delete", "a=b"), "config name"),
                           ((), "nothing to change"), (("--set", "a=1", "--delete", "a"), "changed twice")):
            p = self.k.run("topic", "alter", t, *args)
            self.assertEqual(p.returncode, 2, (args, p.stderr))
            self.assertIn(what, p.stderr)

    def test_partitions_grow_and_shrink_refused(self):
        t = self.scratch_topic(partitions=2)
        doc = self.k.one("topic", "partitions", t, "--count", 3, "--dry-run")
        self.assertEqual((doc["old_count"], doc["new_count"], doc["changed"], doc["warning"]), (2, 3, False, None))
        self.assertEqual(self.k.one("topic", "describe", t)["partition_count"], 2)
        doc = self.k.one("topic", "partitions", t, "--count", 3)
        self.assertEqual((doc["old_count"], doc["changed"]), (2, True))
        self.assertEqual(self.k.one("topic", "describe", t)["partition_count"], 3)
        p = self.k.run("topic", "partitions", t, "--count", 2)
        self.assertEqual(p.returncode, 2)
        self.assertIn("would shrink it", p.stderr)
        self.assertIn("cannot remove partitions", p.stderr)
        self.assertEqual(self.k.one("topic", "describe", t)["partition_count"], 3)
        # With messages in it: the warning.
        kcat_produce(self.bootstrap, t, ["k1:a", "k2:b"], key_delim=":")
        p, docs = self.k.json("topic", "partitions", t, "--count", 5)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("key now goes to another partition", docs[0]["warning"])
        self.assertIn("warning:", p.stderr)
        self.assertEqual(docs[0]["messages"], 2)

    def test_delete_records_moves_low_watermark(self):
        t = self.scratch_topic(partitions=2)
        kcat_produce(self.bootstrap, t, [f"m{i}" for i in range(10)], partition=0)
        kcat_produce(self.bootstrap, t, [f"n{i}" for i in range(4)], partition=1)
        p = self.k.run("topic", "delete-records", t, "--partition", 0, "--before", 6)
        self.assertEqual(p.returncode, 2, p.stderr)  # no terminal, no --yes
        self.assertIn("low 0 -> 6 of high 10", p.stderr)
        doc = self.k.one("topic", "delete-records", t, "--all", "--before", "-3", "--dry-run")
        self.assertEqual([(r["partition"], r["new_low"], r["dropped"]) for r in doc["partitions"]],
                         [(0, 7, 7), (1, 1, 1)])
        parts = self.k.one("topic", "describe", t)["partitions"]
        self.assertEqual([p["low"] for p in parts], [0, 0])
        doc = self.k.one("topic", "delete-records", t, "--partition", 0, "--before", 6, "--yes")
        self.assertEqual(doc["dropped"], 6)
        self.assertEqual(doc["partitions"][0]["low_after"], 6)
        parts = self.k.one("topic", "describe", t)["partitions"]
        self.assertEqual([(p["low"], p["high"]) for p in parts], [(6, 10), (0, 4)])
        doc = self.k.one("topic", "delete-records", t, "--all", "--before", "end", "--yes")
        self.assertEqual(doc["dropped"], 8)
        parts = self.k.one("topic", "describe", t)["partitions"]
        self.assertEqual([p["low"] for p in parts], [10, 4])
        p = self.k.run("topic", "delete-records", t, "--partition", 9, "--before", 1, "--yes")
        self.assertEqual(p.returncode, 2)
        self.assertIn("partitions 0 to 1", p.stderr)

    def test_broker_config_alter_read_back(self):
        doc = self.k.one("broker", "config")
        self.assertEqual(doc["broker"], "1")
        names = {c["name"]: c for c in doc["configs"]}
        self.assertIn("log.cleaner.threads", names)
        self.addCleanup(self.k.run, "broker", "alter", "1", "--delete", "log.cleaner.threads", "--yes")
        doc = self.k.one("broker", "alter", "1", "--set", "log.cleaner.threads=2")
        row = doc["changes"][0]
        self.assertEqual((row["name"], row["new"], row["now"], row["now_source"]),
                         ("log.cleaner.threads", "2", "2", "dynamic_broker_config"))
        got = {c["name"]: c for c in self.k.one("broker", "config", "1", "--dynamic")["configs"]}
        self.assertEqual(got["log.cleaner.threads"]["value"], "2")
        self.assertTrue(got["log.cleaner.threads"]["dynamic"])
        # The cluster-wide default: librdkafka cannot name it (an empty resource name); howto says how.
        for args in (("broker", "config", "--default"), ("broker", "alter", "--default", "--set", "a=1", "--yes")):
            p = self.k.run(*args)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn("cannot address the cluster-wide broker default", p.stderr)
            self.assertIn("howto broker-defaults", p.stderr)
        # A static config the broker will not change at run time: its reason.
        p = self.k.run("broker", "alter", "1", "--set", "broker.id=7")
        self.assertEqual(p.returncode, 1, p.stderr)
        p = self.k.run("broker", "alter", "--set", "log.cleaner.threads=2")
        self.assertEqual(p.returncode, 2)
        self.assertIn("which broker?", p.stderr)

    def test_leaders_elect_nothing_to_do_on_one_broker(self):
        t = self.scratch_topic(partitions=2)
        doc = self.k.one("leaders", "elect", t)
        self.assertEqual((doc["type"], doc["planned"], doc["elected"], doc["partitions"]), ("preferred", 0, 0, []))
        self.assertEqual(self.k.one("cluster")["not_preferred"], 0)
        p = self.k.run("leaders", "elect", unique("nope"))
        self.assertEqual(p.returncode, 1)

    def test_howto(self):
        doc = self.k.one("howto")
        self.assertEqual([t["topic"] for t in doc["topics"]], ["reassign", "log-dirs", "quotas", "broker-defaults", "quorum"])
        doc = self.k.one("howto", "reassign")
        self.assertEqual(doc["tool"], "kafka-reassign-partitions.sh")
        self.assertIn(f"--bootstrap-server {self.bootstrap}", doc["steps"][0]["command"])
        p = self.k.run("howto", "nothing")
        self.assertEqual(p.returncode, 2)

    def test_read_only_and_demo_refuse(self):
        t = self.scratch_topic()
        for args in (("topic", "alter", t, "--set", "retention.ms=1", "--yes"),
                     ("topic", "partitions", t, "--count", 4),
                     ("topic", "delete-records", t, "--all", "--before", "end", "--yes"),
                     ("broker", "alter", "1", "--set", "log.cleaner.threads=2"),
                     ("leaders", "elect", "--yes")):
            p = self.k.run("--read-only", *args)
            self.assertEqual(p.returncode, 1, args)
            self.assertIn("read-only", p.stderr)
            p = Kcon(None).run("--demo", *[a if a != t else "orders" for a in args], bootstrap=False)
            self.assertEqual(p.returncode, 1, (args, p.stderr))
            self.assertIn("mock cluster has no", p.stderr)
        self.assertEqual(self.k.one("topic", "describe", t)["partition_count"], 1)
        self.assertEqual(self.configs(t)["retention.ms"]["value"], "604800000")


if __name__ == "__main__":
    unittest.main()
