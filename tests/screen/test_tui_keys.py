"""Key bindings (defaults, `bind` at the prompt, kconrc), actions from the views (delete a topic or a
group, reset offsets through the plan, produce), the live `theme` command, the event log and the
READ-ONLY badge: in tmux, against the real test broker."""

import json
import os
import re
import subprocess
import tempfile
import unittest

from kcontest import KCON, kcat_produce, unique, wait_until
from tmuxscreen import ScreenTestCase, colours


class TuiKeysTest(ScreenTestCase):
    def start(self, *args, env=None):
        return self.screen([KCON, "-b", self.bootstrap, *args], env=env)

    def topic_names(self):
        return {t["name"] for t in self.k.one("topics")["topics"]}

    def select(self, scr, name, view="topics"):
        """Filters the view down to name and waits until it is the one row."""
        scr.wait_for(lambda s: name in s, what=f"{name} in the {view} view")
        scr.type("/" + name)
        scr.send("Enter")
        scr.wait_for(f"{view} 1/1")

    def test_prompt_bind_unbind_and_help(self):
        scr = self.start()
        scr.wait_for("updated")
        scr.type(":bind x view brokers")
        scr.send("Enter")
        scr.type("x")
        scr.wait_for(lambda s: "brokers 1/1" in s, what="x opening the brokers view")
        scr.send("Escape")
        scr.wait_for("\n topics ")
        # A view's own binding; `?` lists it with the command's help.
        scr.type(":bind -v topics x view groups")
        scr.send("Enter")
        scr.send("?")
        text = scr.wait_for("KEYS IN THE topics VIEW")
        self.assertRegex(text, r"\n  x +view brokers +open a view")
        self.assertRegex(text.split("KEYS IN THE topics VIEW")[1], r"\n  x +view groups ")
        scr.send("Escape")
        scr.type("x")
        scr.wait_for(lambda s: "\n groups " in s, what="the view's binding before the global one")
        scr.send("Escape")
        scr.type(":unbind -v topics x")
        scr.send("Enter")
        scr.type("x")
        scr.wait_for(lambda s: "brokers 1/1" in s, what="the global binding again")
        scr.send("Escape")
        # Bad bindings say what is wrong and change nothing.
        scr.type(":bind Ctrl-x quit")
        scr.send("Enter")
        scr.wait_for("unknown key `Ctrl-x`")
        scr.type(":bind z nosuchcommand")
        scr.send("Enter")
        scr.wait_for("unknown command")
        scr.type(":bind -v nosuch z quit")
        scr.send("Enter")
        text = scr.wait_for("no view is called `nosuch`")
        self.assertIn("(hint: the views are topics, partitions, groups", text)
        scr.type(":unbind z")
        scr.send("Enter")
        scr.wait_for("`z` is not bound")
        # The actions are commands: `send-key`, `prompt TEXT`; rebinding q.
        scr.type(":bind q view lag")
        scr.send("Enter")
        scr.type("q")
        scr.wait_for(lambda s: "\n lag " in s, what="q rebound to the lag view")
        scr.type(":quit")
        scr.send("Enter")
        self.assertEqual(scr.exit_status(), 0)

    def key_line(self, scr, cond, what):
        """Waits until the key line (the screen's last) meets cond, and returns it."""
        scr.wait_for(lambda s: cond(scr.lines()[-1]), what=what)
        return scr.lines()[-1]

    def test_rebound_enter_and_its_label(self):
        # Drill-down is a default binding: rebound, Enter does what the new line says and the key
        # line labels it from that line (it used to keep saying "partitions").
        topic = self.scratch_topic()
        group = unique("0keysenter")
        self.addCleanup(self.k.run, "group", "delete", group, "--yes")
        self.k.one("group", "reset", group, "--topic", f"{topic}:0", "--to-offset", 0, "--execute")
        scr = self.start()
        self.key_line(scr, lambda l: l.startswith("Enter partitions  t tail"), "the default drill-down's label")
        scr.type(f":bind -v topics Enter view group {group}")
        scr.send("Enter")
        line = self.key_line(scr, lambda l: l.startswith(f"Enter {group}  t tail"), "the label of the new line")
        self.assertNotIn("partitions", line)
        self.select(scr, topic)
        scr.send("Enter")
        scr.wait_for(f"group {group} (Empty) total lag")
        scr.send("Escape")
        scr.wait_for(lambda s: "\n topics " in s, what="Esc back to the topics")
        # Unbound, Enter says nothing in the topics view; bound to the default line again, the
        # registry's words come back.
        scr.type(":unbind -v topics Enter")
        scr.send("Enter")
        line = self.key_line(scr, lambda l: l.startswith("t tail"), "no label for an unbound Enter")
        self.assertNotIn("Enter", line)
        scr.type(":bind -v topics Enter view partitions {name}")
        scr.send("Enter")
        self.key_line(scr, lambda l: "  Enter partitions  " in l, "the default's label again (bound last)")
        scr.send("Enter")
        scr.wait_for(lambda s: f"topic {topic}: partitions 1/1" in s, what="Enter drilling into the partitions")
        scr.type(":quit")
        scr.send("Enter")
        self.assertEqual(scr.exit_status(), 0)

    def test_kconrc(self):
        topic = self.scratch_topic(partitions=3)
        with tempfile.TemporaryDirectory() as xdg:
            os.makedirs(f"{xdg}/kcon")
            with open(f"{xdg}/kcon/kconrc", "w") as f:
                f.write("# my keys\n"
                        "bind -v topics D topic describe {name}\n"
                        "bind Foo quit\n"
                        "topics\n"
                        "unbind q\n")
            scr = self.start(env={"XDG_CONFIG_HOME": xdg})
            text = scr.wait_for("kconrc:3")
            self.assertIn(f"2 bad lines in the kconrc (:log lists them), the first: {xdg}/kcon/kconrc:3: unknown key "
                          "`Foo`", text)
            self.select(scr, topic)
            scr.type("D")
            text = scr.wait_for(f"topic describe {topic}")
            self.assertEqual(len([l for l in text.split("\n") if re.match(r"\s+[0-2]\s+1\s", l)]), 3, text)
            scr.send("Escape")
            scr.type("q")  # unbound by the kconrc: nothing happens
            scr.send("L")  # the event log has both bad lines
            text = scr.wait_for("\n log ")
            self.assertIn("kconrc:4: `topics` does not belong in kconrc", text)
            self.assertFalse(scr.dead())
            scr.type(":quit")
            scr.send("Enter")
            self.assertEqual(scr.exit_status(), 0)

    def test_kconrc_unreadable_and_theme_device(self):
        # A kconrc that exists but cannot be read is reported, as a bad line is; `theme /dev/zero` in
        # it is refused at once (it used to read /dev/zero until memory ran out).
        with tempfile.TemporaryDirectory() as xdg:
            os.makedirs(f"{xdg}/kcon/kconrc")
            scr = self.start(env={"XDG_CONFIG_HOME": xdg})
            scr.wait_for(f"cannot read the kconrc {xdg}/kcon/kconrc: it is a directory")
            scr.type(":quit")
            scr.send("Enter")
            self.assertEqual(scr.exit_status(), 0)
            os.rmdir(f"{xdg}/kcon/kconrc")
            with open(f"{xdg}/kcon/kconrc", "w") as f:
                f.write("theme /dev/zero\n")
            scr = self.start(env={"XDG_CONFIG_HOME": xdg})
            scr.wait_for("kconrc:1: cannot read the theme file /dev/zero: it is a device")
            scr.type(":quit")
            scr.send("Enter")
            self.assertEqual(scr.exit_status(), 0)

    def test_delete_topic_from_view(self):
        topic = self.scratch_topic()
        scr = self.start()
        self.select(scr, topic)
        scr.type("d")
        scr.wait_for(f"`topic delete {topic}` cannot be undone. Type {topic} to confirm:")
        scr.type("nope")
        scr.send("Enter")
        scr.wait_for("not confirmed: nothing was changed")
        self.assertIn(topic, self.topic_names())
        scr.send("Escape")
        scr.type("d")
        scr.wait_for("Type")
        scr.type(topic)
        scr.send("Enter")
        scr.wait_for("deleted: yes")
        wait_until(lambda: topic not in self.topic_names(), what="the topic deleted")
        scr.send("Escape")
        scr.send("L")
        text = scr.wait_for("\n log ")
        self.assertIn(f"topic delete {topic}: ok", text)
        self.assertIn("topic delete", text)

    def test_reset_offsets_plan_then_apply(self):
        topic = self.scratch_topic()
        kcat_produce(self.bootstrap, topic, [f"m{i}" for i in range(8)], partition=0)
        group = unique("0keysg")
        self.addCleanup(self.k.run, "group", "delete", group, "--yes")
        self.k.one("group", "reset", group, "--topic", f"{topic}:0", "--to-offset", 2, "--execute")
        wait_until(lambda: self.k.one("group", "lag", group)["total_lag"] == 6, what="the group 6 behind")
        scr = self.start()
        scr.wait_for("updated")
        scr.type(f":group {group}")
        scr.send("Enter")
        scr.wait_for(f"group {group} (Empty) total lag 6")
        scr.type("R")  # the prompt, with a reset to the latest of the selected partition
        scr.wait_for(f":group reset {group} --topic {topic}:0 --to-latest")
        scr.send("C-u")
        scr.type(f"group reset {group} --all-topics --to-offset 5")
        scr.send("Enter")
        text = scr.wait_for("Press a to apply it")
        self.assertRegex(text, rf"{topic}\s+0\s+2\s+5\s+\+?3")
        self.assertEqual(self.k.one("group", "lag", group)["total_lag"], 6, "a preview changes nothing")
        scr.type("a")
        scr.wait_for(f"changes the cluster. Type {group} to confirm:")
        scr.type(group)
        scr.send("Enter")
        wait_until(lambda: self.k.one("group", "lag", group)["total_lag"] == 3, what="the reset applied")
        text = scr.wait_for(lambda s: "--execute" in s and "Press a" not in s, what="the executed result")
        scr.send("Escape")
        scr.send("Escape")
        scr.wait_for(f"total lag 3", what="the group view after a refresh")

    def test_prompt_completes_groups_from_views(self):
        topic = self.scratch_topic()
        group = unique("0keyscomp")
        self.addCleanup(self.k.run, "group", "delete", group, "--yes")
        self.k.one("group", "reset", group, "--topic", f"{topic}:0", "--to-offset", 0, "--execute")
        scr = self.start()
        scr.wait_for("updated")
        scr.type(":groups")
        scr.send("Enter")
        scr.wait_for(lambda s: group in s, what="the group in the groups view")
        scr.type(":group lag " + group[:-3])
        scr.send("Tab")
        scr.wait_for(f":group lag {group}")
        scr.send("Enter")  # the command's result in a pane (the prompt's own text does not count)
        scr.wait_for(lambda s: f"group lag {group}" in s and "Total lag: 0" in s and f":group lag" not in s,
                     what="the group's lag")

    def test_prompt_lines_kept_in_the_store(self):
        state = tempfile.TemporaryDirectory()
        self.addCleanup(state.cleanup)
        scr = self.start(env={"KCON_STATE_DIR": state.name})
        scr.wait_for("updated")
        scr.type(":topics --internal")
        scr.send("Enter")
        scr.wait_for("\n topics --internal ")
        scr.send("Escape")
        scr.type(":topics -X sasl.password=hunter2")
        scr.send("Enter")
        scr.wait_for("unknown option")
        scr.send("Escape")
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)
        rows = self.k.one("--state-dir", state.name, "history", "sql",
                          "SELECT face, line FROM command ORDER BY id", bootstrap=False)["rows"]
        self.assertEqual([r["face"] for r in rows], ["tui", "tui"])
        self.assertEqual(rows[0]["line"], "topics --internal")
        self.assertIn("sasl.password=***", rows[1]["line"])
        self.assertNotIn("hunter2", json.dumps(rows))
        # The next TUI on the store recalls them: Up at the prompt.
        scr = self.start(env={"KCON_STATE_DIR": state.name})
        scr.wait_for("updated")
        scr.type(":")
        scr.send("Up")
        text = scr.wait_for("sasl.password=***")
        self.assertNotIn("hunter2", text)
        scr.send("Up")
        scr.wait_for(":topics --internal")

    def test_produce_from_view(self):
        topic = self.scratch_topic()
        scr = self.start()
        self.select(scr, topic)
        scr.type("P")
        scr.wait_for(f":produce {topic}")
        scr.type("hello-from-the-tui")
        scr.send("Enter")
        scr.wait_for("produced")
        out = subprocess.run(["kcat", "-C", "-b", self.bootstrap, "-t", topic, "-e", "-q"], capture_output=True,
                             text=True, timeout=60).stdout
        self.assertEqual(out.split(), ["hello-from-the-tui"])

    def test_theme_switch_live(self):
        scr = self.start(env={"TERM": "xterm-256color"})
        scr.wait_for("connected")
        self.assertTrue({30, 46} <= colours(scr.ansi().split("\n")[0]))
        scr.type(":theme mono")
        scr.send("Enter")
        wait_until(lambda: colours(scr.ansi()) == set(), what="no colours with the mono theme")
        scr.type(":theme")
        scr.send("Enter")
        scr.wait_for("theme mono; themes: default light high-contrast mono")
        scr.type(":theme nosuch")
        scr.send("Enter")
        scr.wait_for("no theme `nosuch`")
        scr.type(":theme default")
        scr.send("Enter")
        wait_until(lambda: {30, 46} <= colours(scr.ansi().split("\n")[0]), what="the default colours back")
        scr.type(":theme light")
        scr.send("Enter")
        wait_until(lambda: {37, 44} <= colours(scr.ansi().split("\n")[0]), what="the light theme's title bar")
        # The scripts' face refuses it with a hint.
        p = subprocess.run([KCON, "theme", "mono"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("acts on the TUI, which is not running", p.stderr)

    def test_event_log_and_read_only(self):
        scr = self.start("--read-only")
        text = scr.wait_for("connected")
        self.assertTrue(scr.lines()[0].startswith(" kcon │ READ-ONLY │"), scr.lines()[0])
        scr.send("L")
        text = scr.wait_for("\n log ")
        self.assertIn("kcon started on " + self.bootstrap, text)
        self.assertRegex(text, r"connection +connected to " + re.escape(self.bootstrap))
        scr.type(":topic create x-should-not-exist --partitions 1 --replication-factor 1")
        scr.send("Enter")
        scr.wait_for("this session is read-only")
        scr.send("Escape")
        text = scr.wait_for(lambda s: "topic create" in s and "\n log " in s, what="the failure in the log")
        self.assertRegex(text, r"error +topic create x-should-not-exist .*: `topic create` changes th")
        self.assertNotIn("x-should-not-exist", self.topic_names())


class RefreshOptionTest(unittest.TestCase):
    def test_bad_refresh(self):
        p = subprocess.run([KCON, "--refresh", "0.1", "topics"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--refresh 0.1: give seconds, at least 0.5", p.stderr)


if __name__ == "__main__":
    unittest.main()
