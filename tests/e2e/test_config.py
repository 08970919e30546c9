"""config profiles|use|add|remove|show and profile NAME against the real broker, each in a private
XDG_CONFIG_HOME and HOME: two profiles, the PLAINTEXT listener and the SASL_SSL one."""

import json
import os
import shutil
import stat
import subprocess
import tempfile

from kcontest import KCON, BrokerTestCase, Kcon, unique


def read(path):
    with open(path) as f:
        return f.read()


class ConfigTest(BrokerTestCase):
    def setUp(self):
        self.home = tempfile.mkdtemp(prefix="kcon-config-")
        self.addCleanup(shutil.rmtree, self.home)
        self.xdg = os.path.join(self.home, "xdg")
        self.path = os.path.join(self.xdg, "kcon", "config.json")
        self.envs = {"XDG_CONFIG_HOME": self.xdg, "HOME": self.home, "KCON_STATE_DIR": os.path.join(self.home, "state")}
        self.password = read(self.env["KCON_TEST_ADMIN_PASSWORD_FILE"]).strip()
        self.k = Kcon(self.bootstrap)

    def kcon(self, *args, **kw):
        """kcon without -b: the profile gives the cluster."""
        return self.k.run(*args, bootstrap=False, env=kw.pop("env", self.envs), **kw)

    def one(self, *args):
        p = self.kcon("-o", "json", *args)
        self.assertEqual(p.returncode, 0, p.stderr)
        return json.loads(p.stdout)

    def file(self):
        with open(self.path) as f:
            return json.load(f)

    def add_two(self):
        self.one("config", "add", "plain", "-b", self.bootstrap)
        self.add_secure()

    def test_add_list_use_show_remove(self):
        self.assertEqual(self.one("config", "profiles")["profiles"], [])  # no file yet
        r = self.one("config", "add", "plain", "-b", self.bootstrap)
        self.assertEqual(r["profile"], "plain")
        self.assertTrue(r["default"])  # the first profile is the default
        self.assertEqual(stat.S_IMODE(os.stat(self.path).st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(os.stat(os.path.dirname(self.path)).st_mode), 0o700)
        self.add_secure()
        doc = self.one("config", "profiles")
        rows = {p["name"]: p for p in doc["profiles"]}
        self.assertEqual(doc["default_profile"], "plain")
        self.assertTrue(rows["plain"]["default"])
        self.assertFalse(rows["secure"]["default"])
        self.assertEqual(rows["secure"]["secret"], "set")
        self.assertIsNone(rows["plain"]["secret"])
        self.assertEqual(rows["secure"]["user"], "admin")
        table = self.kcon("config", "profiles")
        self.assertEqual(table.returncode, 0, table.stderr)
        self.assertIn("secure", table.stdout)
        self.assertIn("set", table.stdout)
        for out in (json.dumps(doc), table.stdout, read(self.path)):
            self.assertNotIn(self.password, out)

        # the default profile answers without -b; -p picks the other
        self.assertEqual(self.one("cluster")["bootstrap"], self.bootstrap)
        self.assertEqual(self.one("cluster")["profile"], "plain")
        self.assertEqual(self.one("-p", "secure", "cluster")["bootstrap"], self.env["KCON_TEST_SASL_BOOTSTRAP"])

        p = self.kcon("config", "use", "secure", env=dict(self.envs, KCON_PROFILE="plain"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("KCON_PROFILE is set (to plain): while it is, it wins over the default", p.stderr)
        self.one("config", "use", "plain")
        r = self.one("config", "use", "secure")
        self.assertEqual((r["default_profile"], r["previous"]), ("secure", "plain"))
        self.assertEqual(self.file()["default_profile"], "secure")
        c = self.one("cluster")  # through SASL_SSL, logged in as admin
        self.assertEqual((c["profile"], c["bootstrap"]), ("secure", self.env["KCON_TEST_SASL_BOOTSTRAP"]))

        s = self.one("config", "show")  # the one in use
        self.assertEqual(s["name"], "secure")
        self.assertTrue(s["default"] and s["active"])
        self.assertEqual(s["profile"]["password_file"], self.env["KCON_TEST_ADMIN_PASSWORD_FILE"])
        self.assertEqual(s["profile"]["ca"], self.env["KCON_TEST_CA"])
        shown = self.kcon("config", "show", "secure")
        self.assertEqual(shown.returncode, 0, shown.stderr)
        self.assertIn("sasl_mechanism", shown.stdout)
        self.assertNotIn(self.password, shown.stdout + json.dumps(s))

        r = self.one("config", "remove", "secure")
        self.assertTrue(r["removed"] and r["was_default"])
        f = self.file()
        self.assertNotIn("secure", f["profiles"])
        self.assertNotIn("default_profile", f)
        self.assertEqual(stat.S_IMODE(os.stat(self.path).st_mode), 0o600)

    def add_secure(self):
        self.one("config", "add", "secure", "-b", self.env["KCON_TEST_SASL_BOOTSTRAP"], "--ca", self.env["KCON_TEST_CA"],
                 "--user", "admin", "--sasl-mechanism", "PLAIN", "--password-file",
                 self.env["KCON_TEST_ADMIN_PASSWORD_FILE"])

    def test_secret_in_properties_redacted(self):
        # a hand-edited file may hold a secret (kcon refuses it at connect): list and show never print it
        os.makedirs(os.path.dirname(self.path))
        with open(self.path, "w") as f:
            json.dump({"profiles": {"hand": {"bootstrap": self.bootstrap,
                                             "properties": {"sasl.password": "hunter2-value", "client.rack": "r1"},
                                             "token": "tok-value"}}}, f)
        for args in (("config", "profiles"), ("config", "show", "hand")):
            for fmt in ("table", "json", "csv"):
                p = self.kcon("-o", fmt, *args)
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertNotIn("hunter2", p.stdout)
                self.assertNotIn("tok-value", p.stdout)
        s = self.one("config", "show", "hand")
        self.assertEqual(s["profile"]["properties"], {"sasl.password": "set", "client.rack": "r1"})
        self.assertEqual(s["profile"]["token"], "set")
        self.assertEqual(self.one("config", "profiles")["profiles"][0]["secret"], "set")

    def test_add_refuses_overwrite_without_force_and_keeps_unknown_keys(self):
        self.one("config", "add", "a", "-b", "h1:9092", "-X", "client.rack=zone-a")
        f = self.file()
        f["comment_by_hand"] = "keep me"
        f["profiles"]["a"]["team"] = "ops"
        with open(self.path, "w") as fh:
            json.dump(f, fh)
        os.chmod(self.path, 0o644)
        before = read(self.path)
        p = self.kcon("config", "add", "a", "-b", "h2:9092")
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("profile `a` exists", p.stderr)
        self.assertIn("--force", p.stderr)  # the hint says how
        self.assertEqual(read(self.path), before)
        r = self.one("config", "add", "a", "-b", "h2:9092", "--force", "--read-only")
        self.assertTrue(r["replaced"])
        f = self.file()
        self.assertEqual(f["comment_by_hand"], "keep me")
        self.assertEqual(f["profiles"]["a"], {"bootstrap": "h2:9092", "read_only": True, "team": "ops"})
        self.assertEqual(stat.S_IMODE(os.stat(self.path).st_mode), 0o600)
        self.assertEqual(sorted(os.listdir(os.path.dirname(self.path))), ["config.json"])  # no temp file

    def test_broken_file_is_never_written(self):
        os.makedirs(os.path.dirname(self.path))
        broken = '{"profiles": {"a": {"bootstrap": "x:1"}},\n  "oops" }\n'
        with open(self.path, "w") as f:
            f.write(broken)
        for args in (("config", "add", "b", "-b", "h:1"), ("config", "use", "a"), ("config", "remove", "a")):
            p = self.kcon(*args)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn("config.json:2:", p.stderr)
            self.assertIn("the file was not changed", p.stderr)
            self.assertEqual(read(self.path), broken)
        self.assertEqual(sorted(os.listdir(os.path.dirname(self.path))), ["config.json"])

    def test_bad_input_refused(self):
        p = self.kcon("config", "add", "-x", "-b", "h:1")  # an option to the parser: refused too
        self.assertEqual(p.returncode, 2, p.stderr)
        for name in ("../x", "a/b", "a b", "\x1b[31mred", "x" * 65, ".x", "-"):
            p = self.kcon("config", "add", name, "-b", "h:1")
            self.assertEqual(p.returncode, 2, (name, p.stderr))
            self.assertIn("a profile name", p.stderr)
            self.assertNotIn("\x1b", p.stderr)
        self.assertFalse(os.path.exists(self.path))
        p = self.kcon("config", "add", "a")
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("-b HOST:PORT", p.stderr)
        p = self.kcon("config", "add", "a", "-b", "h:1", "-X", "sasl.password=hunter2")
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("config.json holds no secret", p.stderr)
        self.assertIn("--password-file", p.stderr)
        self.assertNotIn("hunter2", p.stderr)
        p = self.kcon("config", "add", "a", "-b", "h:1", "--ca", os.path.join(self.home, "missing.pem"))
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("--ca", p.stderr)
        p = self.kcon("config", "add", "a", "-b", "h:1", "--retention", "raw=forever")
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertFalse(os.path.exists(self.path))
        # text that is not UTF-8 is refused, never dropped from the profile (a lost --ca turns TLS off)
        bad = "h\udcff:1"  # the byte 0xff, as Python passes it in argv
        for args in (("-b", bad), ("-b", "h:1", "-X", "client.rack=\udcff")):
            p = self.kcon("config", "add", "a", *args)
            self.assertEqual(p.returncode, 2, (args, p.stderr))
            self.assertIn("UTF-8", p.stderr)
        self.assertFalse(os.path.exists(self.path))
        # a result JSON cannot hold is an error, never nothing and 0
        p = self.k.run("-o", "json", "-b", bad, "profile", bootstrap=False, env=self.envs)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("not valid UTF-8", p.stderr)
        for args in (("config", "use", "nope"), ("config", "remove", "nope"), ("config", "show", "nope")):
            p = self.kcon(*args)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn("no profile `nope`", p.stderr)

    def test_unknown_profile_name_escaped(self):
        """-p NAME that names no profile: the name is shown escaped, never raw on the terminal."""
        self.one("config", "add", "plain", "-b", self.bootstrap)
        p = self.kcon("-p", "\x1b[2Jx", "topics")
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("no profile `\\x1b[2Jx`", p.stderr)
        self.assertNotIn("\x1b", p.stderr)

    def test_relative_paths_kept_absolute(self):
        d = os.path.join(self.home, "certs")
        os.makedirs(d)
        shutil.copy(self.env["KCON_TEST_CA"], os.path.join(d, "ca.pem"))
        e = dict(os.environ, **self.envs)
        e.pop("KCON_PROFILE", None)
        p = subprocess.run([KCON, "config", "add", "rel", "-b", "h:1", "--ca", "certs/ca.pem"], cwd=self.home, env=e,
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.file()["profiles"]["rel"]["ca"], os.path.join(d, "ca.pem"))

    def test_read_only_guards_the_cluster_not_the_file(self):
        # config writes only the local file: a --read-only session and a read-only profile run it
        self.one("--read-only", "config", "add", "ro", "-b", self.bootstrap, "--read-only")
        self.one("--read-only", "config", "add", "rw", "-b", self.bootstrap)
        topic = unique("cfg")
        p = self.kcon("-p", "ro", "topic", "create", topic)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("read-only", p.stderr)
        self.one("-p", "ro", "config", "use", "rw")  # the way out of a read-only default
        self.assertEqual(self.file()["default_profile"], "rw")
        self.one("-p", "ro", "config", "remove", "ro")

    def test_broken_default_profile_does_not_block_config(self):
        self.one("config", "add", "gone", "-b", "h:1", "--password-file", self.env["KCON_TEST_ADMIN_PASSWORD_FILE"])
        self.one("config", "add", "plain", "-b", self.bootstrap)
        f = self.file()
        f["profiles"]["gone"]["password_file"] = os.path.join(self.home, "no-such-file")
        with open(self.path, "w") as fh:
            json.dump(f, fh)
        p = self.kcon("cluster")
        self.assertEqual(p.returncode, 2, p.stderr)  # the default is broken
        self.one("config", "use", "plain")
        self.assertEqual(self.one("cluster")["profile"], "plain")

    def test_profile_switch_in_a_script(self):
        self.add_two()
        topic = unique("cfg")
        p = self.kcon("-o", "json", "-e",
                      f"profile; topic create {topic}; profile secure; cluster; topic describe {topic}; profile plain; cluster")
        self.assertEqual(p.returncode, 0, p.stderr)
        docs = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
        self.assertEqual(docs[0]["profile"], "plain")
        self.assertEqual((docs[2]["profile"], docs[2]["previous"]), ("secure", "plain"))
        self.assertEqual(docs[3]["bootstrap"], self.env["KCON_TEST_SASL_BOOTSTRAP"])
        self.assertEqual(docs[3]["profile"], "secure")
        self.assertEqual(docs[4]["topic"], topic)  # the same cluster, through the SASL_SSL listener
        self.assertEqual(docs[6]["bootstrap"], self.bootstrap)
        self.assertNotIn(self.password, p.stdout + p.stderr)
        p = self.kcon("-e", "profile nope")
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("no profile `nope`", p.stderr)
        self.assertIn("config profiles", p.stderr)

    def test_profile_switch_keeps_read_only(self):
        self.add_two()
        self.one("config", "add", "ro", "-b", self.bootstrap, "--read-only")
        topic = unique("cfg")
        # --read-only stays across a switch; a profile's read_only comes and goes with it
        p = self.kcon("--read-only", "-o", "json", "-e", f"profile plain; topic create {topic}")
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("read-only", p.stderr)
        p = self.kcon("-p", "ro", "-o", "json", "-e", f"profile plain; topic create {topic}")
        self.assertEqual(p.returncode, 0, p.stderr)
        p = self.kcon("-p", "plain", "-o", "json", "-e", f"profile ro; topic delete {topic} --yes")
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("read-only", p.stderr)

    def test_profile_not_on_demo(self):
        p = self.kcon("--demo", "-e", "profile x")
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("demo", p.stderr)

    def test_help_lists_config(self):
        p = self.kcon("help")
        self.assertEqual(p.returncode, 0, p.stderr)
        for c in ("config profiles", "config use", "config add", "config remove", "config show", "profile"):
            self.assertIn(c, p.stdout)
