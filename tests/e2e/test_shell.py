"""The shell's side of kcon: completion scripts for bash, zsh and fish (`kcon completion SHELL`,
answered by the hidden `kcon __complete`), the man page kcon.1 (`kcon help --man`, checked in as
docs/kcon.1), and "did you mean" for a mistyped command or option."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

from kcontest import KCON, SOURCE_DIR, BrokerTestCase, Proxy, unique


def bash_complete(script, words, env, cword=None):
    """The candidates bash's programmable completion offers for words (the last one being typed):
    the script loaded as a user's bash does, COMP_WORDS and COMP_CWORD set, and its function run."""
    cword = len(words) - 1 if cword is None else cword
    quoted = " ".join("'" + w.replace("'", "'\\''") + "'" for w in words)
    prog = (f"source {script}\n"
            f"COMP_WORDS=({quoted}); COMP_CWORD={cword}; COMP_LINE=\"${{COMP_WORDS[*]}}\"; "
            "COMP_POINT=${#COMP_LINE}\n"
            "_kcon\n"
            "printf '%s\\n' \"${COMPREPLY[@]}\"\n")
    p = subprocess.run(["bash", "--norc", "--noprofile", "-c", prog], capture_output=True, text=True,
                       env=env, timeout=30)
    if p.returncode != 0:
        raise AssertionError(f"bash: {p.returncode}: {p.stderr}")
    return [l for l in p.stdout.splitlines() if l]


