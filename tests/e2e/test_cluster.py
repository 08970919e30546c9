"""End to end on the real broker: cluster, brokers, topics, topic describe/create/delete, the
faces (-e, -f, stdin, one command), output formats, exit codes, errors and their hints."""

import json
import os
import subprocess
import tempfile
import unittest

from kcontest import KCON, SOURCE_DIR, BrokerTestCase, Kcon, config_dir, kcat_produce, state_dir, unique, wait_until


class ClusterTest(BrokerTestCase):
    def test_cluster_counts_agree_with_topics(self):
        t = self.create_topic(4)
        c = self.k.one("cluster")
        self.assertTrue(c["cluster_id"])
        self.assertEqual(c["brokers"], 1)
        self.assertEqual(c["controller"], 1)
        self.assertEqual(c["bootstrap"], self.bootstrap)
        # One process shares one metadata snapshot between its commands: the counts must agree
        # exactly, even while other tests create topics.
        p, docs = self.k.json("-e", "cluster; topics --internal")
        self.assertEqual(p.returncode, 0, p.stderr)
        c2, topics = docs[0], docs[1]["topics"]
        self.assertIn(t, [x["name"] for x in topics])
        self.assertEqual(c2["topics"], len(topics))
        self.assertEqual(c2["partitions"], sum(x["partitions"] for x in topics))
        self.assertEqual(c2["under_replicated"], sum(x["under_replicated"] for x in topics))
        self.assertEqual(c["offline"], 0)
        self.assertIsInstance(c["under_min_isr"], int)

    def test_brokers(self):
        b = self.k.one("brokers")["brokers"]
        host, port = self.bootstrap.split(",")[0].split(":")
        self.assertEqual(b, [{"id": 1, "host": host, "port": int(port), "rack": None, "controller": True,
                              "not_preferred": 0}])

    def test_topics_filters(self):
        prefix = unique("flt")
        a = self.create_topic(2, 1, prefix + "-a")
        b = self.create_topic(3, 1, prefix + "-b")
        got = self.k.one("topics", prefix)["topics"]  # substring
        self.assertEqual(sorted(x["name"] for x in got), sorted([a, b]))
        got = self.k.one("topics", prefix + "-a*")["topics"]  # glob
        self.assertEqual([x["name"] for x in got], [a])
        self.assertEqual(got[0], {"name": a, "partitions": 2, "replication_factor": 1, "under_replicated": 0,
                                  "offline": 0, "internal": False})
        internal = self.create_topic(1, 1, "__" + prefix)  # names starting with __ are internal
        names = [x["name"] for x in self.k.one("topics", prefix)["topics"]]
        self.assertNotIn(internal, names)
        got = self.k.one("topics", prefix, "--internal")["topics"]
        self.assertIn({"name": internal, "partitions": 1, "replication_factor": 1, "under_replicated": 0,
                       "offline": 0, "internal": True}, got)
        self.assertEqual(self.k.one("topics", prefix, "--under-replicated")["topics"], [])
        self.assertEqual(self.k.one("topics", prefix, "--offline")["topics"], [])

    def test_describe_watermarks_and_counts(self):
        t = self.create_topic(3)
        kcat_produce(self.bootstrap, t, ["a", "b", "c"], partition=0)
        kcat_produce(self.bootstrap, t, ["d"], partition=2)
        d = self.k.one("topic", "describe", t)
        self.assertEqual(d["topic"], t)
        self.assertEqual(d["partition_count"], 3)
        self.assertEqual(d["messages"], 4)
        parts = {p["partition"]: p for p in d["partitions"]}
        self.assertEqual([(parts[i]["low"], parts[i]["high"], parts[i]["messages"]) for i in range(3)],
                         [(0, 3, 3), (0, 0, 0), (0, 1, 1)])
        for p in d["partitions"]:
            self.assertEqual((p["leader"], p["replicas"], p["isr"], p["status"]), (1, [1], [1], "ok"))
        # the same through a unique prefix of each word, in a table
        p = self.k.run("top", "desc", t)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("PARTITION  LEADER  REPLICAS  ISR  LOW  HIGH  MESSAGES  STATUS", p.stdout)
        self.assertRegex(p.stdout, r"\n\s+0\s+1\s+1\s+1\s+0\s+3\s+3\s+ok\n")

    def test_under_min_isr(self):
        t = self.create_topic(2, 1, "umi", "min.insync.replicas=2")
        d = self.k.one("topic", "describe", t)
        self.assertEqual(d["min_insync_replicas"], 2)
        self.assertEqual([p["status"] for p in d["partitions"]], ["under-min-isr"] * 2)
        got = self.k.one("topics", t, "--under-min-isr")["topics"]
        self.assertEqual([(x["name"], x["under_min_isr"]) for x in got], [(t, 2)])
        # `cluster` asks only about shrunk ISRs (the three-broker test covers that): a full ISR
        # below min.insync.replicas is a misconfiguration that `topics --under-min-isr` reports.
        self.assertIsInstance(self.k.one("cluster")["under_min_isr"], int)

    def test_create_errors(self):
        t = self.create_topic(1)
        p, docs = self.k.json("topic", "create", t)
        self.assertEqual(p.returncode, 1)
        self.assertIn("already exists", docs[0]["error"]["message"])
        p, docs = self.k.json("topic", "create", unique(), "-p", "1", "-r", "3")
        self.assertEqual(p.returncode, 1)
        self.assertIn("brokers", docs[0]["error"]["hint"])
        p, docs = self.k.json("topic", "create", unique(), "--config", "retention.ms=not-a-number")
        self.assertEqual(p.returncode, 1, docs)
        p = self.k.run("topic", "create", unique(), "--partitions", "many")
        self.assertEqual(p.returncode, 2)
        self.assertIn("not a valid number", p.stderr)

    def test_create_reports_the_applied_replication_factor(self):
        """Without --replication-factor the broker's default.replication.factor applies (1 here):
        kcon says which, not `-`."""
        t = unique()
        doc = self.k.one("topic", "create", t, "-p", "2")
        self.addCleanup(self.k.run, "topic", "delete", t, "--yes")
        self.assertEqual(doc["replication_factor"], 1)
        self.assertEqual(doc["partitions"], 2)
        p = self.k.run("topic", "create", unique())
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stdout, r"replication_factor: +1\n")

    def test_delete_needs_confirmation(self):
        t = self.create_topic(1)
        p = self.k.run("topic", "delete", t, input="")  # stdin is not a terminal: refused
        self.assertEqual(p.returncode, 2)
        self.assertIn("--yes", p.stderr)
        self.assertIn(t, [x["name"] for x in self.k.one("topics", t)["topics"]])
        self.assertEqual(self.k.one("topic", "delete", t, "--yes"), {"topic": t, "deleted": True})
        self.assertEqual(self.k.one("topics", t)["topics"], [])
        p, docs = self.k.json("topic", "delete", t, "--yes")
        self.assertEqual(p.returncode, 1)
        self.assertIn("topics", docs[0]["error"]["hint"])

    def test_unknown_topic(self):
        p, docs = self.k.json("topic", "describe", "no-such-topic-" + unique())
        self.assertEqual(p.returncode, 1)
        self.assertEqual(docs[0]["error"]["status"], 1)
        self.assertIn("unknown topic", docs[0]["error"]["message"])
        self.assertIn("`topics` lists", docs[0]["error"]["hint"])

    def test_hostile_argument_is_escaped(self):
        p = self.k.run("topic", "describe", "\x1b]0;pwned\x07\x1b[2J\u202e")
        self.assertEqual(p.returncode, 2)  # no topic name Kafka can hold: refused before any request
        self.assertNotIn("\x1b", p.stderr)
        self.assertNotIn("\u202e", p.stderr)
        self.assertIn("\\x1b]0;pwned\\x07\\x1b[2J\\xe2\\x80\\xae", p.stderr)


