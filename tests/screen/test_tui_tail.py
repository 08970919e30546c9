"""The TUI's live tail and message detail views in tmux, against the real test broker."""

import json
import re
import struct
import subprocess
import tempfile
import threading
import time
import unittest

from kcontest import BUILD_PLUGINS, KCON, TEST_PLUGINS, BrokerTestCase, unique, wait_until
from standin_registry import StandInRegistry
from tmuxscreen import TmuxScreen

UTF8 = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}

# Bytes that would drive a terminal: clear screen, an OSC window title, a bare C1 CSI, U+202E.
HOSTILE = b"A\x1b[2J\x1b]0;pwned\x07\x9bZ\xe2\x80\xaeR"
HOSTILE_SHOWN = r"A\x1b[2J\x1b]0;pwned\x07\x9bZ\xe2\x80\xaeR"


class TuiTailTest(BrokerTestCase):
    def start(self, width=120, height=40, env=None, args=()):
        e = dict(UTF8)
        e["XDG_CONFIG_HOME"] = "/nonexistent-kcon-test"
        e.update(env or {})
        state = tempfile.TemporaryDirectory()
        self.addCleanup(state.cleanup)
        e["KCON_STATE_DIR"] = state.name
        scr = TmuxScreen([KCON, "-b", self.bootstrap, "--no-history", *args], width, height, env=e)
        self.addCleanup(scr.close)
        scr.wait_for("connected")
        return scr

    def topic(self, partitions=1):
        name = unique("0tail")
        self.k.one("topic", "create", name, "--partitions", partitions, "--replication-factor", 1)
        self.addCleanup(self.k.run, "topic", "delete", name, "--yes")
        return name

    def produce(self, topic, value, key=None, headers=(), partition=0):
        """One message through kcat (an independent producer), bytes exactly as given."""
        cmd = ["kcat", "-P", "-b", self.bootstrap, "-t", topic, "-p", str(partition), "-D", "<<end>>"]
        if key is not None:
            cmd += ["-K", "<<key>>"]
        for h in headers:
            cmd += ["-H", h]
        data = (key + b"<<key>>" if key is not None else b"") + value
        subprocess.run(cmd, input=data, check=True, timeout=60)

    def status(self, scr):
        return scr.lines()[-2]

    def open_tail(self, scr, topic, args=""):
        scr.type(f":tail {topic}{args}")
        scr.send("Enter")
        # "updated" once the consumer is open: what is produced from now on is "after it opened"
        wait_until(lambda: f" tail {topic} " in self.status(scr) and "updated" in self.status(scr),
                   what="the tail view with its consumer open")

    def row(self, scr, text):
        """The first row holding text; a "partition:offset" is matched as the row's first field only (a
        clock time such as 20:12:37 holds "0:1" too)."""
        if re.fullmatch(r"\d+:\d+", text):
            return next((l for l in scr.lines() if l.split()[:1] == [text]), None)
        return next((l for l in scr.lines() if text in l), None)

    def wait_row(self, scr, text, want):
        """The row holding text, once it holds want too (values are decoded off the loop thread: a row
        shows [decoding] until its result comes)."""
        wait_until(lambda: want in (self.row(scr, text) or ""), what=f"{want!r} in the row of {text!r}")
        return self.row(scr, text)

    def test_stream_detail_toggles_and_hostile_bytes(self):
        t = self.topic()
        scr = self.start()
        title_before = scr.info("#{pane_title}")
        self.open_tail(scr, t)
        self.assertIn("0 seen", self.status(scr))
        self.produce(t, b'{"a":1,"b":[true,null],"s":"x\xe2\x80\xaey"}', key=b"user-1",
                     headers=["trace-id=abc123", "n=1"])
        self.produce(t, b"\x00\x01\xff\xfeBIN", key=b"bin")
        self.produce(t, HOSTILE, key=b"hostile", headers=["evil\x1b[2J=\x1b]0;pwned\x07\u202e"])
        scr.wait_for(lambda s: "3 seen 3/3" in s, what="the three messages produced after it opened")
        self.assertIn('{"a":1,"b":[true,null],"s":"x\\xe2\\x80\\xaey"}', self.row(scr, "user-1"))
        self.assertIn(HOSTILE_SHOWN, self.row(scr, "hostile") or scr.text())

        # Enter on the first row: the detail with the headers and pretty JSON (U+202E as \u202e).
        scr.send("g")
        scr.send("Enter")
        text = scr.wait_for(f"message {t} 0:0 pretty", what="the detail view")
        lines = scr.lines()
        for want in ("topic      " + t, "partition  0", "offset     0", "key        user-1", "headers    2",
                     "  trace-id = abc123", "  n = 1", "value      35 bytes, JSON  (m: pretty -> raw)"):
            self.assertIn(want, lines, text)
        self.assertRegex(text, r"timestamp  \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z  \(create time, \d+ ms\)")
        value = lines[lines.index("value      35 bytes, JSON  (m: pretty -> raw)") + 2:][:8]
        self.assertEqual(value, ["{", '  "a": 1,', '  "b": [', "    true,", "    null", "  ],",
                                 '  "s": "x\\u202ey"', "}"])
        self.assertIn("m pretty/raw/hex", scr.lines()[-1])  # the key line
        scr.send("?")
        text = scr.wait_for("KEYS IN THE message VIEW", what="the help of the message view")
        self.assertRegex(text, r"\(the view's own keys\) +m pretty/raw/hex")
        scr.send("Escape")
        scr.wait_for(f"message {t} 0:0 pretty")
        scr.send("Escape")
        scr.wait_for(lambda s: "PART:OFFSET" in s and f" tail {t} " in s, what="Esc back to the tail")
        self.assertTrue(scr.lines()[-1].startswith("Enter detail  p pause/resume  c clear"), scr.lines()[-1])
        scr.send("?")
        text = scr.wait_for("KEYS IN THE tail VIEW", what="the help of the tail view")
        self.assertRegex(text, r"Enter +select +detail")
        self.assertRegex(text, r"\(the view's own keys\) +p pause/resume  c clear")
        self.assertIn(":tail TOPIC [FROM]     live messages", text)
        scr.send("Escape")
        scr.wait_for(f" tail {t} ")

        # The binary value: pretty shows a hex dump, m: raw (escaped), m: hex.
        scr.send("j")
        scr.send("Enter")
        scr.wait_for(f"message {t} 0:1 pretty")
        self.assertIn("value      7 bytes, binary: hex  (m: pretty -> raw)", scr.lines())
        scr.send("m")
        scr.wait_for(f"message {t} 0:1 raw")
        self.assertIn("\\x00\\x01\\xff\\xfeBIN", scr.lines())
        scr.send("m")
        text = scr.wait_for(f"message {t} 0:1 hex")
        self.assertIn("value      7 bytes, hex  (m: hex -> pretty)", scr.lines())
        self.assertIn("00000000  00 01 ff fe 42 49 4e" + " " * 29 + "|....BIN|", scr.lines())
        scr.send("Escape")
        scr.wait_for(f" tail {t} ")

        # The hostile value, in every mode: escaped on the screen, the window title untouched.
        scr.send("j")
        scr.send("Enter")
        scr.wait_for(f"message {t} 0:2 pretty")
        self.assertIn("00000000  41 1b 5b 32 4a 1b 5d 30  3b 70 77 6e 65 64 07 9b |A.[2J.]0;pwned..|",
                      scr.lines())
        scr.send("m")
        scr.wait_for(f"message {t} 0:2 raw")
        self.assertIn(HOSTILE_SHOWN, scr.lines())
        for mode in ("hex", "pretty"):
            scr.send("m")
            scr.wait_for(f"message {t} 0:2 {mode}")
            screen = scr.tmux("capture-pane", "-p", "-e", "-t", "main")  # with the attributes
            for raw in ("\x07", "\x9b", "\u202e", "\x1b]", "\x1b[2J"):
                self.assertNotIn(raw, screen)
        self.assertIn("key        hostile", scr.lines())
        self.assertIn(r"  evil\x1b[2J = \x1b]0;pwned\x07\xe2\x80\xae", scr.lines())
        self.assertEqual(scr.info("#{pane_title}"), title_before)
        self.assertNotIn("pwned", scr.info("#{pane_title}"))
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_osc_title_canary(self):
        """The title check above can fail: in this tmux an OSC sequence does set the pane title."""
        with TmuxScreen(["sh", "-c", "printf '\\033]0;pwned\\007'; sleep 30"], 40, 5) as scr:
            wait_until(lambda: scr.info("#{pane_title}") == "pwned", what="the OSC title to apply")

    def test_filter_matches_key_and_value(self):
        t = self.topic()
        self.produce(t, b"apple pie", key=b"k-1")
        self.produce(t, b"Banana split", key=b"k-2")
        self.produce(t, b"plain", key=b"cherry-key")
        scr = self.start()
        self.open_tail(scr, t)
        scr.wait_for("3 seen 3/3")
        scr.type("/")
        scr.type("banana")  # the value, in another case
        text = scr.wait_for(lambda s: "3 seen 1/1 /banana" in s, what="the filter on the value")
        self.assertIn("Banana split", text)
        self.assertNotIn("apple pie", text)
        scr.send("Enter")
        self.produce(t, b"banana bread", key=b"k-4")  # new messages pass the filter as they come
        text = scr.wait_for(lambda s: "4 seen 2/2 /banana" in s, what="a new message through the filter")
        self.assertIn("banana bread", text)
        self.produce(t, b"kiwi", key=b"k-5")
        scr.wait_for("5 seen 2/2 /banana")
        scr.send("Escape")  # the filter cleared, the selected row kept
        scr.wait_for("5 seen 4/5")
        scr.type("/")
        scr.type("cherry")  # the key
        text = scr.wait_for(lambda s: "5 seen 1/1 /cherry" in s, what="the filter on the key")
        self.assertIn("plain", self.row(scr, "cherry-key"))
        scr.send("Escape")
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_follow_scroll_back_and_pause(self):
        t = self.topic()
        scr = self.start()
        self.open_tail(scr, t)
        for i in range(10):
            self.produce(t, b"m-%d" % i)
        scr.wait_for("10 seen 10/10", what="following the newest")
        scr.send("k")  # a row above the last: no longer following
        scr.wait_for("10 seen 9/10")
        for i in range(10, 15):
            self.produce(t, b"m-%d" % i)
        scr.wait_for("15 seen 9/15", what="new messages counted, the selection kept")
        scr.send("G")  # following again
        self.produce(t, b"m-15")
        scr.wait_for("16 seen 16/16")
        scr.send("p")
        scr.wait_for("PAUSED")
        self.produce(t, b"m-16")
        self.assertEqual(self.k.one("topic", "describe", t)["messages"], 17)
        self.assertIn("16 seen PAUSED 16/16", self.status(scr))
        scr.send("p")
        scr.wait_for(lambda s: "17 seen 17/17" in s and "PAUSED" not in s, what="resumed")
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_columns_measured_on_the_rows_drawn(self):
        """The columns are as wide as the rows drawn so far, not as every row kept: a live tail at
        50,000 msg/s formatted every row it kept to measure them, and keys waited. A wider key widens
        its column once its row is drawn, and the column stays that wide."""
        t = self.topic()
        subprocess.run(["kcat", "-P", "-b", self.bootstrap, "-t", t, "-p", "0", "-K", "<<key>>"],
                       input=b"".join(b"k%d<<key>>v-%d\n" % (i, i) for i in range(50)), check=True, timeout=60)
        scr = self.start()
        self.open_tail(scr, t, " --from beginning")
        scr.wait_for("50 seen 50/50")
        scr.send("g")  # the oldest rows on screen, not following
        scr.wait_for("50 seen 1/50")

        def value_at():
            return next(line for line in scr.lines() if "PART:OFFSET" in line).index("VALUE")

        narrow = value_at()
        wide_key = b"a-key-much-wider-than-the-others"  # shown whole (up to 40 bytes)
        self.produce(t, b"wide", key=wide_key)
        scr.wait_for("51 seen 1/51")  # kept, below the screen: not drawn, not measured
        self.assertEqual(value_at(), narrow)
        scr.send("G")
        text = scr.wait_for("51 seen 51/51")
        self.assertIn(wide_key.decode(), text)
        wide = value_at()
        self.assertGreaterEqual(wide - narrow, len(wide_key) - len("k49"))
        scr.send("g")  # the wide row off the screen again: the column stays
        scr.wait_for("51 seen 1/51")
        self.assertEqual(value_at(), wide)
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def seen(self, scr):
        m = re.search(r" (\d+) seen", self.status(scr))
        return int(m.group(1)) if m else -1

    def test_keys_answered_while_streaming(self):
        t = self.topic(partitions=2)
        scr = self.start()
        self.open_tail(scr, t)
        # A steady stream of 20,000 msg/s from kcat while keys are pressed.
        kcat = subprocess.Popen(["kcat", "-P", "-b", self.bootstrap, "-t", t, "-X", "linger.ms=5"],
                                stdin=subprocess.PIPE)
        stop = threading.Event()

        def feed():
            i = 0
            while not stop.is_set():
                kcat.stdin.write(b"".join(b"v-%07d\n" % (i + k) for k in range(1000)))
                kcat.stdin.flush()
                i += 1000
                time.sleep(0.05)

        feeder = threading.Thread(target=feed)
        feeder.start()
        try:
            wait_until(lambda: self.seen(scr) > 0, what="the stream to start")
            for key, want in (("k", r" \d+ seen (\d+)/(?!\1)\d+ "), ("p", r" \d+ seen PAUSED ")):
                scr.send(key)
                wait_until(lambda: re.search(want, self.status(scr)), what=f"the answer to {key}")
            scr.send("p")
            scr.wait_for(lambda s: "PAUSED" not in self.status(scr))
            first = self.seen(scr)
            wait_until(lambda: self.seen(scr) > first + 20000, what="the stream to go on")
        finally:
            stop.set()
            feeder.join()
            kcat.stdin.close()
            kcat.wait(timeout=60)
        n = self.k.one("topic", "describe", t)["messages"]
        # every message counted; the view keeps the newest 2000; the selection (scrolled back) stays
        scr.wait_for(f" {n} seen", timeout=120, what="all messages counted")
        self.assertRegex(self.status(scr), rf" tail {t} \d+ msg/s {n} seen (\d+)/(?!\1)(1[89]\d\d|2000) ")
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_esc_returns_and_consumers_are_freed(self):
        t = self.topic()
        self.produce(t, b"one")
        scr = self.start()
        for _ in range(3):
            self.open_tail(scr, t)
            scr.wait_for("1 seen 1/1")
            scr.send("Escape")
            scr.wait_for(lambda s: "\n topics " in s, what="back to the topics")
        # Esc before the consumer opened, and one tail left open at q: all closed and freed
        # (ASan's leak check would make the exit status non-zero).
        scr.type(f":tail {t}")
        scr.send("Enter", "Escape")
        scr.wait_for(lambda s: "\n topics " in s)
        self.open_tail(scr, t)
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_large_value_opens_and_switches_modes(self):
        t = self.topic()
        big = b"[" + b",".join(b'{"k":%d,"s":"abc"}' % i for i in range(30000)) + b"]"  # ~600 KB
        self.produce(t, big)
        scr = self.start()
        self.open_tail(scr, t)
        scr.wait_for("1 seen 1/1")
        for key, mode in (("Enter", "pretty"), ("m", "raw"), ("m", "hex")):
            scr.send(key)
            scr.wait_for(f"message {t} 0:0 {mode}")
        self.assertIn(f"value      {len(big)} bytes, hex  (m: hex -> pretty)", scr.lines())
        scr.send("G")  # the end of the dump
        text = scr.wait_for(lambda s: "}]|" in s, what="the last line of the dump")
        self.assertRegex(text, "%08x  .*\\}\\]\\|" % ((len(big) - 1) // 16 * 16))
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_decoder(self):
        t = self.topic()
        self.produce(t, b"Hi\x1b[2J\x00")
        scr = self.start(env={"KCON_PLUGIN_PATH": BUILD_PLUGINS})
        self.open_tail(scr, t, " --decode hexdump")
        text = scr.wait_for("1 seen 1/1")
        self.assertIn(f"tail {t} ", text)
        self.assertIn("decode hexdump", self.status(scr))
        self.wait_row(scr, "0:0", "00000000  48 69 1b 5b 32 4a 00")
        scr.send("Enter")
        scr.wait_for(f"message {t} 0:0 pretty")
        self.assertIn("value      7 bytes, text, decoded by hexdump  (m: pretty -> raw)", scr.lines())
        self.assertIn("00000000  48 69 1b 5b 32 4a 00" + " " * 27 + "  |Hi.[2J.|", scr.lines())
        scr.send("m")
        scr.wait_for(f"message {t} 0:0 raw")
        self.assertIn("Hi\\x1b[2J\\x00", scr.lines())
        scr.send("Escape")
        scr.type(":tail " + t + " --decode nosuch")
        scr.send("Enter")
        text = scr.wait_for("error: ", what="the unknown decoder in the status bar")
        self.assertIn("no decoder called `nosuch`", text)
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_registry_decoding(self):
        # --decode auto, the default once a registry is set (here the stand-in of tests/lib): the
        # wire format's schema id picks the decoder; an unknown id shows the decoder's error.
        reg = StandInRegistry().start()
        self.addCleanup(reg.stop)
        sid = reg.register("events-value", json.dumps({"type": "object"}), "JSON")
        t = self.topic()
        self.produce(t, b"\x00" + struct.pack(">I", sid) + b'{"greeting": "hello", "n": [1, 2]}')
        self.produce(t, b"\x00\x00\x00\x03\xe7zz")
        scr = self.start(env={"KCON_PLUGIN_PATH": BUILD_PLUGINS}, args=["--registry", reg.url])
        self.open_tail(scr, t, " beginning")
        scr.wait_for("2 seen 2/2")
        self.wait_row(scr, "0:0", '{"greeting":"hello","n":[1,2]}')
        self.wait_row(scr, "0:1", "[decoder error] schema id 999 from")
        scr.send("Enter")  # the newest is selected: the record of the unknown id
        scr.wait_for(f"message {t} 0:1 pretty")
        text = scr.text()
        self.assertIn("schema id 999", text)
        self.assertIn("HTTP 404", text)
        self.assertIn(", schema id 999, decoder failed", text)
        scr.send("Escape")
        scr.send("Up")
        scr.send("Enter")
        scr.wait_for(f"message {t} 0:0 pretty")
        self.assertIn(f"value      39 bytes, JSON, decoded by json-schema, schema id {sid}  (m: pretty -> raw)",
                      scr.lines())
        self.assertIn('  "greeting": "hello",', scr.lines())
        scr.send("m")
        scr.wait_for(f"message {t} 0:0 raw")
        scr.send("m")
        scr.wait_for(f"message {t} 0:0 hex")
        self.assertIn("00000000  00 00 00 00 01 7b 22 67", scr.text())
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)
        self.assertEqual(reg.count(f"/schemas/ids/{sid}"), 1)

    def test_registry_protobuf_names(self):
        # A Protobuf record of a registered .proto: the row and the message detail use its field
        # and enum value names (docs/plugins.md).
        reg = StandInRegistry().start()
        self.addCleanup(reg.stop)
        sid = reg.register("pings-value", 'syntax = "proto3";\nmessage Ping {\n  string host = 1;\n  Kind kind = 2;\n'
                           '  enum Kind { UP = 0; DOWN = 1; }\n}\n', "PROTOBUF")
        t = self.topic()
        self.produce(t, b"\x00" + struct.pack(">I", sid) + b"\x00" + b"\x0a\x02h1\x10\x01")
        scr = self.start(env={"KCON_PLUGIN_PATH": BUILD_PLUGINS}, args=["--registry", reg.url])
        self.open_tail(scr, t, " beginning")
        scr.wait_for("1 seen 1/1")
        self.wait_row(scr, "0:0", '{"host":"h1","kind":"DOWN"}')
        scr.send("Enter")
        scr.wait_for(f"message {t} 0:0 pretty")
        self.assertIn(f"decoded by protobuf, schema id {sid}", scr.text())
        self.assertIn('  "kind": "DOWN"', scr.lines())
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def held_tail(self, subject, values):
        """A tail view on a new topic of values (bytes as they are; a dict as a JSON record in the wire
        format of a schema id the stand-in registry holds its answer for), opened once kcon asked it;
        --timeout 600, so nothing times out while it is held. Returns (registry, schema id, topic,
        screen); the registry lets go at the test's end."""
        reg = StandInRegistry().start()
        self.addCleanup(reg.stop)
        sid = reg.register(subject, json.dumps({"type": "object"}), "JSON")
        reg.faults[f"/schemas/ids/{sid}"] = "hold"
        self.addCleanup(reg.release.set)
        t = self.topic()
        for v in values:
            self.produce(t, v if isinstance(v, bytes) else b"\x00" + struct.pack(">I", sid) + json.dumps(v).encode())
        scr = self.start(env={"KCON_PLUGIN_PATH": BUILD_PLUGINS}, args=["--registry", reg.url, "--timeout", "600"])
        self.open_tail(scr, t, " beginning")
        wait_until(lambda: reg.held_now() >= 1, what="kcon to ask the registry for the schema")
        return reg, sid, t, scr

    def test_slow_registry_does_not_block_the_screen(self):
        # Decoding runs off the loop thread: while the registry holds its answer for a new schema id,
        # the tail view draws its rows (marked [decoding]) and answers keys; once the registry answers,
        # the same rows show the decoded values, and a detail opened meanwhile shows them too.
        reg, sid, t, scr = self.held_tail("slow-value", [{"n": i} for i in range(3)])
        scr.wait_for("3 seen 3/3", what="the rows drawn while the registry holds its answer")
        for p in ("0:0", "0:1", "0:2"):
            self.assertIn("[decoding]", self.row(scr, p))
        scr.send("Up")  # the selection moves: keys are answered
        scr.wait_for(lambda s: "3 seen 2/3" in self.status(scr), what="the key answered")
        scr.send("?")  # the help pane opens
        scr.wait_for("KEYS IN THE tail VIEW", what="the help pane")
        scr.send("Escape")
        scr.wait_for(lambda s: "3 seen 2/3" in self.status(scr), what="back to the tail")
        scr.send("Enter")  # a detail opened before the decoding came
        scr.wait_for(f"message {t} 0:1 pretty")
        self.assertIn(", decoding", scr.text())
        self.assertEqual(reg.count(f"/schemas/ids/{sid}"), 1, "still held: one request, not one per row or frame")
        reg.release.set()
        text = scr.wait_for(lambda s: "decoded by json-schema" in s, what="the detail decoded once the registry answered")
        self.assertIn(f"value      13 bytes, JSON, decoded by json-schema, schema id {sid}  (m: pretty -> raw)",
                      scr.lines())
        self.assertIn('  "n": 1', text)
        scr.send("Escape")
        scr.wait_for(lambda s: '{"n":2}' in s, what="the rows decoded")
        for i in range(3):
            self.assertIn('{"n":%d}' % i, self.row(scr, f"0:{i}"))
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)
        self.assertEqual(reg.count(f"/schemas/ids/{sid}"), 1)

    def test_quit_while_the_registry_holds_an_answer(self):
        # Closing the tail view stops its decoding at once: quitting does not wait for a registry
        # request under way (here held with --timeout 600), nor for the rest of the batch.
        reg, sid, t, scr = self.held_tail("held-value", [{"n": 0}])
        scr.wait_for("1 seen 1/1")
        started = time.monotonic()
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)
        self.assertLess(time.monotonic() - started, 15, "quitting waited for the held registry request")

    def test_detail_of_a_dropped_pending_row(self):
        # A detail opened on a row still decoding, whose row the tail then drops (2,000 kept): the
        # detail says the value was not decoded, instead of ", decoding" for ever.
        reg, sid, t, scr = self.held_tail("drop-value", [{"n": 0}])
        scr.wait_for("1 seen 1/1")
        scr.send("Enter")
        scr.wait_for(f"message {t} 0:0 pretty")
        self.assertIn(", decoding", scr.text())
        self.produce(t, b"<<end>>".join(b"v%d" % i for i in range(2100)))  # the first row goes
        text = scr.wait_for(lambda s: ", not decoded" in s, timeout=60, what="the detail told")
        self.assertNotIn(", decoding", text)
        self.assertIn("the tail dropped the message before its decoding came", text)
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_filter_on_decoded_text(self):
        # With a filter set, a row whose decoding comes later passes it by its decoded text.
        reg, sid, t, scr = self.held_tail("filt-value", [b"plain one", {"fruit": "mango"}, b"plain two"])
        scr.wait_for("3 seen 3/3")
        scr.type("/")
        scr.type(':"mango')  # only in the decoded text (the bytes have a space), which has not come
        scr.wait_for(lambda s: '3 seen 0/0 /:"mango' in s or '3 seen 1/0 /:"mango' in s, what="nothing passes yet")
        scr.send("Enter")
        reg.release.set()
        text = scr.wait_for(lambda s: '3 seen 1/1 /:"mango' in s, what="the decoded row through the filter")
        self.assertIn('{"fruit":"mango"}', self.row(scr, "0:1"))
        self.assertIsNone(self.row(scr, "plain one"))
        scr.send("Escape")
        scr.wait_for(lambda s: "3 seen 2/3" in self.status(scr), what="the filter cleared, the row kept")
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_decoded_text_counts_toward_what_is_kept(self):
        # The tail keeps 64 MiB: the decoded text counts. 160 values of 100 KB (16 MB) decode with
        # hexdump to ~5 times as much: the oldest rows are let go.
        t = self.topic()
        value = bytes(range(256)) * 400
        for part in range(4):
            self.produce(t, b"<<end>>".join([value] * 40))
        scr = self.start(env={"KCON_PLUGIN_PATH": BUILD_PLUGINS})
        self.open_tail(scr, t, " beginning --decode hexdump")
        scr.wait_for("160 seen", timeout=120)

        def kept():
            m = re.search(r"160 seen \d+/(\d+)", self.status(scr))
            return int(m.group(1)) if m else 0

        # decoded newest first: once the older rows' text comes, the oldest go
        wait_until(lambda: 0 < kept() < 160, timeout=120, what="rows let go for their decoded text")
        wait_until(lambda: "[decoding]" not in scr.text(), timeout=120, what="the rows decoded")
        self.assertGreater(kept(), 50, scr.text())
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_crashing_decoder_isolated(self):
        # Decoders run in a helper process: the tail view survives one that crashes, and says so.
        t = self.topic()
        self.produce(t, b"boom")
        scr = self.start(env={"KCON_PLUGIN_PATH": TEST_PLUGINS})
        self.open_tail(scr, t, " beginning --decode crashing")
        scr.wait_for("1 seen 1/1")
        self.wait_row(scr, "0:0", "[decoder error] the decoder `crashing`")
        self.produce(t, b"again")
        scr.wait_for("2 seen 2/2")
        self.wait_row(scr, "0:1", "[decoder error] the decoder `crashing`")
        scr.send("Enter")
        scr.wait_for(f"message {t} 0:1 pretty")
        self.assertIn("decoder failed", scr.text())
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_crashing_decoder(self):
        # In kcon's own process (KCON_DECODE_IN_PROCESS=1): a decoder that crashes ends the TUI,
        # which puts the terminal back and names the decoder and its plugin.
        t = self.topic()
        self.produce(t, b"boom")
        scr = self.start(env={"KCON_PLUGIN_PATH": TEST_PLUGINS, "KCON_DECODE_IN_PROCESS": "1"})
        scr.type(f":tail {t} --from beginning --decode crashing")
        scr.send("Enter")
        self.assertEqual(scr.exit_status(), 128 + 11)
        modes = scr.info("#{alternate_on} #{keypad_flag} #{keypad_cursor_flag} #{mouse_any_flag}")
        self.assertEqual(modes, "0 0 0 0", "alternate screen, keypad and mouse modes off")
        text = scr.all_text().replace("\n", "")  # the note may wrap
        self.assertIn(f"kcon: the decoder `crashing` (plugin {TEST_PLUGINS}/crashing.so) crashed while decoding "
                      "a message", text)


if __name__ == "__main__":
    unittest.main()
