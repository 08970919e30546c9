"""The REPL path under valgrind, against the real test broker: readline in a real terminal (tmux)
and commands on stdin. valgrind needs a build without ASan: KCON_PLAIN_BIN (`make test` builds one);
a definite leak or a memory error fails the test through valgrind's error exit code."""

import os
import re
import subprocess
import tempfile
import unittest

from kcontest import BrokerTestCase, kcat_produce, unique, wait_until
from tmuxscreen import TmuxScreen

PLAIN = os.environ.get("KCON_PLAIN_BIN")
VALGRIND = ["valgrind", "--error-exitcode=99", "--leak-check=full", "--errors-for-leak-kinds=definite",
            "--show-leak-kinds=definite", "--track-fds=no", "--num-callers=30"]


@unittest.skipUnless(PLAIN, "KCON_PLAIN_BIN is not set: `make test` builds kcon without ASan for valgrind")
class ReplValgrindTest(BrokerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.topic = unique("0vg")
        cls.k.one("topic", "create", cls.topic, "--partitions", 2, "--replication-factor", 1)
        kcat_produce(cls.bootstrap, cls.topic, ["a", "b", "c"], partition=0)
        cls.group = unique("0vgg")
        cls.k.one("group", "reset", cls.group, "--topic", f"{cls.topic}:0", "--to-offset", 1, "--execute")

    @classmethod
    def tearDownClass(cls):
        cls.k.run("group", "delete", cls.group, "--yes")
        cls.k.run("topic", "delete", cls.topic, "--yes")

    def run_env(self):
        state = tempfile.TemporaryDirectory()
        self.addCleanup(state.cleanup)
        return {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "XDG_CONFIG_HOME": "/nonexistent-kcon-test",
                "KCON_STATE_DIR": state.name}

    # Commands that go through the client, the admin API, the store, the sinks and the errors.
    SCRIPT = ["topics", "cluster", "brokers", "topic describe {topic}", "groups", "group lag {group}",
              "group describe {group}", "tail {topic} --from beginning --count 3 --to-end -o json", "history lag {group}",
              "topic describe nosuch-topic", "bogus command", "help group reset"]

    def test_repl_in_a_terminal(self):
        log = tempfile.NamedTemporaryFile(prefix="kcon-valgrind-", suffix=".log", delete=False)
        self.addCleanup(os.unlink, log.name)
        scr = TmuxScreen(VALGRIND + [f"--log-file={log.name}", PLAIN, "-b", self.bootstrap, "--repl"], 120, 40,
                         env=self.run_env())
        self.addCleanup(scr.close)
        prompt = f"kcon({self.bootstrap})> "
        scr.wait_for(prompt.rstrip(), timeout=120)
        prompts = lambda: scr.all_text().count(prompt.rstrip())
        for i, line in enumerate(self.SCRIPT):  # one at a time: each command's prompt comes back
            scr.type(line.format(topic=self.topic, group=self.group))
            scr.send("Enter")
            wait_until(lambda: prompts() >= i + 2, timeout=120, what=f"the prompt after `{line}`")
        scr.type("topic desc")  # completion: readline and the metadata cache
        scr.send("Tab")
        scr.wait_for(lambda s: s.rstrip().endswith(prompt + "topic describe"), timeout=120)
        scr.send("C-u")
        scr.type("quit")
        scr.send("Enter")
        wait_until(scr.dead, timeout=300, what="kcon under valgrind to end")
        status = scr.exit_status()
        with open(log.name) as f:
            report = f.read()
        self.assertEqual(status, 0, report[-6000:])
        self.assertRegex(report, r"ERROR SUMMARY: 0 errors")
        text = scr.all_text()
        self.assertIn("unknown command `bogus`", text)
        self.assertIn(f"{self.topic}", text)
        self.assertRegex(text, rf"Topic: +{re.escape(self.topic)}\n")  # the describe's output, not only the typed line

    def test_commands_on_stdin(self):
        script = "\n".join(l.format(topic=self.topic, group=self.group) for l in self.SCRIPT) + "\nquit\n"
        e = dict(os.environ)
        e.update(self.run_env())
        p = subprocess.run(VALGRIND + [PLAIN, "-b", self.bootstrap, "--repl"], input=script, capture_output=True,
                           text=True, timeout=600, env=e)
        self.assertNotEqual(p.returncode, 99, p.stderr[-6000:])
        self.assertEqual(p.returncode, 0, p.stderr[-6000:])  # the status of the last command: quit
        self.assertIn("ERROR SUMMARY: 0 errors", p.stderr)
        self.assertIn("unknown command `bogus`", p.stderr)
        self.assertIn('"value":"a"', p.stdout.replace(" ", ""))  # the tail's first message, as JSON


if __name__ == "__main__":
    unittest.main()
