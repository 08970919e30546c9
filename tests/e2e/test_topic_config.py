"""End to end on the real broker: `topic config` (DescribeConfigs): values, sources and defaults
of a topic created with configs, --changed, the name pattern, the formats, and its refusals
(unknown topic, --offline, the --demo cluster)."""

import unittest

from kcontest import BrokerTestCase, Kcon, unique

KEYS = {"name", "value", "source", "is_default", "read_only", "sensitive"}


class TopicConfigTest(BrokerTestCase):
    def test_dynamic_topic_config_and_defaults(self):
        t = self.create_topic(1, 1, "cfg", "retention.ms=123456", "cleanup.policy=compact")
        doc = self.k.one("topic", "config", t)
        self.assertEqual(doc["topic"], t)
        by_name = {c["name"]: c for c in doc["configs"]}
        for c in doc["configs"]:
            self.assertEqual(set(c), KEYS)
        self.assertEqual(by_name["retention.ms"], {"name": "retention.ms", "value": "123456",
                                                   "source": "dynamic_topic_config", "is_default": False,
                                                   "read_only": False, "sensitive": False})
        self.assertEqual((by_name["cleanup.policy"]["value"], by_name["cleanup.policy"]["source"]),
                         ("compact", "dynamic_topic_config"))
        # Not set anywhere: Kafka's default.
        seg = by_name["segment.bytes"]
        self.assertEqual((seg["source"], seg["is_default"]), ("default_config", True))
        self.assertGreater(len(doc["configs"]), 20)

        changed = self.k.one("topic", "config", t, "--changed")["configs"]
        names = {c["name"] for c in changed}
        self.assertTrue({"retention.ms", "cleanup.policy"} <= names, names)
        self.assertNotIn("segment.bytes", names)
        self.assertTrue(all(not c["is_default"] for c in changed))
        self.assertEqual(len(changed), sum(1 for c in doc["configs"] if not c["is_default"]))

        # The alias and the pattern (a glob matches whole names, a word matches anywhere).
        glob = self.k.one("configs", t, "retention.*")["configs"]
        self.assertEqual({c["name"] for c in glob}, {"retention.ms", "retention.bytes"})
        word = {c["name"] for c in self.k.one("topic", "config", t, "retention")["configs"]}
        self.assertTrue({"retention.ms", "retention.bytes", "local.retention.ms", "delete.retention.ms"} <= word)
        self.assertTrue(all("retention" in n for n in word))

    def test_table_and_csv(self):
        t = self.create_topic(1, 1, "cfg", "retention.ms=654321")
        p = self.k.run("topic", "config", t, "--changed")
        self.assertEqual(p.returncode, 0, p.stderr)
        header, *rows = p.stdout.splitlines()
        self.assertEqual(header.split()[:4], ["NAME", "VALUE", "SOURCE", "DEFAULT"])
        self.assertIn(["retention.ms", "654321", "dynamic_topic_config", "no"], [r.split()[:4] for r in rows])
        p = self.k.run("-o", "csv", "topic", "config", t, "retention.m?")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.splitlines(), ["name,value,source,is_default,read_only,sensitive",
                                                 "retention.ms,654321,dynamic_topic_config,no,no,no"])

    def test_unknown_topic(self):
        name = unique("nope")
        p = self.k.run("topic", "config", name)
        self.assertEqual(p.returncode, 1)
        self.assertIn(f"unknown topic `{name}`", p.stderr)
        self.assertIn("hint: `topics` lists the topics", p.stderr)
        p, docs = self.k.json("topic", "config", name)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(docs[0]["error"]["status"], 1)
        self.assertIn("unknown topic", docs[0]["error"]["message"])

    def test_refused_offline_and_on_demo(self):
        t = self.create_topic(1, 1, "cfg")
        p = self.k.run("--offline", "--no-history", "topic", "config", t)
        self.assertEqual(p.returncode, 1)
        self.assertIn("needs the cluster", p.stderr)
        p = Kcon(None).run("--demo", "topic", "config", "orders", bootstrap=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("demo cluster cannot describe configs", p.stderr)
        self.assertIn("hint: try it on a real cluster", p.stderr)


if __name__ == "__main__":
    unittest.main()
