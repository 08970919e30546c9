"""tail and produce on the real broker: byte-exact round trips (binary keys and values, headers,
tombstones, a 1 MB value) through -o json and -o raw, start points, filters, hostile values,
empty and missing topics, a closed pipe, and replaying a tail with produce --input json."""

import base64
import json
import os
import subprocess
import tempfile
import time
import unittest

from kcontest import BUILD_PLUGINS, KCON, TEST_PLUGINS, BrokerTestCase, kcat_produce, kcon_env


def value_bytes(doc, field="value", enc_field="encoding"):
    """The bytes a tail -o json document stands for (None for null)."""
    v = doc[field]
    if v is None:
        return None
    enc = doc.get(enc_field)
    if enc == "base64":
        return base64.b64decode(v)
    if enc == "hex":
        return bytes.fromhex(v)
    if isinstance(v, str):
        return v.encode()
    return json.dumps(v, separators=(",", ":")).encode()  # embedded JSON: only when compact


def lines(stdout):
    return [json.loads(l) for l in stdout.splitlines() if l.strip()]


class TailTest(BrokerTestCase):
    def kcat_file(self, topic, data, key=None, headers=(), partition=0):
        """Produces data as one message with kcat (an independent producer)."""
        with tempfile.NamedTemporaryFile(delete=False) as f:
            f.write(data)
        try:
            cmd = ["kcat", "-P", "-b", self.bootstrap, "-t", topic, "-p", str(partition),
                   "-X", "message.max.bytes=4000000"]
            if key is not None:
                cmd += ["-k", key]
            for h in headers:
                cmd += ["-H", h]
            subprocess.run(cmd + [f.name], check=True, timeout=60)
        finally:
            os.unlink(f.name)

    def tail_json(self, *args, env=None):
        p = self.k.run("tail", *args, "-o", "json", "--to-end", env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        return lines(p.stdout), json.loads(p.stderr.strip().splitlines()[-1])

    def test_round_trip_binary_headers_tombstone_and_1mb(self):
        t = self.create_topic(1, 1, "t", "max.message.bytes=4194304")
        binary = bytes(range(256))
        big = os.urandom(1 << 20)
        self.kcat_file(t, binary, key="bin", headers=["h1=v1", "h2=v2"])
        p = self.k.run("produce", t, "--null-value", "--key", "gone", "--partition", "0")  # kcat skips empty input
        self.assertEqual(p.returncode, 0, p.stderr)
        self.kcat_file(t, big, key="big")
        self.kcat_file(t, b'{"a":[1,2.5,"x"],"b":null}', key="js")
        self.kcat_file(t, "caf\u00e9 \u65e5\u672c".encode(), key="utf8")
        # A binary key: produced by kcon from the JSON envelope.
        env = {"key": base64.b64encode(b"\x00\xff\x1b").decode(), "key_encoding": "base64", "value": "k"}
        p = self.k.run("produce", t, "--input", "json", "--partition", "0", input=json.dumps(env) + "\n")
        self.assertEqual(p.returncode, 0, p.stderr)

        docs, summary = self.tail_json(t, "--from", "beginning", "--max-bytes", "8M")
        self.assertEqual(summary["shown"], 6)
        self.assertEqual([d["offset"] for d in docs], list(range(6)))
        self.assertEqual(value_bytes(docs[0]), binary)
        self.assertEqual(docs[0]["encoding"], "base64")
        self.assertEqual(docs[0]["headers"], [{"name": "h1", "value": "v1"}, {"name": "h2", "value": "v2"}])
        self.assertEqual(docs[0]["timestamp_type"], "create_time")
        self.assertIsNone(docs[1]["value"])
        self.assertEqual(docs[1]["key"], "gone")
        self.assertEqual(value_bytes(docs[2]), big)
        self.assertEqual(docs[3]["value"], {"a": [1, 2.5, "x"], "b": None})  # embedded as JSON
        self.assertEqual(docs[4]["value"], "caf\u00e9 \u65e5\u672c")
        self.assertEqual(value_bytes(docs[5], "key", "key_encoding"), b"\x00\xff\x1b")

        # -o raw: the value bytes and the delimiter, byte-exact.
        for off, want in ((0, binary), (2, big)):
            p = self.k.run("tail", t, "--from", str(off), "-n", "1", "-o", "raw", "--to-end", input=b"")
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(p.stdout, want + b"\n")
        p = self.k.run("tail", t, "--from", "beginning", "-n", "2", "-o", "raw", "-D", "|", input=b"")
        self.assertEqual(p.stdout, binary + b"|" + b"|")

        # Replay into another topic: keys, values, headers and timestamps come back the same.
        t2 = self.create_topic(1, 1, "t", "max.message.bytes=4194304")
        out = "".join(json.dumps(d) + "\n" for d in docs)
        p = self.k.run("produce", t2, "--input", "json", "--partition", "0", input=out)
        self.assertEqual(p.returncode, 0, p.stderr)
        docs2, _ = self.tail_json(t2, "--from", "beginning")
        strip = lambda d: {k: v for k, v in d.items() if k != "topic"}
        self.assertEqual([strip(d) for d in docs2], [strip(d) for d in docs])

    def test_json_escapes_have_one_case(self):
        """A JSON value whose escapes are upper case is no longer embedded as is (it mixed cases with
        kcon's own lower-case escapes); it is a string, and still round-trips."""
        t = self.scratch_topic()
        value = b'{"a":"\\u001B\\u009B x"}'
        self.kcat_file(t, value)
        self.kcat_file(t, "x\x1b\u009b".encode())
        p = self.k.run("tail", t, "-o", "json", "--to-end")
        self.assertEqual(p.returncode, 0, p.stderr)
        i, escapes = 0, []
        while i < len(p.stdout):  # the \uXXXX escapes of the JSON text (a \\ starts none)
            if p.stdout[i] == "\\":
                if p.stdout[i + 1] == "u":
                    escapes.append(p.stdout[i + 2:i + 6])
                i += 1
            i += 1
        self.assertEqual(escapes, ["001b", "009b"])
        self.assertIn("\\u001b\\u009b", p.stdout)
        docs = lines(p.stdout)
        self.assertEqual(value_bytes(docs[0]), value)
        replay = self.scratch_topic()
        p = self.k.run("produce", replay, "--input", "json", input=p.stdout)
        self.assertEqual(p.returncode, 0, p.stderr)
        docs2, _ = self.tail_json(replay)
        self.assertEqual(value_bytes(docs2[0]), value)

    def test_start_points(self):
        t = self.create_topic()
        kcat_produce(self.bootstrap, t, [f"m{i}" for i in range(10)])
        vals = lambda docs: [d["value"] for d in docs]
        self.assertEqual(vals(self.tail_json(t, "--from", "3", "-n", "2")[0]), ["m3", "m4"])
        self.assertEqual(vals(self.tail_json(t, "--from", "-3")[0]), ["m7", "m8", "m9"])
        self.assertEqual(vals(self.tail_json(t, "--from", "beginning")[0]), [f"m{i}" for i in range(10)])
        self.assertEqual(vals(self.tail_json(t)[0]), [f"m{i}" for i in range(10)])  # scripts: beginning
        self.assertEqual(self.tail_json(t, "--from", "end")[0], [])
        self.assertEqual(vals(self.tail_json(t, "--from", "99")[0]), [])  # clamped to the end
        # Times: explicit timestamps through produce --input json.
        t2 = self.create_topic()
        base = 1577836800000  # 2020-01-01T00:00:00Z
        now = int(time.time() * 1000)
        msgs = [{"value": f"old{i}", "timestamp": base + i * 60000} for i in range(10)]
        msgs += [{"value": "recent", "timestamp": now - 60000}]
        p = self.k.run("produce", t2, "--input", "json", input="".join(json.dumps(m) + "\n" for m in msgs))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(vals(self.tail_json(t2, "--from", "@2020-01-01T00:05:00Z")[0]),
                         [f"old{i}" for i in range(5, 10)] + ["recent"])
        self.assertEqual(vals(self.tail_json(t2, "--from", "@-15m")[0]), ["recent"])
        self.assertEqual(vals(self.tail_json(t2, "--from", "@PT15M")[0]), ["recent"])
        p = self.k.run("tail", t2, "--from", "yesterday")
        self.assertEqual(p.returncode, 2)
        self.assertIn("--from", p.stderr)

    def test_filters_and_counts(self):
        t = self.create_topic(partitions=2)
        kcat_produce(self.bootstrap, t, ["alpha:apple", "beta:banana", "gamma:grape"], partition=0, key_delim=":")
        kcat_produce(self.bootstrap, t, ["alpha:avocado", "delta:date"], partition=1, key_delim=":",
                     extra=["-H", "env=prod"])
        docs, s = self.tail_json(t, "--grep", "^a")
        self.assertEqual(sorted(d["value"] for d in docs), ["apple", "avocado"])
        self.assertEqual((s["shown"], s["skipped"]), (2, 3))
        docs, s = self.tail_json(t, "--key", "^(beta|delta)$")
        self.assertEqual(sorted(d["value"] for d in docs), ["banana", "date"])
        docs, s = self.tail_json(t, "--header", "env=^pr")
        self.assertEqual(sorted(d["value"] for d in docs), ["avocado", "date"])
        docs, s = self.tail_json(t, "--partition", "1")
        self.assertEqual([d["partition"] for d in docs], [1, 1])
        self.assertEqual([p["partition"] for p in s["partitions"]], [1])
        p = self.k.run("tail", t, "--grep", "(")
        self.assertEqual(p.returncode, 2)
        p = self.k.run("tail", t, "--partition", "7")
        self.assertEqual(p.returncode, 2)
        self.assertIn("has no partition 7", p.stderr)
        self.assertIn("`topic describe` lists the partitions", p.stderr)
        # Table mode: the summary on stderr.
        p = self.k.run("tail", t, "--key", "alpha")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("2 shown, 3 skipped", p.stderr)
        self.assertEqual(len(p.stdout.splitlines()), 2)

    def test_hostile_values_are_escaped(self):
        t = self.create_topic()
        self.kcat_file(t, b"\x1b]0;pwned\x07", key="k\x1b[31m")
        self.kcat_file(t, b"\x1b[2J tail \xff end")
        p = self.k.run("tail", t, input=b"")
        self.assertEqual(p.returncode, 0, p.stderr)
        for bad in (b"\x1b", b"\x07", b"\xff"):
            self.assertNotIn(bad, p.stdout)
        self.assertIn(b"\\x1b]0;pwned\\x07", p.stdout)
        self.assertIn(b"\\x1b[2J", p.stdout)
        p = self.k.run("tail", t, "-o", "json", input=b"")
        for bad in (b"\x1b", b"\x07", b"\xff"):
            self.assertNotIn(bad, p.stdout)
        docs = lines(p.stdout.decode())
        self.assertEqual(docs[0]["value"], "\x1b]0;pwned\x07")  # JSON-escaped, and exact
        self.assertEqual(value_bytes(docs[1]), b"\x1b[2J tail \xff end")

    def test_decode_through_a_plugin(self):
        # the bundled hexdump plugin, from the build tree that KCON_PLUGIN_PATH points at
        env = {"KCON_PLUGIN_PATH": BUILD_PLUGINS}
        p = self.k.run("plugins", "-o", "json", env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("hexdump", [d["name"] for d in json.loads(p.stdout)["decoders"]])
        t = self.create_topic()
        self.kcat_file(t, b"Hi\x1b[2J\x00")
        docs, summary = self.tail_json(t, "--decode", "hexdump", env=env)
        self.assertEqual(docs[0]["value"], "00000000  48 69 1b 5b 32 4a 00" + " " * 27 + "  |Hi.[2J.|")
        p = self.k.run("tail", t, "--decode", "hexdump", input=b"", env=env)
        self.assertIn(b"48 69 1b 5b 32 4a 00", p.stdout)
        self.assertNotIn(b"\x1b", p.stdout)
        p = self.k.run("tail", t, "--decode", "nosuch", input=b"", env=env)
        self.assertEqual(p.returncode, 2)
        self.assertIn(b"`plugins` lists the decoders", p.stderr)

    def test_crashing_decoder_costs_the_message_not_the_tail(self):
        # Decoders run in a helper process: one that crashes costs its message (shown as hex with
        # the crash), a new helper takes the next; after 3 crashes within a minute decoding is off.
        t = self.create_topic()
        for v in (b"boom", b"two", b"three", b"four"):
            self.kcat_file(t, v)
        p = self.k.run("-o", "json", "tail", t, "--decode", "crashing", "--to-end", input=b"",
                       env={"KCON_PLUGIN_PATH": TEST_PLUGINS})
        self.assertEqual(p.returncode, 0, p.stderr)
        docs = lines(p.stdout)
        self.assertEqual([bytes.fromhex(d["value"]) for d in docs], [b"boom", b"two", b"three", b"four"])
        for d in docs[:3]:
            self.assertRegex(d["decode_error"], r"^the decoder `crashing` (crashed \(signal \d+|died \(exit status)")
        self.assertIn("starts again for the next one", docs[0]["decode_error"])
        self.assertIn("decoding is off for this session", docs[2]["decode_error"])
        self.assertIn("decoding is off for this session", docs[3]["decode_error"])
        self.assertIn(b"the decoder `crashing`", p.stderr)

    def test_crashing_decoder_is_named(self):
        # In kcon's own process (KCON_DECODE_IN_PROCESS=1, or no /proc to start the helper from),
        # a decoder that crashes ends kcon, and kcon says which.
        t = self.create_topic()
        self.kcat_file(t, b"boom")
        for fmt in ("table", "json"):
            p = self.k.run("tail", t, "--decode", "crashing", "--to-end", "-o", fmt, input=b"",
                           env={"KCON_PLUGIN_PATH": TEST_PLUGINS, "KCON_DECODE_IN_PROCESS": "1"})
            self.assertEqual(p.returncode, -11, p.stderr)  # SIGSEGV, as without the handler
            self.assertIn(b"kcon: the decoder `crashing` (plugin " + TEST_PLUGINS.encode() + b"/crashing.so) crashed "
                          b"while decoding a message", p.stderr)

    def test_empty_topic_to_end_exits_at_once(self):
        t = self.create_topic(partitions=3)
        t0 = time.monotonic()
        p = self.k.run("tail", t, "--to-end", "-o", "json", timeout=30)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, "")
        self.assertLess(time.monotonic() - t0, 10)
        self.assertEqual(json.loads(p.stderr)["shown"], 0)

    def test_fetcher_looks_again_soon_and_x_overrides_it(self):
        """A reader slower than the network (-o json) must not wait for librdkafka's 1 s fetch queue
        backoff each time the queue drains (issue #18: 1M messages took 2.8 s instead of 0.9):
        the tail's consumer is made with fetch.queue.backoff.ms=10, which -X overrides."""
        t = self.create_topic()

        def conf(*x):
            p = self.k.run("-v", "-X", "debug=conf", *x, "tail", t, "--to-end", "-o", "json")
            self.assertEqual(p.returncode, 0, p.stderr)
            return [line.split("=", 1)[1].strip() for line in p.stderr.splitlines()
                    if line.split("]:", 1)[-1].strip().startswith("fetch.queue.backoff.ms =")]

        self.assertIn("10", conf())
        self.assertEqual(set(conf("-X", "fetch.queue.backoff.ms=500")), {"500"})

    def test_missing_topic(self):
        p = self.k.run("tail", "no-such-topic-xyz")
        self.assertEqual(p.returncode, 1)
        self.assertIn("unknown topic", p.stderr)
        p = self.k.run("produce", "no-such-topic-xyz", "v")
        self.assertEqual(p.returncode, 1)

    def test_closed_pipe_exits_quietly(self):
        t = self.create_topic()
        kcat_produce(self.bootstrap, t, [f"line {i} " + "x" * 100 for i in range(50000)])
        cmd = f"set -o pipefail; '{KCON}' -b {self.bootstrap} tail {t} --to-end | head -n 3"
        p = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=60,
                           env=kcon_env())
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(p.stdout.splitlines()), 3)
        self.assertEqual(p.stderr, "")

    def test_produce_forms(self):
        t = self.create_topic()
        p = self.k.run("produce", t, "one", "--key", "k", "--header", "a=1", "-o", "json")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(lines(p.stdout), [{"topic": t, "partition": 0, "offset": 0, "n": 1}])
        p = self.k.run("produce", t, "-D", ";", "-o", "json", input="two;three;")
        self.assertEqual([d["offset"] for d in lines(p.stdout)], [1, 2])
        with tempfile.NamedTemporaryFile(delete=False) as f:
            f.write(b"multi\nline\n")
        p = self.k.run("produce", t, "--file", f.name)
        os.unlink(f.name)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("offset 3", p.stderr)
        p = self.k.run("produce", t, "--null-value", "--key", "k")
        self.assertEqual(p.returncode, 0, p.stderr)
        docs, _ = self.tail_json(t)
        self.assertEqual([d["value"] for d in docs], ["one", "two", "three", "multi\nline\n", None])
        self.assertEqual(docs[0]["headers"], [{"name": "a", "value": "1"}])
        p = self.k.run("produce", t, "--input", "json", input="not json\n")
        self.assertEqual(p.returncode, 2)
        self.assertIn("line 1", p.stderr)

    def test_produce_refused_by_the_broker_says_why(self):
        t = self.create_topic(1, 1, "t", "max.message.bytes=1000")
        # One message alone: beside a small one, both would share a batch the broker refuses whole.
        p = self.k.run("produce", t, "-o", "json", input="x" * 5000 + "\n")
        self.assertEqual(p.returncode, 1)
        self.assertEqual(lines(p.stdout), [])
        self.assertIn("1 of 1 messages failed: message 1: Broker: Message size too large", p.stderr)
        self.assertIn("max.message.bytes is the limit", p.stderr)
        p = self.k.run("produce", t, "small")
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_no_group_unless_asked(self):
        t = self.create_topic()
        kcat_produce(self.bootstrap, t, [f"g{i}" for i in range(6)])
        groups = lambda: {g["group"]: g for g in self.k.one("groups")["groups"]}
        before = groups()
        self.tail_json(t)
        self.assertEqual(set(groups()), set(before))  # a plain tail leaves no group behind
        g = "tail-" + t
        docs, _ = self.tail_json(t, "--group", g, "--from", "beginning", "-n", "2")
        self.assertEqual([d["value"] for d in docs], ["g0", "g1"])
        self.assertEqual(groups()[g]["total_lag"], 4)
        docs, _ = self.tail_json(t, "--group", g, "-n", "3")  # from the committed offsets
        self.assertEqual([d["value"] for d in docs], ["g2", "g3", "g4"])
        self.assertEqual(groups()[g]["total_lag"], 1)
        p = self.k.run("tail", t, "--from", "committed")
        self.assertEqual(p.returncode, 2)

    def test_group_tail_closes_at_once(self):
        """A tail with --group stops the partitions it fetched before it destroys its consumer:
        librdkafka otherwise waits for them ("waiting for N toppar(s)" in its log) until kcon's 3 s
        guard abandons the consumer, so every `tail --group` took 3 s more to end."""
        t = self.create_topic(3)
        kcat_produce(self.bootstrap, t, ["a", "b"], partition=0)
        g = "close-" + t
        self.addCleanup(self.k.run, "group", "delete", g, "--yes")
        start = time.monotonic()
        p = self.k.run("-v", "-X", "debug=cgrp", "tail", t, "--group", g, "--from", "beginning", "-n", "2",
                       "-o", "json", "--to-end")
        took = time.monotonic() - start
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])
        self.assertEqual([d["value"] for d in lines(p.stdout)], ["a", "b"])
        self.assertIn("Terminating group", p.stderr)  # the log is there ...
        self.assertNotRegex(p.stderr, r"waiting for \d+ toppar")  # ... and the wait is not
        self.assertLess(took, 3.0)

    def test_read_only_refuses_group_commit(self):
        # issue 10: --read-only let `tail --group` join nothing but commit offsets, creating the group.
        t = self.scratch_topic()
        kcat_produce(self.bootstrap, t, ["r0", "r1", "r2"])
        g = "ro-" + t
        p = self.k.run("--read-only", "tail", t, "--from", "beginning", "--group", g, "-n", "2", "-o", "json")
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(p.stdout, "")  # refused before it read anything
        self.assertIn("`tail --group` changes the cluster, and this session is read-only", p.stderr)
        self.assertIn("drop --group", p.stderr)
        self.assertNotIn(g, [x["group"] for x in self.k.one("groups")["groups"]])
        # Kafka's own tool agrees: no such group.
        ctl = os.environ.get("KCON_KAFKA_CTL", "tests/kafka/kafka-ctl")
        tool = subprocess.run([ctl, "tool", "--workdir", os.environ["KCON_TEST_BROKER_DIR"],
                               "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
                               "--bootstrap-server", self.bootstrap, "--list"],
                              capture_output=True, text=True, timeout=120, check=True)
        self.assertNotIn(g, tool.stdout.split())
        # The same tail without --read-only commits (the refusal was the option, not the topic).
        docs, _ = self.tail_json(t, "--group", g, "--from", "beginning", "-n", "2")
        self.assertEqual([d["value"] for d in docs], ["r0", "r1"])
        self.assertIn(g, [x["group"] for x in self.k.one("groups")["groups"]])
        self.k.run("group", "delete", g, "--yes")

    def test_raw_is_tail_only(self):
        p = self.k.run("topics", "-o", "raw")
        self.assertEqual(p.returncode, 2)


if __name__ == "__main__":
    unittest.main()
