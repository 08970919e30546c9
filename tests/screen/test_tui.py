"""The TUI and the REPL in tmux at fixed sizes, against the real test broker."""

import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import unittest

from kcontest import KCON, Kcon, Proxy, kcat_produce, unique, wait_until
from tmuxscreen import ScreenTestCase, TmuxScreen, colours


class TuiTest(ScreenTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # "0..." sorts before the other tests' topics, so ours are on the first screen of a busy broker.
        cls.prefix = unique("0tui")
        cls.alpha = f"{cls.prefix}-alpha"
        cls.beta = f"{cls.prefix}-beta"
        for name, parts in ((cls.alpha, 2), (cls.beta, 3)):
            cls.k.one("topic", "create", name, "--partitions", parts, "--replication-factor", 1)

    @classmethod
    def tearDownClass(cls):
        for name in (cls.alpha, cls.beta):
            cls.k.run("topic", "delete", name, "--yes")

    def start(self, width=120, height=40, env=None, args=None):
        return self.screen([KCON] + (args if args is not None else ["-b", self.bootstrap]), width, height, env)

    def row_of(self, scr, name):
        """The screen line showing topic name."""
        for line in scr.lines():
            if name in line:
                return line
        return None

    def test_topics_filter_and_quit(self):
        scr = self.start()
        text = scr.wait_for(lambda s: self.alpha in s and self.beta in s, what="both topics")
        lines = scr.lines()
        self.assertTrue(lines[0].startswith(" kcon \u2502 "), lines[0])  # UTF-8 line drawing
        self.assertIn(self.bootstrap, lines[0])
        self.assertIn("NAME", lines[1])
        self.assertIn("PARTITIONS", lines[1])
        # The table's cells: name, partitions, RF, under-replicated, offline.
        self.assertEqual(self.row_of(scr, self.beta).split()[:5], [self.beta, "3", "1", "0", "0"])
        scr.wait_for("connected", what="the connection state")
        self.assertIn("updated", text + scr.text())

        scr.type("/")
        scr.type(self.beta[-8:])  # part of the name, live
        scr.wait_for(lambda s: self.beta in s and self.alpha not in s, what="the filter to keep only beta")
        self.assertIn("topics 1/1 /" + self.beta[-8:], scr.text())
        scr.send("Escape")
        scr.wait_for(lambda s: self.alpha in s and self.beta in s, what="Esc to clear the filter")

        self.assertTrue(scr.alternate_on())
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)
        self.assertFalse(scr.alternate_on(), "the terminal is back from the alternate screen")
        self.assertNotIn("NAME", scr.text(), "the TUI's screen is gone")
        self.assertTrue(scr.lines()[0].startswith(TmuxScreen.MARK), "the shell's screen is back")

    def test_prompt_describe_and_back(self):
        scr = self.start()
        scr.wait_for(self.alpha)
        scr.type(":")
        scr.type(f"topic describe {self.beta}")
        scr.send("Enter")
        text = scr.wait_for(f"Topic:            {self.beta}", what="the describe result")
        self.assertIn("PARTITION  LEADER", text)
        parts = [l.split() for l in scr.lines() if l.split()[:1] in (["0"], ["1"], ["2"])]
        self.assertEqual([p[0] for p in parts], ["0", "1", "2"])
        self.assertTrue(all(p[-1] == "ok" for p in parts), parts)
        scr.send("Escape")
        scr.wait_for(lambda s: self.alpha in s and "PARTITION " not in s, what="Esc back to the topics")

        # Completion at the prompt: the command's words and topic names from the view.
        scr.type(":topic desc")
        scr.send("Tab")
        scr.wait_for(":topic describe", what="the verb to complete")
        scr.type(self.alpha[:-3])
        scr.send("Tab")
        scr.wait_for(f":topic describe {self.alpha}", what="the topic to complete")
        scr.send("Escape")
        scr.wait_for(lambda s: ":topic" not in s, what="Esc to leave the prompt")
        # The names of the views, from the registry (brokers and broker-configs share "broker").
        scr.type(":view bro")
        scr.send("Tab")
        scr.wait_for(lambda s: s.rstrip().endswith(":view broker"), what="the views' common prefix")
        scr.type("s")
        scr.send("Tab")
        scr.wait_for(lambda s: s.rstrip().endswith(":view brokers"), what="the view's name to complete")
        scr.send("Enter")
        scr.wait_for("brokers 1/1", what="the brokers view")
        scr.send("Escape")
        scr.wait_for(lambda s: "\n topics " in s, what="Esc back to the topics")

        # Errors show as a pane with the cause and the hint.
        scr.type(":topic describe no-such-topic-kcon")
        scr.send("Enter")
        text = scr.wait_for("unknown topic")
        self.assertIn("hint:", text)
        scr.send("Escape")
        scr.wait_for(lambda s: "\n topics " in s, what="Esc back to the topics")
        # A mistyped command: the nearest ones in the hint.
        scr.type(":topcs")
        scr.send("Enter")
        scr.wait_for("did you mean `topics`", what="the nearest command in the hint")
        scr.send("C-c")
        self.assertEqual(scr.exit_status(), 0)

    def test_destructive_confirmation(self):
        victim = unique("0tui-victim")
        self.k.one("topic", "create", victim)
        scr = self.start()
        scr.wait_for(victim)
        scr.type(f":topic delete {victim}")
        scr.send("Enter")
        scr.wait_for(f"Type {victim} to confirm:")
        scr.send("Escape")  # cancelled: not confirmed
        scr.wait_for("not confirmed: nothing was changed")
        scr.send("Escape")
        scr.type(f":topic delete {victim}")
        scr.send("Enter")
        scr.wait_for(f"Type {victim} to confirm:")
        scr.type(victim)
        scr.send("Enter")
        scr.wait_for("deleted: yes", what="the delete result")
        wait_until(lambda: victim not in self.k.run("topics").stdout, what="the topic to be deleted")
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_enter_describes_selected(self):
        scr = self.start()
        scr.wait_for(self.alpha)
        scr.type("/" + self.prefix)
        scr.send("Enter")
        scr.wait_for(lambda s: "topics 1/2" in s, what="two rows after the filter")
        scr.send("j")  # the second row: beta
        scr.wait_for("topics 2/2")
        scr.send("Enter")  # its partitions, as a table
        scr.wait_for(lambda s: f"topic {self.beta}: partitions 1/3" in s and "updated" in s, what="beta's partitions")
        self.assertIn("PARTITION", scr.lines()[1])
        self.assertIn("LEADER", scr.lines()[1])
        rows = [l.split() for l in scr.lines()[2:5]]
        self.assertEqual([r[0] for r in rows], ["0", "1", "2"])
        self.assertTrue(all(r[-1] == "ok" for r in rows), rows)
        scr.send("Escape")
        scr.wait_for("topics 2/2", what="Esc back to the topics, the selection kept")
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_resize(self):
        scr = self.start()
        scr.wait_for(self.alpha)
        scr.resize(80, 24)
        text = scr.wait_for(lambda s: len(s.split("\n")) == 24 and self.alpha in s)
        lines = scr.lines()
        self.assertTrue(lines[0].startswith(" kcon"))
        self.assertIn("topics", lines[22])  # the status bar, second from the bottom
        self.assertIn("q quit", lines[23])
        self.assertTrue(all(len(l) <= 80 for l in lines))

        scr.resize(20, 6)
        scr.wait_for(lambda s: s.split("\n")[0].startswith(" kcon") and "NAME" in s)
        lines = scr.lines()
        self.assertEqual(len(lines), 6)
        self.assertTrue(all(len(l) <= 20 for l in lines), lines)
        self.assertIn("NAME", lines[1])
        self.assertTrue(lines[4].startswith(" topics"), lines)
        self.assertNotIn("PARTITIO", lines[1], "columns that do not fit are dropped, not cut")

        scr.resize(19, 5)
        text = scr.wait_for("terminal too small")
        self.assertNotIn("kcon \u2502", text)
        scr.resize(1, 1)
        scr.wait_for(lambda s: s.strip() in ("", "t", "\u2026"), what="one cell at most, no crash")
        self.assertFalse(scr.dead())
        scr.resize(120, 40)
        scr.wait_for(lambda s: self.alpha in s and self.beta in s, what="the full view again")
        self.assertFalse(scr.dead())
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_ascii_locale(self):
        scr = self.start(env={"LANG": "C", "LC_ALL": "C"})
        scr.wait_for(self.alpha)
        self.assertTrue(scr.lines()[0].startswith(" kcon | "), scr.lines()[0])
        self.assertNotIn("\u2502", scr.text())
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_sigterm_restores_terminal(self):
        scr = self.start()
        scr.wait_for(self.alpha)
        os.kill(scr.program_pid(), 15)
        self.assertEqual(scr.exit_status(), 0)
        self.assertFalse(scr.alternate_on())

    def test_fatal_signal_restores_terminal(self):
        scr = self.start()
        scr.wait_for(self.alpha)
        self.assertTrue(scr.alternate_on())
        os.kill(scr.program_pid(), 3)  # SIGQUIT: not handled by the loop, fatal
        self.assertEqual(scr.exit_status(), 128 + 3)
        self.assertFalse(scr.alternate_on(), "the alternate screen is left even on a fatal signal")

    MODES = ("keypad_flag", "keypad_cursor_flag", "mouse_standard_flag", "mouse_button_flag", "mouse_any_flag",
             "mouse_all_flag", "mouse_sgr_flag", "mouse_utf8_flag", "alternate_on")

    def modes(self, scr):
        """The pane's terminal modes that the TUI turns on, by name: 1 on, 0 off."""
        values = scr.info(" ".join("#{%s}" % m for m in self.MODES)).split()
        return dict(zip(self.MODES, (int(v) for v in values)))

    def test_fatal_signals_reset_keypad_and_mouse(self):
        for name, signo in (("SIGABRT", 6), ("SIGQUIT", 3), ("SIGSEGV", 11)):
            with self.subTest(signal=name):
                scr = self.start()
                scr.wait_for(self.alpha)
                on = self.modes(scr)
                self.assertEqual((on["keypad_flag"], on["keypad_cursor_flag"], on["alternate_on"]), (1, 1, 1), on)
                self.assertEqual(on["mouse_standard_flag"], 1, on)  # clicks and the wheel
                os.kill(scr.program_pid(), signo)
                self.assertEqual(scr.exit_status(), 128 + signo)
                off = self.modes(scr)
                self.assertEqual(off, dict.fromkeys(self.MODES, 0), f"after {name}: the pane's modes are back")

    def test_keys_typed_before_fg_are_kept(self):
        """Ctrl-Z in an interactive shell, then `fg` with a key typed behind it in the same write: the key
        waits in the terminal's input queue until kcon runs again, and must act. (curses' own SIGTSTP
        handler flushed the input on resume: the key was lost every time, and a key typed just after
        `fg` now and then.) Twice, so the second suspend is handled as the first."""
        scr = self.screen(["bash", "--norc", "--noprofile", "-i"], env={"PS1": "$ "})
        scr.wait_for("$")
        scr.type(f"{shlex.quote(KCON)} --demo")
        scr.send("Enter")
        scr.wait_for(lambda s: "orders" in s and "updated" in s, what="the demo's topics")
        for n in (1, 2):
            with self.subTest(suspend=n):
                scr.send("C-z")
                scr.wait_for(lambda s: "Stopped" in s and not scr.alternate_on(), what="the shell's job report")
                scr.tmux("clear-history", "-t", "main")
                scr.send("clear", "Enter")
                scr.wait_for(lambda s: "Stopped" not in s, what="a clear shell screen")
                scr.send("fg", "Enter", "?")  # one write: `?` is in the input queue before kcon resumes
                scr.wait_for("KEYS IN THE topics VIEW", what="the help that `?` opens")
                scr.send("Escape")
                scr.wait_for(lambda s: "KEYS" not in s and "orders" in s, what="the topics again")
        scr.send("q")
        scr.wait_for(lambda s: not scr.alternate_on() and s.rstrip().endswith("$"), what="the shell's prompt")
        scr.type("exit")
        scr.send("Enter")
        self.assertEqual(scr.exit_status(), 0)

    def test_unreachable(self):
        scr = self.start(args=["-b", "127.0.0.1:1", "--timeout", "2"])
        text = scr.wait_for("unreachable", timeout=30)
        self.assertIn("error:", text)
        self.assertIn("hint:", text)
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_dumb_terminal(self):
        # (an unknown TERM draws with kcon's own entries: test_tui_term.py)
        for term, says in (("dumb", "TERM is `dumb`"), ("", "TERM is empty")):
            scr = self.start(env={"TERM": term})
            self.assertEqual(scr.exit_status(), 2)  # also: no leak report from the sanitizers
            self.assertIn(says, scr.all_text())
            self.assertIn("export TERM=xterm-256color", scr.all_text())
            scr.close()