class ShellTestCase(BrokerTestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="kcon-shell-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        # `kcon` on the PATH is the one under test, as the scripts call it by that name
        self.bin = os.path.join(self.tmp, "bin")
        os.mkdir(self.bin)
        os.symlink(os.path.abspath(KCON), os.path.join(self.bin, "kcon"))
        self.env = dict(os.environ)
        self.env.pop("KCON_BOOTSTRAP", None)
        self.env.pop("KCON_PROFILE", None)
        self.env.update(PATH=self.bin + ":" + os.environ["PATH"], HOME=self.tmp,
                        XDG_CONFIG_HOME=os.path.join(self.tmp, "config"),
                        KCON_STATE_DIR=os.path.join(self.tmp, "state"))
        self.scripts = {}
        for shell in ("bash", "zsh", "fish"):
            p = self.k.run("completion", shell, bootstrap=False)
            self.assertEqual(p.returncode, 0, p.stderr)
            path = os.path.join(self.tmp, f"kcon.{shell}")
            with open(path, "w") as f:
                f.write(p.stdout)
            self.scripts[shell] = path

    def complete(self, *words):
        return bash_complete(self.scripts["bash"], ["kcon", *words], self.env)


class CompletionTest(ShellTestCase):
    def test_commands_subcommands_options(self):
        self.assertEqual(sorted(self.complete("top")), ["topic", "topics"])
        verbs = self.complete("topic", "")
        for v in ("describe", "create", "delete", "config", "alter"):
            self.assertIn(v, verbs)
        self.assertEqual(self.complete("topic", "cr"), ["create"])
        self.assertEqual(self.complete("topic", "create", "x", "--part"), ["--partitions"])
        self.assertEqual(self.complete("topics", "-o", "j"), ["json"])
        self.assertEqual(sorted(self.complete("completion", "")), ["bash", "fish", "zsh"])
        # kcon's own options, and their values
        self.assertIn("--bootstrap", self.complete("--boot"))
        self.assertEqual(self.complete("--theme", "high"), ["high-contrast"])
        self.assertEqual(self.complete("-o", "cs"), ["csv"])
        self.assertEqual(self.complete("--read-only", "-b", "h:1", "clu"), ["cluster"])

    def test_profiles_and_files(self):
        os.makedirs(os.path.join(self.tmp, "config", "kcon"))
        with open(os.path.join(self.tmp, "config", "kcon", "config.json"), "w") as f:
            f.write('{"profiles": {"prod": {"bootstrap": "p:9092"}, "staging": {"bootstrap": "s:9092"}}}')
        self.assertEqual(sorted(self.complete("-p", "")), ["prod", "staging"])
        self.assertEqual(self.complete("--profile", "st"), ["staging"])
        # a FILE is the shell's to complete: the files of the folder
        open(os.path.join(self.tmp, "ca-cert.pem"), "w").close()
        got = bash_complete(self.scripts["bash"], ["kcon", "--ca", os.path.join(self.tmp, "ca-")], self.env)
        self.assertEqual(got, [os.path.join(self.tmp, "ca-cert.pem")])

    def test_live_topic_names(self):
        topic = self.scratch_topic(name=unique("0compl"))
        got = self.complete("-b", self.bootstrap, "topic", "describe", topic[:8])
        self.assertIn(topic, got)
        got = self.complete("-b", self.bootstrap, "tail", topic[:8])
        self.assertIn(topic, got)
        # an option's value of kind TOPIC too
        group = self.complete("-b", self.bootstrap, "group", "lag", "g", "--topic", topic[:8])
        self.assertIn(topic, group)

    def test_stored_snapshot_when_the_broker_is_down(self):
        """Topic names from the history's last snapshot, when the cluster behind the bootstrap does not
        answer: through a proxy that is stopped once a command recorded the snapshot."""
        topic = self.scratch_topic(name=unique("0snap"))
        proxy = Proxy(self.bootstrap)
        self.addCleanup(proxy.close)
        boot = proxy.address
        p = subprocess.run([KCON, "-b", boot, "topics"], capture_output=True, text=True, env=self.env, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        # a group the history recorded (history tick)
        group = unique("0cg")
        self.k.one("group", "reset", group, "--topic", topic, "--to-offset", 0, "--execute")
        p = subprocess.run([KCON, "-b", boot, "history", "tick", "--groups", group], capture_output=True, text=True,
                           env=self.env, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.addCleanup(self.k.run, "group", "delete", group, "--yes")
        proxy.close()
        start = time.monotonic()
        got = self.complete("-b", boot, "topic", "describe", topic[:8])
        self.assertIn(topic, got)
        self.assertEqual(self.complete("-b", boot, "group", "describe", group[:6]), [group])
        self.assertLess(time.monotonic() - start, 5)

    def test_never_hangs(self):
        """A bootstrap that accepts connections and never answers: no candidates, within the bound."""
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        self.addCleanup(silent.close)
        boot = "127.0.0.1:%d" % silent.getsockname()[1]
        for words in (("topic", "describe", ""), ("group", "describe", "")):
            start = time.monotonic()
            got = self.complete("-b", boot, *words)
            took = time.monotonic() - start
            self.assertEqual(got, [], words)
            self.assertLess(took, 4.5, words)  # the cluster gets 1.5 s, the whole run 3 s at most

    def test_zsh_loads(self):
        prog = (f"autoload -U compinit && compinit -u -d {self.tmp}/zcompdump\n"
                f"source {self.scripts['zsh']}\n"
                "print -r -- ${_comps[kcon]}\n")
        p = subprocess.run(["zsh", "-f", "-c", prog], capture_output=True, text=True, env=self.env, timeout=30)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr, "")
        self.assertEqual(p.stdout.strip(), "_kcon")

    def test_fish_completes_with_descriptions(self):
        prog = (f"source {self.scripts['fish']}\n"
                "complete -C 'kcon topic des'\n"
                "complete -C 'kcon topic create x --repl'\n")
        p = subprocess.run(["fish", "--no-config", "-c", prog], capture_output=True, text=True, env=self.env,
                           timeout=30)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr, "")
        lines = p.stdout.splitlines()
        self.assertTrue(any(l.startswith("describe\t") and "partitions" in l for l in lines), lines)
        self.assertTrue(any(l.startswith("--replication-factor\t") for l in lines), lines)

    def test_hidden_command_describes(self):
        p = subprocess.run([KCON, "__complete", "--describe", "--", "topic", "create", "x", "--parti"],
                           capture_output=True, text=True, env=self.env, timeout=30)
        self.assertEqual(p.returncode, 0, p.stderr)
        name, desc = p.stdout.rstrip("\n").split("\t")
        self.assertEqual(name, "--partitions")
        self.assertTrue(desc)
        # not a command a person types: not in help
        names = [c["name"] for c in self.k.one("help", bootstrap=False)["commands"]]
        self.assertNotIn("__complete", names)
        self.assertIn("completion", names)


class InstallTest(ShellTestCase):
    def test_install_puts_them_where_each_shell_looks(self):
        """`make install` (cmake --install): each shell finds the script by its own search, and man the page."""
        build = os.path.dirname(os.path.abspath(KCON))
        prefix = os.path.join(self.tmp, "prefix")
        p = subprocess.run(["cmake", "--install", build, "--prefix", prefix], capture_output=True, text=True,
                           timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        share = os.path.join(prefix, "share")
        env = dict(self.env, PATH=os.path.join(prefix, "bin") + ":" + os.environ["PATH"],
                   XDG_DATA_DIRS=share)
        # bash-completion loads a command's script on its first Tab from XDG_DATA_DIRS
        prog = ("source /usr/share/bash-completion/bash_completion\n"
                "_completion_loader kcon\n"
                "COMP_WORDS=(kcon topic desc); COMP_CWORD=2; COMP_LINE='kcon topic desc'; COMP_POINT=15\n"
                "_kcon; printf '%s\\n' \"${COMPREPLY[@]}\"\n")
        p = subprocess.run(["bash", "--norc", "--noprofile", "-c", prog], capture_output=True, text=True, env=env,
                           timeout=30)
        self.assertEqual(p.stdout.split(), ["describe"], p.stderr)
        # zsh: the prefix's site-functions in fpath, compinit finds _kcon
        prog = (f"fpath=({share}/zsh/site-functions $fpath)\n"
                f"autoload -U compinit && compinit -u -d {self.tmp}/zcompdump2\n"
                "print -r -- ${_comps[kcon]}\n")
        p = subprocess.run(["zsh", "-f", "-c", prog], capture_output=True, text=True, env=env, timeout=30)
        self.assertEqual(p.stdout.strip(), "_kcon", p.stderr)
        # fish: vendor_completions.d is in its search path
        prog = (f"set fish_complete_path {share}/fish/vendor_completions.d $fish_complete_path\n"
                "complete -C 'kcon completion '\n")
        p = subprocess.run(["fish", "--no-config", "-c", prog], capture_output=True, text=True, env=env, timeout=30)
        self.assertEqual(sorted(l.split("\t")[0] for l in p.stdout.splitlines()), ["bash", "fish", "zsh"], p.stderr)
        # man finds the page under the prefix
        p = subprocess.run(["man", "-M", os.path.join(share, "man"), "-P", "cat", "kcon"], capture_output=True,
                           text=True, env=dict(env, MANWIDTH="100"), timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("EXIT STATUS", p.stdout)


class OptionTableTest(ShellTestCase):
    def test_getopt_takes_every_option_the_table_lists(self):
        """`kcon --help`, the man page and completion list kcon's options from backend/globalopt.c;
        ui/main.c parses them with getopt: each one listed must be one getopt knows."""
        p = self.k.run("--help", bootstrap=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        names = set()
        for line in p.stdout.splitlines():
            for word in line.replace(",", " ").split()[:4]:
                if word.startswith("-") and len(word) > 1 and word not in ("-e", "-f"):
                    names.add(word)
        self.assertIn("--bootstrap", names)
        self.assertIn("-X", names)
        self.assertIn("--key", names)
        for name in sorted(names):
            with self.subTest(option=name):
                p = subprocess.run([KCON, name], capture_output=True, text=True, env=self.env,
                                   stdin=subprocess.DEVNULL, timeout=120)
                self.assertNotIn("unrecognized option", p.stderr)
                self.assertNotIn("invalid option", p.stderr)


class ManPageTest(ShellTestCase):
    def test_renders_without_warnings_and_is_current(self):
        p = self.k.run("help", "--man", bootstrap=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        page = p.stdout
        for section in ("NAME", "SYNOPSIS", "OPTIONS", "COMMANDS", "EXIT STATUS", "ENVIRONMENT", "FILES",
                        "EXAMPLES"):
            self.assertIn(f".SH {section}\n", page)
        g = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z"], input=page, capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(g.returncode, 0, g.stderr)
        self.assertEqual(g.stderr, "", "groff warns")
        text = subprocess.run(["groff", "-man", "-Tutf8", "-P", "-cbou"], input=page, capture_output=True,
                              text=True, timeout=60).stdout
        text = text.replace("\u2010", "-").replace("\u2212", "-")
        self.assertIn("topic describe TOPIC", text)
        self.assertIn("-b, --bootstrap HOST:PORT,...", text)
        with open(os.path.join(SOURCE_DIR, "docs", "kcon.1")) as f:
            self.assertEqual(f.read(), page, "docs/kcon.1 is stale: run `make docs`")


class DidYouMeanTest(ShellTestCase):
    def test_script(self):
        p = self.k.run("topcs")
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("unknown command `topcs`", p.stderr)
        self.assertIn("did you mean `topics`", p.stderr)
        p = self.k.run("topic", "descibe", "x")
        self.assertEqual(p.returncode, 2)
        self.assertIn("did you mean `describe`?", p.stderr)
        p = self.k.run("topic", "create", "x", "--partitons", "3")
        self.assertEqual(p.returncode, 2)
        self.assertIn("did you mean `--partitions`?", p.stderr)
        p, docs = self.k.json("-e", "topcs")
        self.assertEqual(p.returncode, 2)
        self.assertIn("did you mean `topics`", docs[0]["error"]["hint"])
        p = self.k.run("help", "topcs")
        self.assertEqual(p.returncode, 2)
        self.assertIn("did you mean `topics`", p.stderr)

    def test_repl(self):
        p = self.k.run("--repl", input="topcs\n")
        self.assertIn("did you mean `topics`", p.stdout + p.stderr)


if __name__ == "__main__":
    unittest.main()
