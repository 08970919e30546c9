"""tail --format TEMPLATE on the real broker, side by side with kcat -f on the same messages: the
fields both know print the same bytes with -o raw; without -o raw message bytes are escaped;
%h{NAME}; hostile templates are usage errors (exit 2) with a hint; -o ndjson is -o json."""

import json
import subprocess
import unittest

from kcontest import BrokerTestCase

COMMON = "%t|%p|%o|%k|%K|%s|%S|%T|%h|\\n"  # the fields kcat's -f has too


class TailFormatTest(BrokerTestCase):
    def kcat(self, topic, fmt, start="beginning"):
        p = subprocess.run(["kcat", "-C", "-b", self.bootstrap, "-t", topic, "-e", "-q", "-o", start,
                            "-f", fmt], capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout

    def tail(self, topic, *args):
        return self.k.run("tail", topic, "--from", "beginning", "--to-end", *args, input=b"")

    def fill(self, topic):
        """Messages of every shape, from kcon (kcat cannot produce a null key beside a value with headers)."""
        for args in (["plain", "--key", "k1", "-H", "trace-id=abc", "-H", "source=svc"],
                     ["caf\u00e9 \u65e5\u672c", "--key", "k2"],
                     ["bell\x07esc\x1b[2J", "--key", "k\x1b3", "-H", "trace-id=def"],
                     ["--null-value", "--key", "gone"],
                     ["", "-H", "empty="],
                     ["100% real"]):
            p = self.k.run("produce", topic, "--partition", "0", *args)
            self.assertEqual(p.returncode, 0, p.stderr)

    def test_raw_matches_kcat(self):
        t = self.scratch_topic()
        self.fill(t)
        p = self.tail(t, "-o", "raw", "--format", COMMON)
        self.assertEqual(p.returncode, 0, p.stderr)
        want = self.kcat(t, COMMON)
        self.assertEqual(len(want.splitlines()), 6)
        self.assertEqual(p.stdout, want)
        # %% and the escapes as kcat reads them
        fmt = "%%|%o\\t%k\\\\\\n"
        self.assertEqual(self.tail(t, "-o", "raw", "--format", fmt).stdout, self.kcat(t, fmt))

    def test_escaped_unless_raw_and_header_by_name(self):
        t = self.scratch_topic()
        self.fill(t)
        p = self.tail(t, "--format", "%o [%k] [%s] [%h{trace-id}]\\n")
        self.assertEqual(p.returncode, 0, p.stderr)
        out = p.stdout.decode()
        self.assertNotIn("\x1b", out)
        self.assertNotIn("\x07", out)
        got = out.splitlines()
        self.assertEqual(got[0], "0 [k1] [plain] [abc]")
        self.assertEqual(got[1], "1 [k2] [caf\u00e9 \u65e5\u672c] []")
        self.assertEqual(got[2], "2 [k\\x1b3] [bell\\x07esc\\x1b[2J] [def]")
        self.assertEqual(got[3], "3 [gone] [] []")
        raw = self.tail(t, "-o", "raw", "--format", "%s\\n", "--partition", "0").stdout
        self.assertIn(b"bell\x07esc\x1b[2J\n", raw)
        # an encoding beside the template
        p = self.tail(t, "--format", "%k=%s\\n", "--encoding", "hex", "-n", "1")
        self.assertEqual(p.stdout, b"6b31=706c61696e\n")
        # --format NAME is still the encoding
        p = self.tail(t, "--format", "hex", "-n", "1")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(b"706c61696e", p.stdout)

    def test_hostile_templates_are_usage_errors(self):
        t = self.scratch_topic()
        self.fill(t)
        for fmt, cause in (("%x", "unknown field %x"),
                           ("%o %", "lone %"),
                           ("%h{trace-id", "has no closing }"),
                           ("%h{}", "names no header"),
                           ("%o\\q", "unknown escape"),
                           ("%o\\", "lone backslash")):
            p = self.tail(t, "--format", fmt)
            err = p.stderr.decode()
            self.assertEqual(p.returncode, 2, (fmt, err))
            self.assertIn(cause, err)
            self.assertIn("hint: fields: %t %p %o", err)
            self.assertEqual(p.stdout, b"")
        for args, cause in ((["-o", "json", "--format", "%s"], "-o json exclude"),
                            (["--format", "%s", "-D", ","], "--delimiter exclude"),
                            (["--format", "nope"], "unknown --format `nope`"),
                            (["--format", "hex", "--encoding", "text"], "is no template")):
            p = self.tail(t, *args)
            self.assertEqual(p.returncode, 2, (args, p.stderr))
            self.assertIn(cause, p.stderr.decode())

    def test_ndjson_is_one_document_a_line(self):
        t = self.scratch_topic()
        self.fill(t)
        p = self.tail(t, "-o", "ndjson")
        self.assertEqual(p.returncode, 0, p.stderr)
        docs = [json.loads(l) for l in p.stdout.decode().splitlines()]
        self.assertEqual([d["offset"] for d in docs], list(range(6)))
        self.assertEqual(p.stdout, self.tail(t, "-o", "json").stdout)
        p = self.k.run("-o", "ndjson", "topic", "describe", t)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(p.stdout.splitlines()), 1)
        self.assertEqual(json.loads(p.stdout)["topic"], t)


if __name__ == "__main__":
    unittest.main()