class FacesTest(BrokerTestCase):
    def test_e_runs_in_order_and_stops_at_failure(self):
        t = self.create_topic(2)
        p, docs = self.k.json("-e", f"topic describe {t}; brokers # a comment")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual([list(d)[0] for d in docs], ["topic", "brokers"])
        p, docs = self.k.json("-e", f"topic describe nope-{t}; brokers")
        self.assertEqual(p.returncode, 1)
        self.assertEqual(len(docs), 1)  # stopped at the failure
        self.assertIn("error", docs[0])

    def test_stdin_and_file(self):
        t = self.create_topic(1)
        p, docs = self.k.json(input=f"topics {t}\n\n# comment\nbrokers\n")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(docs[0]["topics"][0]["name"], t)
        self.assertEqual(len(docs), 2)
        with tempfile.NamedTemporaryFile("w", suffix=".kcon") as f:
            f.write(f"# a script\ntopic describe '{t}'\ncluster\n")
            f.flush()
            p, docs = self.k.json("-f", f.name)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual([list(d)[0] for d in docs], ["topic", "cluster_id"])

    def test_csv(self):
        t = self.create_topic(2)
        p = self.k.run("-o", "csv", "topics", t)
        self.assertEqual(p.stdout, f"name,partitions,replication_factor,under_replicated,offline,under_min_isr,internal\n"
                                   f"{t},2,1,0,0,,no\n")

    def test_usage_errors_exit_2(self):
        for args in (["topics", "--bogus"], ["nosuch"], ["topic"], ["-o", "yaml", "topics"], ["--timeout", "x", "topics"]):
            p = self.k.run(*args)
            self.assertEqual(p.returncode, 2, args)
            self.assertTrue(p.stderr.startswith("kcon: "), p.stderr)
        p = self.k.run("-e", "topics 'unterminated")
        self.assertEqual(p.returncode, 2)
        self.assertIn("unterminated", p.stderr)

    def test_help_and_generated_docs(self):
        cmds = [c["name"] for c in self.k.one("help")["commands"]]
        for name in ("cluster", "brokers", "topics", "topic describe", "topic create", "topic delete", "help"):
            self.assertIn(name, cmds)
        h = self.k.one("help", "topic", "describe")
        self.assertEqual(h["usage"], "topic describe TOPIC [--stored]")
        self.assertTrue(h["read_only"])
        md = self.k.run("help", "--markdown", bootstrap=False).stdout
        with open(os.path.join(SOURCE_DIR, "docs", "commands.md")) as f:
            self.assertEqual(f.read(), md, "docs/commands.md is stale: run `make docs`")

    def test_broken_pipe_is_quiet(self):
        p = subprocess.Popen([KCON, "-b", self.bootstrap, "help"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        p.stdout.close()
        err = p.stderr.read()
        self.assertEqual(p.wait(timeout=60), 0)
        self.assertEqual(err, b"")


class ConnectionTest(BrokerTestCase):
    def test_unreachable_exit_3(self):
        k = Kcon("127.0.0.1:1")
        p, docs = k.json("--timeout", "3", "cluster")
        self.assertEqual(p.returncode, 3)
        e = docs[0]["error"]
        self.assertEqual(e["status"], 3)
        self.assertIn("127.0.0.1:1", e["message"])
        self.assertIn("connect failed", e["message"])
        self.assertIn("port", e["hint"])
        p = Kcon("no-such-host.invalid:9092").run("--timeout", "3", "topics")
        self.assertEqual(p.returncode, 3)
        self.assertIn("resolve failed", p.stderr)

    def test_no_bootstrap(self):
        p = Kcon("").run("cluster", bootstrap=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("-b host:port", p.stderr)

    def test_env_bootstrap_and_profile(self):
        p = Kcon("").run("-o", "json", "brokers", bootstrap=False, env={"KCON_BOOTSTRAP": self.bootstrap})
        self.assertEqual(p.returncode, 0, p.stderr)
        d = config_dir(self, {"profiles": {"local": {"bootstrap": self.bootstrap}}})
        p = Kcon("").run("-p", "local", "-o", "json", "brokers", bootstrap=False, env={"XDG_CONFIG_HOME": d})
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)["brokers"][0]["id"], 1)
        p = Kcon("").run("-p", "nope", "brokers", bootstrap=False, env={"XDG_CONFIG_HOME": d})
        self.assertEqual(p.returncode, 2)
        self.assertIn("known profiles: local", p.stderr)

    def test_unknown_property(self):
        p = self.k.run("-X", "no.such.property=1", "cluster")
        self.assertEqual(p.returncode, 2)
        self.assertIn("unknown librdkafka property `no.such.property`", p.stderr)


class SecurityTest(BrokerTestCase):
    """The SASL_SSL listener with SCRAM users and the StandardAuthorizer."""

    def setUp(self):
        # A history of each test's own: a snapshot of the cluster that one test stored would answer
        # another's failed login as stale data (see docs/history.md).
        self.state = state_dir(self)

    def sasl(self, user, password_file, *extra, mechanism="PLAIN"):
        return Kcon(self.env["KCON_TEST_SASL_BOOTSTRAP"],
                    ["--ca", self.env["KCON_TEST_CA"], "--user", user, "--password-file", password_file,
                     "--sasl-mechanism", mechanism, "--state-dir", self.state, *extra])

    def test_scram(self):
        """SCRAM-SHA-512 and SCRAM-SHA-256 against Kafka 4 (librdkafka before 2.6.1 failed here)."""
        for mechanism in ("SCRAM-SHA-512", "SCRAM-SHA-256"):
            with self.subTest(mechanism):
                admin = self.sasl("admin", self.env["KCON_TEST_ADMIN_PASSWORD_FILE"], mechanism=mechanism)
                self.assertEqual(admin.one("cluster")["bootstrap"], self.env["KCON_TEST_SASL_BOOTSTRAP"])
                t = unique("scram")
                admin.one("topic", "create", t, "-p", "2")
                self.addCleanup(self.k.run, "topic", "delete", t, "--yes")
                self.assertEqual(self.k.one("topic", "describe", t)["partition_count"], 2)
                # alice has no ACLs: she logs in, and sees no topic
                alice = self.sasl("alice", self.env["KCON_TEST_ALICE_PASSWORD_FILE"], mechanism=mechanism)
                self.assertEqual(alice.one("brokers")["brokers"][0]["port"],
                                 int(self.env["KCON_TEST_SASL_BOOTSTRAP"].rsplit(":", 1)[1]))
                self.assertNotIn(t, [x["name"] for x in alice.one("topics")["topics"]])

    def test_plain_over_tls(self):
        k = self.sasl("admin", self.env["KCON_TEST_ADMIN_PASSWORD_FILE"])
        c = k.one("cluster")
        self.assertEqual(c["bootstrap"], self.env["KCON_TEST_SASL_BOOTSTRAP"])
        t = unique("sasl")
        k.one("topic", "create", t, "-p", "2")
        self.assertEqual(self.k.one("topic", "describe", t)["partition_count"], 2)

    def test_java_client_properties(self):
        with tempfile.NamedTemporaryFile("w", suffix=".properties") as f:
            password = open(self.env["KCON_TEST_ADMIN_PASSWORD_FILE"]).read().strip()
            f.write("security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\n"
                    "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
                    f'username="admin" password="{password}";\n'
                    f"ssl.truststore.type=PEM\nssl.truststore.location={self.env['KCON_TEST_CA']}\n"
                    "key.deserializer=org.apache.kafka.common.serialization.StringDeserializer\n")
            f.flush()
            p = Kcon(self.env["KCON_TEST_SASL_BOOTSTRAP"]).run("-F", f.name, "-o", "json", "brokers")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("key.deserializer is a Java client setting: skipped", p.stderr)

    def test_wrong_password_exit_3(self):
        with tempfile.NamedTemporaryFile("w") as f:
            f.write("wrong\n")
            f.flush()
            for mechanism in ("PLAIN", "SCRAM-SHA-512", "SCRAM-SHA-256"):
                with self.subTest(mechanism):
                    p = self.sasl("admin", f.name, "--timeout", "5", mechanism=mechanism).run("cluster")
                    self.assertEqual(p.returncode, 3, p.stderr)
                    self.assertIn("SASL failed", p.stderr)
                    self.assertIn("--password-file", p.stderr)
                    self.assertNotIn("wrong", p.stderr.replace("wrong password", ""))

    def test_user_on_a_plain_listener_explains_sasl_ssl(self):
        """--user implies SASL_SSL; on a plain listener the TLS handshake fails, and the error says
        why kcon spoke TLS and how to ask for SASL_PLAINTEXT."""
        k = Kcon(self.bootstrap, ["--user", "admin", "--password-file", self.env["KCON_TEST_ADMIN_PASSWORD_FILE"],
                                  "--state-dir", self.state, "--timeout", "5"])
        p = k.run("cluster")
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("--user implies SASL_SSL", p.stderr)
        self.assertIn("-X security.protocol=SASL_PLAINTEXT", p.stderr)
        p = k.run("-o", "json", "cluster")
        self.assertIn("SASL_PLAINTEXT", json.loads(p.stdout)["error"]["hint"])

    def test_tls_without_ca_exit_3(self):
        no_ca = Kcon(self.env["KCON_TEST_SASL_BOOTSTRAP"], ["--state-dir", self.state])
        p = no_ca.run("--timeout", "5", "-X", "security.protocol=SSL", "cluster")
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("TLS failed", p.stderr)
        self.assertIn("--ca", p.stderr)
        # With a stored snapshot of the cluster (a login that worked), the stale answer keeps the hint.
        self.sasl("admin", self.env["KCON_TEST_ADMIN_PASSWORD_FILE"]).one("cluster")
        p = no_ca.run("--timeout", "5", "-X", "security.protocol=SSL", "cluster")
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("stale: the stored snapshot", p.stderr)
        self.assertIn("hint: ", p.stderr)
        self.assertIn("--ca", p.stderr)

    def test_topic_describe_authorized_operations(self):
        """topic describe says what the principal may do on the topic (DescribeTopics): all of it for
        the super user, what its ACLs allow for alice (Read implies Describe)."""
        admin = self.sasl("admin", self.env["KCON_TEST_ADMIN_PASSWORD_FILE"])
        t = unique("ops")
        admin.one("topic", "create", t, "-p", "1")
        self.addCleanup(self.k.run, "topic", "delete", t, "--yes")
        self.assertEqual(sorted(admin.one("topic", "describe", t)["authorized_operations"]),
                         ["ALTER", "ALTER_CONFIGS", "CREATE", "DELETE", "DESCRIBE", "DESCRIBE_CONFIGS", "READ",
                          "WRITE"])
        admin.one("acl", "create", "--principal", "User:alice", "--operation", "Read", "--topic", t)
        self.addCleanup(admin.run, "acl", "delete", "--principal", "User:alice", "--topic", t, "--yes")
        alice = self.sasl("alice", self.env["KCON_TEST_ALICE_PASSWORD_FILE"])
        wait_until(lambda: alice.run("-o", "json", "topic", "describe", t).returncode == 0,
                   what=f"alice's ACL on {t} to reach the broker")
        d = alice.one("topic", "describe", t)
        self.assertEqual(sorted(d["authorized_operations"]), ["DESCRIBE", "READ"])
        self.assertEqual(d["partition_count"], 1)
        p = alice.run("topic", "describe", t)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stdout, r"\nAuthorized: +(READ,DESCRIBE|DESCRIBE,READ)\n")
        # a stored snapshot cannot say: null
        self.assertIsNone(alice.one("topic", "describe", t, "--stored")["authorized_operations"])

    def test_not_authorized(self):
        k = self.sasl("alice", self.env["KCON_TEST_ALICE_PASSWORD_FILE"])
        p, docs = k.json("topic", "create", unique("alice"))
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("not authorized", docs[0]["error"]["message"])
        self.assertIn("ACL", docs[0]["error"]["hint"])


if __name__ == "__main__":
    unittest.main()
