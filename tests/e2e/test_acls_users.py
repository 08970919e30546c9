"""End to end on the test broker's SASL_SSL listener (StandardAuthorizer; admin a super user,
alice with no ACLs): `acls`, `acl create` (one by one and --consumer/--producer), `acl delete`
(the plan, the confirmation, --yes), a principal that may not describe ACLs, alice denied and then
allowed to consume; SCRAM users: create one, log in with it, change its password (the old one is
refused, exit 3), delete it; read-only sessions and profiles; the strimzi profile's notes."""

import json
import os
import pty
import select
import tempfile
import time
import unittest

from kcontest import KCON, BrokerTestCase, Kcon, config_dir, kcat_produce, kcon_env, unique


class AclUsersTest(BrokerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sasl = cls.env["KCON_TEST_SASL_BOOTSTRAP"]
        cls.admin = cls.login("admin", cls.env["KCON_TEST_ADMIN_PASSWORD_FILE"])
        cls.alice = cls.login("alice", cls.env["KCON_TEST_ALICE_PASSWORD_FILE"])

    @classmethod
    def login(cls, user, password_file, mechanism="SCRAM-SHA-512"):
        return Kcon(cls.sasl, ["--ca", cls.env["KCON_TEST_CA"], "--user", user, "--password-file", password_file,
                               "--sasl-mechanism", mechanism])

    def secret(self, text):
        fd, path = tempfile.mkstemp(prefix="kcon-pw-")
        os.write(fd, (text + "\n").encode())
        os.close(fd)
        self.addCleanup(os.unlink, path)
        return path

    def acls(self, *filters):
        return self.admin.one("acls", *filters)["acls"]

    def test_create_list_delete(self):
        p = "User:" + unique("bob")
        t = unique("acl")
        created = self.admin.one("acl", "create", "--principal", p, "--operation", "Read", "--operation",
                                 "describe", "--topic", t)
        self.assertTrue(created["created"])
        self.assertEqual(sorted(a["operation"] for a in created["acls"]), ["DESCRIBE", "READ"])
        self.admin.one("acl", "create", "--principal", p, "--operation", "Write", "--topic", t[:5],
                       "--pattern", "prefixed", "--deny", "--host", "10.0.0.1")
        rows = self.acls("--principal", p)
        self.assertEqual(len(rows), 3)
        want = {"resource_type": "TOPIC", "resource": t, "pattern": "LITERAL", "principal": p, "host": "*",
                "operation": "READ", "permission": "ALLOW"}
        self.assertIn(want, rows)
        deny = [a for a in rows if a["permission"] == "DENY"]
        self.assertEqual((deny[0]["pattern"], deny[0]["host"], deny[0]["resource"]), ("PREFIXED", "10.0.0.1", t[:5]))
        # Filters: the topic by name (literal and prefixed named so), match (what applies to t), operation.
        self.assertEqual(len(self.acls("--principal", p, "--topic", t)), 2)
        self.assertEqual(len(self.acls("--principal", p, "--topic", t, "--pattern", "match")), 3)
        self.assertEqual([a["operation"] for a in self.acls("--principal", p, "--operation", "READ")], ["READ"])
        self.assertEqual(len(self.acls("--principal", p, "--permission", "deny")), 1)
        # Table output.
        out = self.admin.run("acls", "--principal", p, check=True).stdout
        self.assertEqual(out.splitlines()[0].split(), ["PRINCIPAL", "PERMISSION", "OPERATION", "TYPE", "RESOURCE",
                                                       "PATTERN", "HOST"])

        # Delete: no terminal and no --yes is refused, and nothing goes.
        d = self.admin.run("acl", "delete", "--principal", p, "--topic", t)
        self.assertEqual(d.returncode, 2, d.stderr)
        self.assertIn("refusing to delete 2 ACLs without confirmation", d.stderr)
        self.assertEqual(len(self.acls("--principal", p)), 3)
        gone = self.admin.one("acl", "delete", "--principal", p, "--topic", t, "--yes")
        self.assertEqual(gone["deleted"], 2)
        self.assertEqual({a["resource"] for a in gone["acls"]}, {t})
        self.assertEqual([a["permission"] for a in self.acls("--principal", p)], ["DENY"])
        d = self.admin.run("acl", "delete", "--principal", p, "--topic", t, "--yes")
        self.assertEqual(d.returncode, 1)
        self.assertIn("no ACL matches", d.stderr)
        self.admin.one("acl", "delete", "--principal", p, "--topic", t[:5], "--pattern", "prefixed", "--yes")
        self.assertEqual(self.acls("--principal", p), [])

    def test_producer_shorthand(self):
        p = "User:" + unique("prod")
        t, txn = unique("acl"), unique("txn")
        r = self.admin.one("acl", "create", "--producer", "--principal", p, "--topic", t, "--transactional-id", txn)
        got = sorted((a["resource_type"], a["resource"], a["operation"]) for a in r["acls"])
        self.assertEqual(got, [("TOPIC", t, "DESCRIBE"), ("TOPIC", t, "WRITE"),
                               ("TRANSACTIONAL_ID", txn, "DESCRIBE"), ("TRANSACTIONAL_ID", txn, "WRITE")])
        self.assertEqual(len(self.acls("--principal", p)), 4)
        self.admin.one("acl", "delete", "--principal", p, "--pattern", "any", "--yes")

    def test_alice_may_not_describe_acls(self):
        p = self.alice.run("acls")
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertIn("not authorized", p.stderr)
        p = self.alice.run("acl", "create", "--principal", "User:alice", "--operation", "All", "--cluster")
        self.assertEqual(p.returncode, 1)
        self.assertIn("not authorized", p.stderr)
        self.assertEqual(self.acls("--principal", "User:alice", "--cluster"), [])

    def test_consumer_needs_the_acls(self):
        t, g = self.scratch_topic(), unique("grp")
        kcat_produce(self.bootstrap, t, ["hello"])  # PLAINTEXT: User:ANONYMOUS, a super user
        tail = ("-o", "json", "tail", t, "--group", g, "--from", "beginning", "-n", "1")
        # No ACL at all: Kafka hides the topic.
        p = self.alice.run(*tail)
        self.assertEqual(p.returncode, 1)
        self.assertIn(f"unknown topic `{t}`", p.stderr)
        # Describe alone: the topic is seen, reading it is refused (and does not hang).
        self.admin.one("acl", "create", "--principal", "User:alice", "--operation", "Describe", "--topic", t)
        self.addCleanup(self.admin.run, "acl", "delete", "--principal", "User:alice", "--topic", t, "--yes")
        p = self.alice.run(*tail, timeout=60)
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertIn("not authorized to read the topic", p.stderr)
        self.assertIn("acl create --consumer", p.stderr)
        r = self.admin.one("acl", "create", "--consumer", "--principal", "User:alice", "--topic", t, "--group", g)
        self.addCleanup(self.admin.run, "acl", "delete", "--principal", "User:alice", "--group", g, "--yes")
        self.assertEqual(sorted((a["resource_type"], a["operation"]) for a in r["acls"]),
                         [("GROUP", "READ"), ("TOPIC", "DESCRIBE"), ("TOPIC", "READ")])
        p = self.alice.run(*tail, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout.splitlines()[0])["value"], "hello")
        # The commit went through the group: its offset is 1.
        lag = self.admin.one("group", "lag", g)
        self.assertIn(1, [part.get("committed") for part in lag["partitions"]], lag)

    def test_a_commit_refused_fails_the_tail(self):
        """Read on the topic but not on the group: the messages are shown, the positions cannot be
        committed, and the command says so (exit 1) instead of ending 0 with nothing committed."""
        t, g = self.scratch_topic(), unique("grp")
        kcat_produce(self.bootstrap, t, ["hello"])
        self.admin.one("acl", "create", "--principal", "User:alice", "--operation", "Read", "--topic", t)
        self.addCleanup(self.admin.run, "acl", "delete", "--principal", "User:alice", "--topic", t, "--yes")
        p = self.alice.run("--timeout", "3", "-o", "json", "tail", t, "--group", g, "--from", "beginning", "-n", "1",
                           timeout=60)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(json.loads(p.stdout.splitlines()[0])["value"], "hello")
        self.assertIn(f"the positions were not committed to group `{g}`", p.stderr)
        self.assertIn("acl create --consumer", p.stderr)

    def test_scram_user_lifecycle(self):
        user = unique("carol")
        one, two = self.secret("first-" + user), self.secret("second-" + user)
        r = self.admin.one("user", "set", user, "--password-file", one)
        self.assertEqual((r["user"], r["mechanism"], r["iterations"], r["set"]), (user, "SCRAM-SHA-512", 4096, True))
        listed = {u["user"]: u for u in self.admin.one("users")["users"]}
        self.assertEqual(listed[user]["credentials"], [{"mechanism": "SCRAM-SHA-512", "iterations": 4096}])
        self.assertIn("admin", listed)
        self.assertEqual(self.login(user, one).run("cluster").returncode, 0)
        # A new password: the old one is refused (exit 3), the new one works.
        r = self.admin.one("user", "set", user, "--password-file", two, "--iterations", "8192")
        self.assertEqual(r["iterations"], 8192)
        p = self.login(user, one).run("--no-history", "cluster")
        self.assertEqual(p.returncode, 3, p.stdout)
        self.assertIn("invalid credentials", p.stderr)
        self.assertEqual(self.login(user, two).run("cluster").returncode, 0)
        self.assertEqual(self.admin.one("users", user)["users"][0]["credentials"][0]["iterations"], 8192)
        # Delete: asks (no terminal: refused), then --yes.
        p = self.admin.run("user", "delete", user)
        self.assertEqual(p.returncode, 2)
        d = self.admin.one("user", "delete", user, "--yes")
        self.assertEqual((d["user"], d["mechanisms"], d["deleted"]), (user, ["SCRAM-SHA-512"], True))
        p = self.admin.run("users", user)
        self.assertEqual(p.returncode, 1)
        self.assertIn("has no SCRAM credentials", p.stderr)
        self.assertEqual(self.login(user, two).run("--no-history", "cluster").returncode, 3)
        # The password never comes from argv: there is no such option.
        p = self.admin.run("user", "set", user, "--password", "x")
        self.assertEqual(p.returncode, 2)

    def test_password_prompt_on_a_terminal(self):
        """Without --password-file, on a terminal: asked twice with echo off; what was typed never
        shows on the terminal; a mismatch changes nothing."""
        user = unique("tty")
        argv = [KCON, "-b", self.sasl] + self.admin.extra + ["user", "set", user]

        def run(answers):
            pid, fd = pty.fork()
            if pid == 0:
                env = kcon_env()
                os.execvpe(argv[0], argv, env)
            out, sent = b"", 0
            prompts = (b"New password for " + user.encode() + b": ", b"Again: ")
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if not select.select([fd], [], [], 1)[0]:
                    continue
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
                if sent < len(answers) and prompts[sent] in out:
                    os.write(fd, answers[sent].encode() + b"\n")
                    sent += 1
            _, status = os.waitpid(pid, 0)
            os.close(fd)
            return os.waitstatus_to_exitcode(status), out.decode("utf-8", "replace")

        rc, out = run(["s3cret-one", "s3cret-two"])
        self.assertEqual(rc, 1, out)
        self.assertIn("the passwords differ", out)
        self.assertEqual(self.admin.run("users", user).returncode, 1)
        rc, out = run(["s3cret-" + user, "s3cret-" + user])
        self.assertEqual(rc, 0, out)
        self.assertIn(f"New password for {user}", out)
        self.assertNotIn("s3cret", out)  # no echo
        self.assertEqual(self.login(user, self.secret("s3cret-" + user)).run("cluster").returncode, 0)
        self.admin.one("user", "delete", user, "--yes")
        # Without a terminal: --password-file is required.
        p = self.admin.run("user", "set", user)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--password-file", p.stderr)

    def test_read_only_session_and_profile(self):
        p = self.admin.run("--read-only", "acl", "create", "--principal", "User:x", "--operation", "Read",
                           "--topic", "t")
        self.assertEqual(p.returncode, 1)
        self.assertIn("read-only", p.stderr)
        env = {"XDG_CONFIG_HOME": config_dir(self, {"profiles": {"ro": {"read_only": True}, "s": {"strimzi": True}}})}
        user = unique("ro")
        p = self.admin.run("-p", "ro", "user", "set", user, "--password-file", self.secret("x"), env=env)
        self.assertEqual(p.returncode, 1)
        self.assertIn("read-only", p.stderr)
        self.assertEqual(self.admin.run("users", user).returncode, 1)  # nothing was made
        self.assertEqual(self.admin.run("-p", "ro", "users", env=env).returncode, 0)  # reading is fine
        # strimzi: the change is made, with a note naming the KafkaUser to edit.
        p = self.admin.run("-p", "s", "user", "set", user, "--password-file", self.secret("x"), env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(f"oc edit kafkauser/{user}", p.stderr)
        p = self.admin.run("-p", "s", "user", "delete", user, "--yes", env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("User Operator", p.stderr)
        # Topics belong to the Topic Operator; a profile without the setting says nothing.
        t = unique("strimzi")
        p = Kcon(self.bootstrap).run("-p", "s", "topic", "create", t, env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(f"oc edit kafkatopic/{t}", p.stderr)
        p = Kcon(self.bootstrap).run("-p", "s", "topic", "alter", t, "--set", "max.message.bytes=2000000", env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(f"oc edit kafkatopic/{t}", p.stderr)
        p = Kcon(self.bootstrap).run("-p", "s", "topic", "partitions", t, "--count", "2", "--dry-run", env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("strimzi", p.stderr)  # a dry run changes nothing
        p = Kcon(self.bootstrap).run("-p", "s", "topic", "partitions", t, "--count", "2", env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(f"oc edit kafkatopic/{t}", p.stderr)
        p = Kcon(self.bootstrap).run("-p", "s", "topic", "delete", t, "--yes", env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("Topic Operator", p.stderr)
        p = self.k.run("topic", "create", t + "x")
        self.addCleanup(self.k.run, "topic", "delete", t + "x", "--yes")
        self.assertNotIn("strimzi", p.stderr)

    def test_every_command_takes_yes(self):
        self.assertEqual(self.k.run("cluster", "--yes").returncode, 0)
        self.assertEqual(self.k.run("topics", "-y").returncode, 0)


if __name__ == "__main__":
    unittest.main()
