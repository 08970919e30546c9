"""Administration from the TUI, in tmux against the real test broker: a broker's configs view (Enter
on a broker; `e` puts `broker alter` at the prompt), `e` on a topic's config row (`topic alter`), `D`
on a partition row (`topic delete-records`), and the confirmations a command asks for while it runs
on the worker (the plan in a pane, the typed name at the prompt; Esc and a wrong name change
nothing), answered without blocking the TUI's loop."""

import os
import re
import signal
import unittest

from kcontest import KCON, kcat_produce, unique, wait_until
from tmuxscreen import ScreenTestCase


class TuiAdminTest(ScreenTestCase):
    def start(self, width=120, height=40):
        return self.screen([KCON, "-b", self.bootstrap], width, height)

    def prompt_line(self, scr):
        return scr.lines()[-1]

    def low(self, topic, partition):
        doc = self.k.one("topic", "describe", topic)
        return next(p["low"] for p in doc["partitions"] if p["partition"] == partition)

    def config(self, topic, name):
        doc = self.k.one("topic", "config", topic)
        return next(c for c in doc["configs"] if c["name"] == name)

    def open_topic(self, scr, topic):
        scr.wait_for("updated", what="the first view")
        scr.type(f":topic {topic}")
        scr.send("Enter")
        scr.wait_for(f"topic {topic}: partitions", what="the partitions view")

    def test_delete_records_from_the_partitions_view(self):
        topic = self.scratch_topic(partitions=2)
        kcat_produce(self.bootstrap, topic, [f"m{i}" for i in range(5)], partition=0)
        scr = self.start()
        self.open_topic(scr, topic)
        row = r"\n +0 +\d+ +\d+ +\d+ +0 +5 +5 +ok"
        text = scr.wait_for(lambda s: re.search(row, s), what="partition 0 with 5 messages")
        # The key line offers what fits a partition row: D, not e (a config row's).
        self.assertIn("D delete-records", text)
        self.assertNotIn("e alter", text)

        def ask():
            scr.send("g")  # partition 0
            scr.send("D")
            want = f":topic delete-records {topic} --partition 0 --before"
            scr.wait_for(lambda s: self.prompt_line(scr).rstrip() == want, what="the prompt filled in")
            scr.type("2")
            scr.send("Enter")
            return scr.wait_for(f"Type `{topic}` to confirm:", what="the confirmation")

        # The plan in a pane, the question at the prompt.
        text = ask()
        self.assertIn(f"delete records of {topic}:", text)
        self.assertIn("partition 0: low 0 -> 2 of high 5, 2 messages dropped", text)
        self.assertIn("this deletes 2 messages for good", text)
        self.assertTrue(self.prompt_line(scr).startswith(f"Type `{topic}` to confirm:"), self.prompt_line(scr))
        # The loop is not blocked while the command waits for the answer: a resize redraws the pane,
        # its question wrapped at the new width.
        scr.resize(60, 30)
        scr.wait_for(lambda s: s.split("\n")[-2].startswith(" confirm") and "updated" in s.split("\n")[-2],
                     what="the pane redrawn at 60 columns")
        scr.resize(120, 40)
        scr.wait_for(lambda s: len(s.split("\n")) == 40 and "updated" in s.split("\n")[-2],
                     what="the pane redrawn at 120 columns")
        scr.send("Escape")  # cancelled
        scr.wait_for("not confirmed: nothing was changed")
        self.assertEqual(self.low(topic, 0), 0)

        scr.send("Escape")
        scr.wait_for(f"topic {topic}: partitions")
        ask()
        scr.type("nope")  # a wrong name
        scr.send("Enter")
        scr.wait_for("not confirmed: nothing was changed")
        self.assertEqual(self.low(topic, 0), 0)

        scr.send("Escape")
        scr.wait_for(f"topic {topic}: partitions")
        ask()
        scr.type(topic)
        scr.send("Enter")
        text = scr.wait_for("LOW AFTER", what="the delete-records result")
        self.assertRegex(text, r"\n +0 +0 +5 +2 +2 +2 +-")
        self.assertEqual(self.low(topic, 0), 2)
        self.assertEqual(self.low(topic, 1), 0)
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_sigterm_while_a_command_waits_for_its_answer(self):
        """Quitting answers no for the person: the waiting command ends, the worker is joined, nothing
        is deleted and kcon exits at once."""
        topic = self.scratch_topic()
        kcat_produce(self.bootstrap, topic, ["a", "b", "c"], partition=0)
        scr = self.start()
        self.open_topic(scr, topic)
        scr.type(f":topic delete-records {topic} --all --before end")
        scr.send("Enter")
        text = scr.wait_for(f"Type `{topic}` to confirm:", what="the confirmation")
        self.assertIn("partition 0: low 0 -> 3 of high 3, 3 messages dropped", text)
        os.kill(scr.program_pid(), signal.SIGTERM)
        self.assertEqual(scr.exit_status(), 0)
        self.assertFalse(scr.alternate_on())
        self.assertEqual(self.low(topic, 0), 0)

    def test_alter_from_the_config_tab(self):
        topic = self.scratch_topic()
        scr = self.start()
        self.open_topic(scr, topic)
        scr.send("Tab")
        scr.wait_for(f"topic {topic}: configs")

        def edit(name):
            old = self.config(topic, name)["value"]
            scr.type("/" + name)
            scr.send("Enter")
            text = scr.wait_for(f"configs 1/1 /{name}", what=f"{name} alone")
            self.assertIn("e alter", text)
            self.assertNotIn("D delete-records", text)
            scr.send("e")
            want = f":topic alter {topic} --set {name}={old}"
            scr.wait_for(lambda s: self.prompt_line(scr).rstrip() == want, what="the prompt filled in")
            for _ in old:
                scr.send("BSpace")
            return old

        # A change that loses nothing runs at once: the diff in the result pane.
        old = edit("max.message.bytes")
        scr.type("2000000")
        scr.send("Enter")
        text = scr.wait_for(lambda s: "2000000" in s and "Applied" in s, what="the diff")
        self.assertRegex(text, r"max\.message\.bytes +set +" + old + " +2000000")
        self.assertNotIn("to confirm", text)
        wait_until(lambda: self.config(topic, "max.message.bytes")["value"] == "2000000", what="the new value")

        # A change that can delete messages asks for the topic's name, with the diff.
        scr.send("Escape")
        scr.wait_for(f"topic {topic}: configs")
        scr.send("Escape")  # the filter
        self.assertEqual(edit("cleanup.policy"), "delete")
        scr.type("compact")
        scr.send("Enter")
        text = scr.wait_for(f"Type `{topic}` to confirm:", what="the confirmation")
        self.assertIn("cleanup.policy: delete -> compact (default_config)  can delete data", text)
        self.assertEqual(self.config(topic, "cleanup.policy")["value"], "delete")
        scr.type(topic)
        scr.send("Enter")
        text = scr.wait_for(lambda s: "to confirm" not in s and "compact" in s, what="the result")
        self.assertRegex(text, r"cleanup\.policy +set +delete +compact")
        self.assertEqual(self.config(topic, "cleanup.policy")["value"], "compact")
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_broker_configs_view(self):
        broker = str(self.k.one("brokers")["brokers"][0]["id"])
        key = "log.cleaner.backoff.ms"
        self.addCleanup(self.k.run, "broker", "alter", broker, "--delete", key, "--yes")
        old = next(c for c in self.k.one("broker", "config", broker, key)["configs"])["value"]
        new = str(int(old) + 1000)
        scr = self.start()
        scr.wait_for("updated", what="the first view")
        scr.type(":brokers")
        scr.send("Enter")
        text = scr.wait_for("brokers 1/", what="the brokers view")
        self.assertIn("Enter configs", text)
        scr.send("Enter")
        text = scr.wait_for(lambda s: f"broker {broker}: configs 1/" in s and "updated" in s, what="its configs")
        self.assertRegex(text, r"NAME +VALUE +SOURCE +DYNAMIC")
        self.assertIn("e alter", text)
        self.assertIn("d only dynamic", text)
        scr.type("/" + key)
        scr.send("Enter")
        text = scr.wait_for(f"configs 1/1 /{key}")
        self.assertRegex(text, key + " +" + old + r" +default_config +no")
        scr.send("e")
        want = f":broker alter {broker} --set {key}={old}"
        scr.wait_for(lambda s: self.prompt_line(scr).rstrip() == want, what="the prompt filled in")
        for _ in old:
            scr.send("BSpace")
        scr.type(new)
        scr.send("Enter")
        text = scr.wait_for(lambda s: new in s and "Applied" in s, what="the diff")
        self.assertRegex(text, key + r" +set +" + old + " +" + new)
        doc = self.k.one("broker", "config", broker, key)["configs"][0]
        self.assertEqual((doc["value"], doc["source"]), (new, "dynamic_broker_config"))
        scr.send("Escape")
        scr.send("Escape")  # the filter
        scr.send("d")  # only the dynamic ones: ours among them
        text = scr.wait_for(lambda s: f"broker {broker}: dynamic configs" in s and key in s, what="the dynamic ones")
        self.assertRegex(text, key + " +" + new + r" +dynamic_broker_config +yes")
        self.assertNotIn("default_config ", text)
        scr.send("d")
        scr.wait_for(f"broker {broker}: configs")
        # :broker ID opens it too.
        scr.send("Escape")
        scr.type(f":broker {broker}")
        scr.send("Enter")
        scr.wait_for(lambda s: f"broker {broker}: configs 1/" in s, what=":broker ID")
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)


if __name__ == "__main__":
    unittest.main()