class ReplTest(ScreenTestCase):
    def setUp(self):
        self.state = tempfile.mkdtemp(prefix="kcon-state-")
        self.addCleanup(shutil.rmtree, self.state, True)
        self.topic = self.scratch_topic(unique("repl"))

    def start(self):
        return self.screen([KCON, "-b", self.bootstrap, "--repl"], env={"XDG_STATE_HOME": self.state})

    def test_repl(self):
        scr = self.start()
        prompt = f"kcon({self.bootstrap})> "

        def ctrl_c(line):
            """Ctrl-C on a line that is on the screen; waits for the fresh prompt under it. (The screen
            ending with a prompt alone may hold before the Ctrl-C is handled: the prompt before the
            line, its keys not echoed yet.)"""
            scr.wait_for(prompt + line, what=f"`{line}` typed")
            scr.send("C-c")
            scr.wait_for(lambda s: s.rstrip().split("\n")[-2:] == [prompt + line, prompt.rstrip()],
                         what=f"a fresh prompt under `{line}`")

        scr.wait_for(prompt.rstrip())
        scr.type(f"topics {self.topic}")
        scr.send("Enter")
        scr.wait_for(f"\n{self.topic}  ", what="the topic in the list")

        scr.type("topic desc")
        scr.send("Tab")
        scr.wait_for(prompt + "topic describe", what="the verb to complete")
        scr.type(self.topic[:-3])
        scr.send("Tab")
        scr.wait_for(prompt + f"topic describe {self.topic}", what="the topic to complete")
        scr.send("Enter")
        scr.wait_for("PARTITION  LEADER", what="the describe output")

        # The names of the views (`view NAME`, `bind -v NAME`), and after `view tail` a topic's.
        scr.type("view ta")
        scr.send("Tab")
        scr.wait_for(prompt + "view tail", what="the view's name to complete")
        scr.type(self.topic[:-3])
        scr.send("Tab")
        scr.wait_for(prompt + f"view tail {self.topic}", what="the view's argument to complete")
        ctrl_c(f"view tail {self.topic}")
        scr.type("bind -v lo")
        scr.send("Tab")
        scr.wait_for(prompt + "bind -v log", what="a view's name to complete after -v")
        ctrl_c("bind -v log")

        # Ctrl-C clears the line and keeps the REPL.
        scr.type("brokers --bogus")
        ctrl_c("brokers --bogus")
        scr.type("bogus")
        scr.send("Enter")
        scr.wait_for("unknown command `bogus`")
        scr.type("topcs")
        scr.send("Enter")
        scr.wait_for("did you mean `topics`", what="the nearest command in the hint")

        scr.type("quit")
        scr.send("Enter")
        self.assertEqual(scr.exit_status(), 0)
        with open(os.path.join(self.state, "kcon", "history")) as f:
            history = f.read().split("\n")
        self.assertIn(f"topics {self.topic}", history)
        self.assertIn(f"topic describe {self.topic} ", history)
        self.assertNotIn("brokers --bogus", history)
        self.assertEqual(os.stat(os.path.join(self.state, "kcon")).st_mode & 0o777, 0o700)

    def test_ctrl_c_and_sigterm_stop_a_long_history_sql(self):
        state = os.path.join(self.state, "kcon")
        Kcon(self.bootstrap, ["--state-dir", state]).one("history", "tick")
        scr = self.start()
        prompt = f"kcon({self.bootstrap})> "
        scr.wait_for(prompt.rstrip())
        forever = "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c) SELECT count(*) FROM c"
        pid = scr.program_pid()

        def cpu():  # user + system clock ticks: the REPL is idle but for the query
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return int(fields[11]) + int(fields[12])

        def querying(since):
            return lambda: cpu() - since >= 30  # 0.3 s of CPU: the query is running
        # Ctrl-C stops the query and gives the prompt back.
        base = cpu()
        scr.type(f"history sql --max-time 0 '{forever}'")
        scr.send("Enter")
        wait_until(querying(base), what="the query running")
        scr.send("C-c")
        scr.wait_for("history sql: interrupted", what="Ctrl-C interrupting the query")
        scr.type("history sql 'SELECT 6 * 7 AS answer'")
        scr.send("Enter")
        scr.wait_for(lambda s: re.search(r"\n +42\n", s), what="the next query's answer")
        # SIGTERM stops the query and ends the REPL.
        base = cpu()
        scr.type(f"history sql --max-time 0 '{forever}'")
        scr.send("Enter")
        wait_until(querying(base), what="the query running")
        os.kill(pid, signal.SIGTERM)
        self.assertEqual(scr.exit_status(), 128 + signal.SIGTERM)  # as the REPL ends on SIGTERM
        self.assertEqual(scr.all_text().count("history sql: interrupted"), 2)

    def test_ctrl_c_stops_a_group_lag_wait(self):
        """Ctrl-C in the REPL ends `group lag --wait-max` at once (its nap retried on EINTR up to the
        --interval, an hour here) and gives the prompt back."""
        group = unique("0grp")
        kcat_produce(self.bootstrap, self.topic, ["a", "b", "c"])
        Kcon(self.bootstrap).one("group", "reset", group, "--topic", self.topic, "--to-offset", 1, "--execute")
        self.addCleanup(Kcon(self.bootstrap).run, "group", "delete", group, "--yes")
        scr = self.start()
        prompt = f"kcon({self.bootstrap})> "
        scr.wait_for(prompt.rstrip())
        scr.type(f"group lag {group} --wait-max 0 --timeout 1h --interval 1h")
        scr.send("Enter")
        scr.wait_for("total lag 2 (waiting for <= 0)", what="the first sample")
        scr.send("C-c")
        scr.wait_for(f"group {group}: interrupted after", what="Ctrl-C ending the wait")
        scr.wait_for(lambda s: s.rstrip().endswith(prompt.rstrip()), what="the prompt back")
        scr.type("quit")
        scr.send("Enter")
        self.assertEqual(scr.exit_status(), 0)

    def test_group_completion_and_confirmation(self):
        group = unique("0grp")
        kcat_produce(self.bootstrap, self.topic, ["hello"])
        subprocess.run(["kcat", "-b", self.bootstrap, "-G", group, "-e", "-o", "beginning", self.topic,
                        "-X", "auto.commit.interval.ms=50"], capture_output=True, timeout=60, check=True)
        wait_until(lambda: group in self.k.run("groups").stdout, what="the group to be listed")
        scr = self.start()
        prompt = f"kcon({self.bootstrap})> "
        scr.wait_for(prompt.rstrip())
        scr.type("group describe " + group[:-4])
        scr.send("Tab")
        scr.wait_for(prompt + f"group describe {group}", what="the group to complete")
        scr.send("C-u")

        # A destructive command asks for the typed name; a wrong answer changes nothing.
        scr.type(f"topic delete {self.topic}")
        scr.send("Enter")
        scr.wait_for(f"Type `{self.topic}` to confirm:")
        scr.type("nope")
        scr.send("Enter")
        scr.wait_for("not confirmed: nothing was changed")
        scr.type(f"topic delete {self.topic}")
        scr.send("Enter")
        scr.wait_for(lambda s: s.count(f"Type `{self.topic}` to confirm:") == 2)
        scr.type(self.topic)
        scr.send("Enter")
        wait_until(lambda: self.topic not in self.k.run("topics").stdout, what="the topic to be deleted")
        scr.type("quit")
        scr.send("Enter")
        self.assertEqual(scr.exit_status(), 0)

    def test_history_failure_is_a_warning(self):
        with open(os.path.join(self.state, "kcon"), "w") as f:
            f.write("not a directory")
        scr = self.start()
        scr.wait_for("warning: history will not be saved")
        scr.type("exit")
        scr.send("Enter")
        self.assertEqual(scr.exit_status(), 0)

    def test_without_a_terminal(self):
        """--repl on a pipe reads commands from stdin, goes on after a failure, ends at quit."""
        p = self.k.run("--repl", input=f"topics {self.topic}\nbogus\nquit\ntopics\n")
        self.assertEqual(p.returncode, 0, p.stderr)  # the status of the last command run: quit
        self.assertEqual(p.stdout.count(self.topic), 1, p.stdout)  # nothing ran after quit
        self.assertIn("unknown command `bogus`", p.stderr)

    def test_eof_ends(self):
        scr = self.start()
        scr.wait_for("kcon(")
        scr.send("C-d")
        self.assertEqual(scr.exit_status(), 0)


