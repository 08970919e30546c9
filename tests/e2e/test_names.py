"""Names Kafka cannot hold (not UTF-8, empty, illegal topic characters) are usage errors (exit 2)
with a cause and a hint, before any request: on the real broker a group id that is not UTF-8 used
to abort kcon inside librdkafka (SIGABRT, exit 134); on the demo it printed nothing and exited 0."""

import json
import os
import tempfile
import unittest

from kcontest import Kcon, BrokerTestCase, unique


class NamesMixin:
    def refused(self, *args, want="", **kw):
        p = self.kcon(*args, timeout=20, **kw)
        if isinstance(p.stderr, bytes):
            p.stderr = p.stderr.decode("utf-8", "replace")
        self.assertEqual(p.returncode, 2, f"{args}: {p.stderr}")
        self.assertIn(want, p.stderr)
        self.assertIn("hint:", p.stderr)
        self.assertNotIn("Assertion", p.stderr)
        return p

    def test_group_not_utf8(self):
        for verb in ("lag", "describe", "delete --yes", "reset --all-topics --to-earliest",
                     "delete-offsets --yes --topic t"):
            with self.subTest(verb=verb):
                noun, *rest = verb.split(" ", 1)
                self.refused("-e", f'group {noun} "\\xff" {" ".join(rest)}', want="not valid UTF-8")
        # the same bytes straight from the shell, and the TUI-less stdin
        self.refused("group", "lag", os.fsdecode(b"\xff"), want="not valid UTF-8")
        self.refused(input=b"group describe \xff\n", want="not valid UTF-8")

    def test_script_in_latin1(self):
        with tempfile.NamedTemporaryFile("wb", suffix=".kcon", delete=False) as f:
            f.write("group describe été\n".encode("latin-1"))
        self.addCleanup(os.unlink, f.name)
        self.refused("-f", f.name, want="`\\xe9t\\xe9` is not valid UTF-8")

    def test_empty_group_is_refused_at_once(self):
        # it used to wait the whole --timeout, then say the cluster was unreachable
        self.refused("-e", 'group lag ""', want="group id is empty")

    def test_topic_names(self):
        self.refused("-e", "topic create a/b", want="cannot be a topic name")
        self.refused("-e", "topic describe ..", want="cannot be a topic name")
        self.refused("-e", "tail " + "x" * 250, want="250 bytes long")
        self.refused("-e", 'produce "a b" v', want="cannot be a topic name")
        self.refused("-e", 'tail orders --group "\\xff"', want="--group: the group id")
        self.refused("-e", 'group lag g --topic "\\xff"', want="--topic")


    def test_backslash_escaped_once(self):
        """A cause that quotes what the user typed is escaped once, by the sink: a backslash shows as
        \\ on the terminal and as itself in JSON (the tail's pattern error showed a\\\\ before)."""
        p = self.refused("tail", "orders", "--grep", "a\\", want="--grep `a\\\\`: ")
        self.assertNotIn("a\\\\\\", p.stderr)
        group = "a\\b"  # a group id may hold a backslash
        p = self.kcon("group", "lag", group, timeout=30)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("unknown group `a\\\\b`", p.stderr)
        self.assertNotIn("a\\\\\\", p.stderr)
        p = self.kcon("-o", "json", "group", "lag", group, timeout=30)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(json.loads(p.stdout)["error"]["message"], "unknown group `a\\b`")

    def test_note_escaped_once(self):
        """A note quoting a path with a backslash and an ESC (the store's notice that a damaged
        history.db was moved aside) shows escaped once on stderr: notes come raw and their printer
        escapes them (note_send used to, and the TUI's log again: test_tui_history)."""
        with tempfile.TemporaryDirectory() as d:
            state = os.path.join(d, "a\\b\x1b[2J")
            os.mkdir(state)
            with open(os.path.join(state, "history.db"), "wb") as f:
                f.write(os.urandom(8192))
            p = self.kcon("--state-dir", state, "history", "events", timeout=30)
            if isinstance(p.stderr, bytes):
                p.stderr = p.stderr.decode("utf-8", "replace")
            self.assertIn("kcon: history store " + d + "/a\\\\b\\x1b[2J/history.db was unreadable", p.stderr)
            self.assertNotIn("\x1b", p.stderr)
            self.assertNotIn("a\\\\\\", p.stderr)


class NamesBrokerTest(NamesMixin, BrokerTestCase):
    def kcon(self, *args, **kw):
        return self.k.run(*args, **kw)

    def test_reset_plan_file_names(self):
        """A plan read from a file names its topics too: each is checked as typed ones are."""
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
            f.write("orders,0,1\n..,0,1\n")  # Kafka's own export: no header
        self.addCleanup(os.unlink, f.name)
        p = self.kcon("group", "reset", unique("g"), "--from-file", f.name, timeout=30)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("line 2", p.stderr)


class NamesDemoTest(NamesMixin, unittest.TestCase):
    k = Kcon(None, extra=["--demo"])

    def kcon(self, *args, **kw):
        return self.k.run(*args, bootstrap=False, **kw)


if __name__ == "__main__":
    unittest.main()
