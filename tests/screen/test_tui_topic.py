"""The TUI's topic view in tmux against the real test broker: the partitions tab and the configs
tab (Tab or c switches), and that notes meant for stderr never reach the TUI's screen."""

import re
import unittest

from kcontest import KCON, unique
from tmuxscreen import ScreenTestCase


class TuiTopicTest(ScreenTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # "0..." sorts before the other tests' topics, so it is on the first screen of a busy broker.
        cls.topic = unique("0tab")
        cls.k.one("topic", "create", cls.topic, "--partitions", 2, "--replication-factor", 1, "--config",
                  "retention.ms=7654321")

    @classmethod
    def tearDownClass(cls):
        cls.k.run("topic", "delete", cls.topic, "--yes")

    def start(self, args, width=120, height=40):
        return self.screen([KCON] + args, width, height)

    def row(self, scr, first):
        """The words of the screen line whose first word is first, or None."""
        for line in scr.lines():
            if line.split()[:1] == [first]:
                return line.split()
        return None

    def test_configs_tab(self):
        scr = self.start(["-b", self.bootstrap])
        scr.wait_for(self.topic, what="the topic in the topics view")
        scr.type("/" + self.topic)
        scr.send("Enter")
        scr.wait_for(lambda s: "topics 1/1" in s, what="the filter to keep our topic")
        scr.send("Enter")
        text = scr.wait_for(lambda s: f"topic {self.topic}: partitions 1/2" in s and "updated" in s,
                            what="the partitions tab")
        self.assertIn("PARTITION", text)
        self.assertIn("Tab/c configs", text)

        scr.send("Tab")
        text = scr.wait_for(lambda s: f"topic {self.topic}: configs " in s and "updated" in s
                            and self.row(scr, "retention.ms"), what="the configs tab")
        self.assertNotIn("PARTITION", text)
        header = scr.lines()[1].split()
        self.assertEqual(header, ["NAME", "VALUE", "SOURCE", "DEFAULT"])
        self.assertEqual(self.row(scr, "retention.ms"), ["retention.ms", "7654321", "dynamic_topic_config", "no"])
        self.assertEqual(self.row(scr, "segment.bytes")[2:], ["default_config", "yes"])
        self.assertIn("Tab/c partitions", text)

        # The filter works on the config names; switching tabs drops it.
        scr.type("/retention.ms")
        scr.send("Enter")
        scr.wait_for(lambda s: "configs 1/3 /retention.ms" in s, what="the filter on the configs")
        self.assertEqual(sorted(line.split()[0] for line in scr.lines()[2:5]),
                         ["delete.retention.ms", "local.retention.ms", "retention.ms"])
        self.assertEqual(self.row(scr, "retention.ms")[1], "7654321")

        scr.send("c")  # c too: back to the partitions
        text = scr.wait_for(lambda s: f"topic {self.topic}: partitions 1/2" in s and "updated" in s,
                            what="the partitions tab again")
        self.assertIsNone(self.row(scr, "retention.ms"))
        self.assertEqual([r[:2] for r in (self.row(scr, "0"), self.row(scr, "1"))], [["0", "1"], ["1", "1"]])

        scr.send("Escape")
        scr.wait_for(lambda s: "\n topics " in s, what="Esc back to the topics")
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_configs_tab_on_demo_says_why(self):
        scr = self.start(["--demo", "--no-history"])
        scr.wait_for("orders", what="the demo topics")
        scr.type(":topic orders")
        scr.send("Enter")
        scr.wait_for(lambda s: "topic orders: partitions" in s and "updated" in s, what="the partitions")
        scr.send("Tab")
        text = scr.wait_for(lambda s: "topic orders: configs 0/0" in s and "error:" in s, what="the refusal")
        self.assertIn("demo cluster cannot describe configs", text)
        self.assertIn("hint: try it on a real cluster", text)
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_verbose_log_stays_off_the_screen(self):
        # Nothing listens there: librdkafka logs connection failures, which -v used to print on the screen.
        scr = self.start(["-v", "-b", "127.0.0.1:1", "--timeout", "1"])
        text = scr.wait_for("unreachable", what="the TUI to give up on the cluster")
        self.assertNotIn("librdkafka", scr.all_text())
        scr.send("L")  # they went to the event log instead, escaped, as notes
        scr.wait_for(lambda s: re.search(r"\n \d\d:\d\d:\d\d  note +.*librdkafka", s), what="the log's notes")
        scr.send("Escape")
        scr.wait_for("\n topics ")
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)
        self.assertNotIn("librdkafka", scr.all_text())


if __name__ == "__main__":
    unittest.main()