class TuiViewsTest(ScreenTestCase):
    """The groups, lag, group, brokers and cluster views, sorting and themes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.prefix = unique("0tuig")
        cls.topic = f"{cls.prefix}-t"
        cls.k.one("topic", "create", cls.topic, "--partitions", 2, "--replication-factor", 1)
        kcat_produce(cls.bootstrap, cls.topic, [f"m{i}" for i in range(10)], partition=0)
        kcat_produce(cls.bootstrap, cls.topic, [f"n{i}" for i in range(5)], partition=1)
        # Two groups: "a" 3 behind (commits at 10 and 2), "b" 13 behind (commits at 1 and 1).
        cls.ga, cls.gb = f"{cls.prefix}-a", f"{cls.prefix}-b"
        for g, offs in ((cls.ga, (10, 2)), (cls.gb, (1, 1))):
            for p, off in enumerate(offs):
                cls.k.one("group", "reset", g, "--topic", f"{cls.topic}:{p}", "--to-offset", off, "--execute")
        wait_until(lambda: cls.k.one("group", "lag", cls.gb)["total_lag"] == 13, what="b's commits to show")

    @classmethod
    def tearDownClass(cls):
        for g in (cls.ga, cls.gb):
            cls.k.run("group", "delete", g, "--yes")
        cls.k.run("topic", "delete", cls.topic, "--yes")

    start = TuiTest.start

    def rows(self, scr, prefix):
        return [l.split() for l in scr.lines() if l.split()[:1] and l.split()[0].startswith(prefix)]

    def test_groups_view_and_drill_into_group(self):
        scr = self.start()
        scr.wait_for(lambda s: "topics" in s and "updated" in s, what="the topics view")
        scr.type(":groups")
        scr.send("Enter")
        scr.wait_for(lambda s: self.ga in s and self.gb in s, what="the test's groups")
        self.assertEqual(scr.lines()[1].split(), ["GROUP", "STATE", "TYPE", "MEMBERS", "LAG", "STATUS", "LAG", "1H"])
        self.assertEqual([r[:5] for r in self.rows(scr, self.prefix)],
                         [[self.ga, "Empty", "classic", "0", "3"], [self.gb, "Empty", "classic", "0", "13"]])
        scr.type("/" + self.gb)
        scr.send("Enter")
        scr.wait_for("groups 1/1")
        scr.send("Enter")  # drills into b
        text = scr.wait_for(f"classic group {self.gb} (Empty) total lag 13", what="the group view with its total")
        self.assertEqual(scr.lines()[1].split(), ["TOPIC", "PARTITION", "COMMITTED", "END", "LAG", "OWNER", "STATUS",
                                                  "LAG", "1H"])
        self.assertEqual([r[:6] for r in self.rows(scr, self.topic)], [[self.topic, "0", "1", "10", "9", "-"],
                                                      [self.topic, "1", "1", "5", "4", "-"]])
        self.assertIn("updated", text)
        scr.send("Escape")  # back to the groups, filter and all
        scr.wait_for(lambda s: "groups 1/1" in s and self.gb in s, what="Esc back to the groups")
        scr.send("Escape")  # clears the filter
        scr.wait_for(lambda s: self.ga in s, what="the filter cleared")
        scr.send("Escape")  # back to the topics
        scr.wait_for(lambda s: "\n topics " in s, what="Esc back to the topics view")
        # `group G` and `topic T` open the views when G or T is not a subcommand.
        scr.type(f":group {self.ga}")
        scr.send("Enter")
        scr.wait_for(f"group {self.ga} (Empty) total lag 3")
        self.assertEqual([r[:6] for r in self.rows(scr, self.topic)], [[self.topic, "0", "10", "10", "0", "-"],
                                                      [self.topic, "1", "2", "5", "3", "-"]])
        scr.type(f":topic {self.topic}")
        scr.send("Enter")
        scr.wait_for(lambda s: f"topic {self.topic}: partitions 1/2" in s and "updated" in s)
        self.assertEqual([l.split()[:2] for l in scr.lines()[2:4]], [["0", "1"], ["1", "1"]])
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_group_lag_wait_holds_up_no_view(self):
        """`:group lag G --wait-max N` waits on a thread of its own: the views answer meanwhile (it held
        the one worker, and every view's reload waited behind it); Esc ends the wait at once, and
        SIGTERM ends the TUI at once."""
        scr = self.start()
        scr.wait_for(lambda s: "topics" in s and "updated" in s, what="the topics view")

        def wait_then(view, shown):
            """The wait is queued before the view: once the view shows, the wait runs beside it."""
            scr.type(f":group lag {self.gb} --wait-max 0 --timeout 1h --interval 1h")
            scr.send("Enter")
            scr.type(view)
            scr.send("Enter")
            scr.wait_for(lambda s: shown in s and "updated" in s, what=f"{view} while the wait runs")
            self.assertNotIn("interrupted", scr.text())
        wait_then(":brokers", "brokers 1/1")
        scr.send("Escape")
        scr.wait_for(f"group {self.gb}: interrupted after", what="Esc ending the wait")
        self.assertIn("total lag 13 (waiting for <= 0)", scr.text())
        scr.send("Escape")  # closes the result
        scr.wait_for(lambda s: "interrupted" not in s, what="the result closed")
        wait_then(":cluster", "under_replicated")
        os.kill(scr.program_pid(), signal.SIGTERM)
        self.assertEqual(scr.exit_status(), 0)

    def test_doctor_holds_up_no_view(self):
        """`:doctor` waits up to --timeout at each step: it runs on a thread of its own, so the views answer
        while it waits for a bootstrap that never answers (it held the one worker, and every view's reload
        waited behind it); Esc ends the wait at once."""
        hole = Proxy(self.bootstrap, black_hole=True)  # accepts, then says nothing
        self.addCleanup(hole.close)
        # The doctor checks the bootstrap addresses in turn; the views' client uses the one that answers.
        scr = self.start(args=["-b", f"{hole.address},{self.bootstrap}", "--timeout", "120"])
        scr.wait_for(lambda s: "topics" in s and "updated" in s, what="the topics view")
        scr.type(":doctor")
        scr.send("Enter")
        scr.type(":brokers")
        scr.send("Enter")
        # well within the two minutes the doctor waits for the black hole's ApiVersions answer
        scr.wait_for(lambda s: "brokers 1/1" in s and "updated" in s, what=":brokers while the doctor waits")
        self.assertNotIn("doctor:", scr.text())
        scr.send("Escape")
        scr.wait_for("doctor: interrupted after", what="Esc ending the doctor's wait")
        scr.send("Escape")  # closes the result
        scr.wait_for(lambda s: "interrupted" not in s, what="the result closed")
        scr.type(":cluster")
        scr.send("Enter")
        scr.wait_for(lambda s: "under_replicated" in s, what="the cluster view after the doctor")
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_consumer_protocol_group_in_views(self):
        """A KIP-848 group (group.protocol=consumer) shows in the views as the classic ones do, with its type."""
        from groupmember import Member
        group = unique("0tuic")
        member = Member(self.bootstrap, group, self.topic, "consumer", 4)
        self.addCleanup(self.k.run, "group", "delete", group, "--yes")
        self.addCleanup(member.close)
        self.assertTrue(member.wait_for("committed 4", "the member's commit"), member.lines)
        wait_until(lambda: self.k.one("group", "lag", group)["state"] == "Stable", what="the group to be stable")
        scr = self.start()
        scr.type(":groups")
        scr.send("Enter")
        scr.type("/0tuic")
        scr.send("Enter")
        scr.wait_for(lambda s: group in s, what="the consumer-protocol group")
        self.assertEqual([r[:5] for r in self.rows(scr, group)], [[group, "Stable", "consumer", "1", "11"]])
        scr.send("Enter")
        scr.wait_for(f"consumer group {group} (Stable) total lag 11", what="the group view with its type")
        owners = {r[5] for r in self.rows(scr, self.topic)}
        self.assertEqual(owners, {"kcon-group-consumer@/127.0.0.1"})
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_lag_view_and_sort(self):
        scr = self.start()
        scr.type(":lag")
        scr.send("Enter")
        scr.type("/" + self.prefix)
        scr.send("Enter")
        scr.wait_for(lambda s: self.ga in s and self.gb in s, what="the test's groups by lag")
        self.assertEqual([r[:2] for r in self.rows(scr, self.prefix)], [[self.gb, "13"], [self.ga, "3"]])
        scr.send("s")  # by GROUP
        scr.wait_for("sort GROUP")
        self.assertEqual([r[0] for r in self.rows(scr, self.prefix)], [self.ga, self.gb])
        scr.send("S")  # reversed
        scr.wait_for("sort GROUP\u2193")
        self.assertEqual([r[0] for r in self.rows(scr, self.prefix)], [self.gb, self.ga])
        scr.send("s")  # by LAG, numerically: 3 before 13
        scr.wait_for("sort LAG")
        scr.send("S")
        scr.wait_for("sort LAG\u2191")
        self.assertEqual([r[1] for r in self.rows(scr, self.prefix)], ["3", "13"])
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_brokers_cluster_and_help(self):
        scr = self.start()
        scr.type(":brokers")
        scr.send("Enter")
        scr.wait_for(lambda s: "brokers 1/1" in s and "updated" in s, what="the brokers view")
        host, port = self.bootstrap.rsplit(":", 1)
        self.assertEqual(scr.lines()[2].split()[:3], ["1", host, port])
        scr.type(":cluster")
        scr.send("Enter")
        scr.wait_for(lambda s: "cluster " in s and "under_replicated" in s, what="the cluster view")
        fields = {l.split()[0]: l.split()[1:] for l in scr.lines()[2:-2] if l.split()}
        self.assertEqual(fields["brokers"], ["1"])
        self.assertEqual(fields["offline"], ["0"])
        self.assertEqual(fields["under_replicated"], ["0"])
        scr.send("?")
        text = scr.wait_for("KEYS")
        self.assertIn("reverse the sort", text)
        self.assertIn(":groups", text)
        scr.send("Escape")
        scr.wait_for("FIELD")
        scr.send("Escape")
        scr.wait_for(lambda s: "brokers 1/1" in s, what="back to the brokers")
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_small_screens(self):
        for w, h in ((80, 24), (20, 6)):
            scr = self.start(width=w, height=h)
            scr.type(":groups")
            scr.send("Enter")
            scr.type("/" + self.gb)
            scr.send("Enter")
            scr.wait_for(lambda s: "groups 1/1" in s, what=f"the groups view at {w}x{h}")
            lines = scr.lines()
            self.assertEqual(len(lines), h)
            self.assertTrue(all(len(l) <= w for l in lines), lines)
            self.assertIn("GROUP", lines[1])
            scr.send("q")
            self.assertEqual(scr.exit_status(), 0)

    def test_themes(self):
        # The default theme colours the title bar (black on cyan) and the header.
        scr = self.start(env={"TERM": "xterm-256color"})
        scr.wait_for("connected")
        self.assertTrue({30, 46} <= colours(scr.ansi().split("\n")[0]), repr(scr.ansi()[:200]))
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)
        # On 8 colours the bright ones become the plain ones.
        scr = self.start(env={"TERM": "xterm"})
        scr.wait_for(lambda s: "connected" in s and "updated" in s)
        codes = colours(scr.ansi())
        self.assertTrue({30, 46} <= codes, codes)
        self.assertFalse([c for c in codes if c >= 90 or c in (38, 48)], codes)
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)
        # NO_COLOR and the mono theme: attributes only, no colour.
        for env, args in (({"NO_COLOR": "1"}, []), ({}, ["--theme", "mono"])):
            scr = self.start(env=dict(env, TERM="xterm-256color"), args=["-b", self.bootstrap] + args)
            scr.wait_for("connected")
            ansi = scr.ansi()
            self.assertEqual(colours(ansi), set(), (env, args))
            self.assertIn("\x1b[1;7m", ansi, "the title bar is bold and reversed")
            scr.send("q")
            self.assertEqual(scr.exit_status(), 0)
        # An unknown theme: what is wrong, where kcon looked, exit 2.
        scr = self.start(args=["-b", self.bootstrap, "--theme", "nosuch"])
        self.assertEqual(scr.exit_status(), 2)
        text = scr.all_text()
        self.assertIn("no theme `nosuch` (looked in /nonexistent-kcon-test/kcon/themes", text)
        self.assertIn("hint: kcon comes with the themes default, light, high-contrast and mono", text)
        # A theme of the user's with a bad line: the rest loads and the line is reported.
        with tempfile.TemporaryDirectory() as home:
            os.makedirs(f"{home}/kcon/themes")
            with open(f"{home}/kcon/themes/mine", "w") as f:
                f.write("color title white red bold\ncolor titel red black\n")
            scr = self.start(env={"TERM": "xterm-256color", "XDG_CONFIG_HOME": home},
                             args=["-b", self.bootstrap, "--theme", "mine"])
            scr.wait_for(f"theme: {home}/kcon/themes/mine:2: unknown element `titel`")
            self.assertTrue({37, 41} <= colours(scr.ansi().split("\n")[0]))
            scr.send("q")
            self.assertEqual(scr.exit_status(), 0)

    def test_high_lag_highlighted(self):
        topic, group = f"{self.prefix}-big", f"{self.prefix}-c"
        self.scratch_topic(topic, partitions=2)
        self.addCleanup(self.k.run, "group", "delete", group, "--yes")
        kcat_produce(self.bootstrap, topic, [f"x{i}" for i in range(1200)], partition=0)
        kcat_produce(self.bootstrap, topic, [f"y{i}" for i in range(10)], partition=1)
        self.k.one("group", "reset", group, "--topic", topic, "--to-offset", 0, "--execute")
        scr = self.start(env={"TERM": "xterm-256color"})
        scr.type(f":group lag {group}")  # a command, not a view: its output in a pane
        scr.send("Enter")
        scr.wait_for("Total lag: 1210")
        scr.send("Escape")
        scr.type(":groups")
        scr.send("Enter")
        scr.type("/" + group)
        scr.send("Enter")
        scr.wait_for(lambda s: "groups 1/1" in s and group in s)
        scr.send("Enter")
        scr.wait_for(f"group {group} (Empty) total lag 1210")
        scr.send("j")  # the cursor on partition 1: partition 0's row shows its own look
        # the group's status (from the TUI's own samples) may follow the total
        title = rf"group {re.escape(group)} \(Empty\) total lag 1210( status [A-Z]+)? 2/2"
        scr.wait_for(lambda s: re.search(title, s), what="the cursor on partition 1")
        lines = scr.ansi().split("\n")
        p0 = next(l for l in lines if re.search(r"\s0\s+0\s+1200\s+1200", re.sub(r"\x1b\[[0-9;]*m", "", l)))
        p1 = next(l for l in lines if re.search(r"\s1\s+0\s+10\s+10", re.sub(r"\x1b\[[0-9;]*m", "", l)))
        self.assertIn(95, colours(p0), repr(p0))  # lag-high: bright magenta
        self.assertNotIn(95, colours(p1), repr(p1))
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_live_tail(self):
        topic = self.scratch_topic(f"{self.prefix}-live", partitions=2)
        kcat_produce(self.bootstrap, topic, [f"old-{i}" for i in range(30)], partition=0)
        scr = self.start()
        scr.wait_for("connected")
        scr.type(f":tail {topic}")
        scr.send("Enter")
        # The last 20 of partition 0, oldest first, and the view follows the newest.
        text = scr.wait_for(lambda s: "old-29" in s and f"tail {topic} " in s, what="the last messages")
        self.assertNotIn("old-9\n", text + "\n")
        self.assertIn("old-10", text)
        self.assertIn("PART:OFFSET", scr.lines()[1])
        self.assertIn("20 seen 20/20", text)
        self.assertIn("p pause/resume", scr.lines()[-1])
        kcat_produce(self.bootstrap, topic, ["new-1", "new-2"], partition=1)
        text = scr.wait_for(lambda s: "new-2" in s and "22 seen 22/22" in s, what="new messages as they come")
        row = next(l for l in scr.lines() if "new-2" in l).split()
        self.assertEqual((row[0], row[-1]), ("1:1", "new-2"))
        self.assertRegex(text, rf"tail {topic} \d+ msg/s 22 seen")
        scr.send("p")
        scr.wait_for("PAUSED")
        kcat_produce(self.bootstrap, topic, ["while-paused"], partition=1)
        self.assertEqual(self.k.one("topic", "describe", topic)["messages"], 33)
        self.assertNotIn("while-paused", scr.text())
        scr.send("p")
        scr.wait_for(lambda s: "while-paused" in s and "PAUSED" not in s, what="resumed")
        scr.send("Escape")
        scr.wait_for(lambda s: "\n topics " in s, what="back to the topics")
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_tail_unknown_topic(self):
        scr = self.start()
        scr.type(":tail no-such-topic-kcon")
        scr.send("Enter")
        text = scr.wait_for("error: ", what="the failure in the status bar")
        self.assertIn("unknown topic", text)
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)

    def test_records_history(self):
        with tempfile.TemporaryDirectory() as state:
            scr = self.start(args=["-b", self.bootstrap, "--state-dir", state])
            scr.wait_for("\u2502 recording", what="the first history tick")
            scr.send("q")
            self.assertEqual(scr.exit_status(), 0)
            lag = self.k.one("--state-dir", state, "history", "lag", self.gb)
            self.assertEqual(lag["points"][-1]["lag"], 13)
        scr = self.start(args=["-b", self.bootstrap, "--no-history"])
        scr.wait_for("connected")
        self.assertNotIn("recording", scr.lines()[0])
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)


if __name__ == "__main__":
    unittest.main()
