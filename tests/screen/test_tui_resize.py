"""Terminal reality for the TUI, against the real test broker: a storm of resizes from 1x1 to 300x100
(kcon stays alive and sanitizer-clean, and draws a correct screen once the size settles), and the
terminal types of the issue (xterm, xterm-256color, screen, tmux-256color, vt100)."""

import random
import unittest

from kcontest import KCON, unique
from tmuxscreen import ScreenTestCase

ASCII = {"LANG": "C", "LC_ALL": "C"}
# As ctest runs every test: any sanitizer finding ends kcon with a non-zero status.
SANITIZERS = {"ASAN_OPTIONS": "detect_leaks=1:abort_on_error=1", "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1"}


class TuiResizeTest(ScreenTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.topic = unique("0rsz")  # "0..." sorts first: on the first screen of a busy broker
        cls.k.one("topic", "create", cls.topic, "--partitions", 2, "--replication-factor", 1)

    @classmethod
    def tearDownClass(cls):
        cls.k.run("topic", "delete", cls.topic, "--yes")

    def start(self, width=120, height=40, env=None, argv=None):
        return self.screen(argv or [KCON, "-b", self.bootstrap], width, height, dict(SANITIZERS, **(env or {})))

    def assert_full_screen(self, scr, w, h):
        """The topics view as it must be at w x h: title, header, our topic, status bar, key line."""
        text = scr.wait_for(lambda s: len(s.split("\n")) == h and self.topic in s and " topics " in s,
                            what=f"the topics view at {w}x{h}")
        lines = scr.lines()
        self.assertTrue(all(len(l) <= w for l in lines), lines)
        self.assertTrue(lines[0].startswith(" kcon \u2502 "), lines)
        self.assertIn(self.bootstrap, lines[0])
        self.assertEqual(lines[1].split()[:2], ["NAME", "PARTITIONS"], lines)
        self.assertTrue(lines[h - 2].startswith(" topics "), lines)
        self.assertIn("q quit", lines[h - 1])
        self.assertEqual([l.split()[:5] for l in lines if self.topic in l], [[self.topic, "2", "1", "0", "0"]])
        self.assertNotIn("terminal too small", text)

    def test_resize_storm(self):
        scr = self.start()
        scr.wait_for(self.topic)
        pid = scr.program_pid()
        rng = random.Random(5)
        sizes = [(20, 6), (19, 5), (1, 1), (300, 100), (2, 1), (1, 2), (20, 5), (19, 6), (80, 24)]
        sizes += [(rng.randint(1, 300), rng.randint(1, 100)) for _ in range(150)]
        sizes += [(rng.randint(1, 25), rng.randint(1, 8)) for _ in range(100)]  # around the smallest usable
        sizes += [(1, 1), (300, 100)] * 20
        for w, h in sizes:  # as fast as tmux takes them: kcon gets SIGWINCH while it is drawing
            scr.tmux("resize-window", "-t", "main", "-x", str(w), "-y", str(h))
        self.assertFalse(scr.dead(), scr.all_text())
        self.assertEqual(scr.program_pid(), pid)

        scr.resize(80, 24)
        self.assert_full_screen(scr, 80, 24)

        scr.resize(20, 6)
        scr.wait_for(lambda s: len(s.split("\n")) == 6 and s.startswith(" kcon") and " topics" in s,
                     what="the topics view at 20x6")
        lines = scr.lines()
        self.assertTrue(all(len(l) <= 20 for l in lines), lines)
        self.assertEqual(lines[1].split(), ["NAME"], lines)  # the columns that do not fit are dropped
        self.assertTrue(lines[4].startswith(" topics"), lines)
        for l in lines:  # nothing but what kcon draws: no leftovers of the 300x100 screen
            self.assertTrue(l.isprintable(), lines)

        scr.resize(19, 5)
        scr.wait_for("terminal too small")
        self.assertEqual([l.rstrip() for l in scr.lines()], ["terminal too small", "kcon needs 20x6", "", "", ""])

        for w, h in [(300, 100), (1, 1), (120, 40)] * 10:
            scr.tmux("resize-window", "-t", "main", "-x", str(w), "-y", str(h))
        scr.resize(80, 24)
        self.assert_full_screen(scr, 80, 24)
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)  # also: no sanitizer finding, no leak
        self.assertFalse(scr.alternate_on())

    def test_terminal_types(self):
        for term in ("xterm", "xterm-256color", "screen", "tmux-256color", "vt100"):
            with self.subTest(term=term):
                scr = self.start(80, 24, env={"TERM": term})
                self.assert_full_screen(scr, 80, 24)
                scr.type("/" + self.topic[-6:])
                scr.wait_for(lambda s: "topics 1/1" in s, what="the filter to keep our topic")
                scr.send("Enter")  # keeps the filter and leaves it: q quits again
                scr.send("q")
                self.assertEqual(scr.exit_status(), 0)
                scr.close()

    def test_vt100_ascii(self):
        """vt100 in a C locale: the same screen in ASCII only."""
        scr = self.start(80, 24, env=dict(ASCII, TERM="vt100"))
        scr.wait_for(lambda s: self.topic in s and " topics " in s, what="the topics view")
        lines = scr.lines()
        self.assertTrue(lines[0].startswith(" kcon | "), lines)
        self.assertTrue(lines[22].startswith(" topics "), lines)
        for l in lines:
            self.assertTrue(l.isascii(), l)
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_term_unset(self):
        """TERM=dumb, empty and unknown are test_tui.py's; unset says what to set too."""
        scr = self.start(argv=["env", "-u", "TERM", KCON, "-b", self.bootstrap])
        self.assertEqual(scr.exit_status(), 2)
        self.assertIn("TERM is unset", scr.all_text())
        self.assertIn("export TERM=xterm-256color", scr.all_text())


if __name__ == "__main__":
    unittest.main()
