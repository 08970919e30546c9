"""The TUI with a TERM this system's terminfo lacks: kcon's own entries draw (backend/termdb.h),
handed to ncurses in TERMINFO, with no file written. (No terminfo at all: tests/e2e/test_pod.py.)"""

import os
import tempfile
import unittest

from kcontest import KCON
from tmuxscreen import ScreenTestCase


class TuiTermTest(ScreenTestCase):
    def run_tui(self, term, note):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        topic = self.scratch_topic()
        scr = self.screen([KCON, "-b", self.bootstrap], env={"TERM": term, "TMPDIR": tmp.name})
        text = scr.wait_for(lambda s: topic in s and "NAME" in s, what="the topics view")
        self.assertIn(note, text)
        self.assertEqual(os.listdir(tmp.name), [], "no file written: the entry is in TERMINFO")
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_an_unknown_256_colour_term_draws_as_xterm_256color(self):
        self.run_tui("kcon-nowhere-256color", "TERM kcon-nowhere-256color is unknown here: drawing as xterm-256color")

    def test_an_unknown_term_draws_as_xterm(self):
        self.run_tui("kcon-nowhere", "TERM kcon-nowhere is unknown here: drawing as xterm ")


if __name__ == "__main__":
    unittest.main()
