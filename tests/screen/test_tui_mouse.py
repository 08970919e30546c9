"""The TUI's mouse, against the real test broker: a click selects a row, the wheel scrolls, and
--no-mouse leaves the mouse to the terminal. Clicks are the terminal's SGR reports (what xterm and
tmux send), typed into the pane."""

import unittest

from kcontest import KCON, unique
from tmuxscreen import ScreenTestCase


def sgr(button, x, y):
    """A mouse report: button 0 is the left one (pressed and released), 64 and 65 the wheel up and
    down (pressed only, as terminals send them); x, y from 0."""
    press = f"\x1b[<{button};{x + 1};{y + 1}M"
    return press + (f"\x1b[<{button};{x + 1};{y + 1}m" if button < 64 else "")


class TuiMouseTest(ScreenTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.prefix = unique("0mouse")
        cls.topics = [f"{cls.prefix}-{i}" for i in range(3)]
        for name in cls.topics:
            cls.k.one("topic", "create", name, "--partitions", 1, "--replication-factor", 1)

    @classmethod
    def tearDownClass(cls):
        for name in cls.topics:
            cls.k.run("topic", "delete", name, "--yes")

    def start(self, *args):
        scr = self.screen([KCON, "-b", self.bootstrap, *args], env={"TERM": "xterm-256color"})
        scr.wait_for(self.topics[0])
        scr.type("/" + self.prefix)
        scr.send("Enter")
        scr.wait_for("topics 1/3", what="our three topics, the first selected")
        return scr

    def test_click_and_wheel(self):
        scr = self.start()
        self.assertEqual(scr.info("#{mouse_any_flag}"), "1", "kcon asks for mouse reports")
        lines = scr.lines()
        self.assertIn(self.topics[2], lines[4])  # title, header, then the rows
        scr.type(sgr(0, 10, 4))
        scr.wait_for("topics 3/3", what="the click to select the third row")
        scr.type(sgr(0, 10, 3))
        scr.wait_for("topics 2/3", what="the click to select the second row")
        scr.type(sgr(0, 10, 1))  # the header: no row there
        scr.send("?")  # keys are read in order: once the help shows, the click on the header was handled
        scr.wait_for("KEYS")
        scr.send("Escape")
        scr.wait_for(lambda s: "KEYS" not in s and "topics 2/3" in s, what="the selection unchanged by the header")
        scr.type(sgr(64, 10, 10))
        scr.wait_for("topics 1/3", what="the wheel up to move to the first row")
        scr.type(sgr(65, 10, 10))
        scr.wait_for("topics 3/3", what="the wheel down to move three rows (to the last)")
        self.assertIn("/" + self.prefix, scr.lines()[38], "a mouse report is not taken for keys (Esc)")
        scr.send("Enter")  # Enter on the selected topic opens its partitions
        scr.wait_for(f"topic {self.topics[2]}", what="the partitions of the clicked topic")
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_no_mouse(self):
        scr = self.start("--no-mouse")
        self.assertEqual(scr.info("#{mouse_any_flag}"), "0", "the terminal keeps the mouse")
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)


if __name__ == "__main__":
    unittest.main()
