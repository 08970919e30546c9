"""Secrets and hostile files: KCON_PASSWORD, -X secrets (warned and wiped from the process list), no core
dumps, password files given to -F, files others may read, devices and huge files where a file is
expected. On the real test broker's SASL_SSL listener where a login is involved."""

import os
import resource
import selectors
import shutil
import subprocess
import tempfile
import unittest

from kcontest import KCON, BrokerTestCase, Kcon, config_dir, kcon_env, unique

# The binary without sanitizers when the build has one (ASan handles core dumps itself).
PLAIN = os.environ.get("KCON_PLAIN_BIN") if os.path.exists(os.environ.get("KCON_PLAIN_BIN", "")) else KCON
NOBODY = 65534


def clean_env(**extra):
    """kcon_env() without the KCON_ settings of the test run (but KCON_SOURCE_DIR), and extra on top."""
    e = {k: v for k, v in kcon_env().items() if not k.startswith("KCON_") or k == "KCON_SOURCE_DIR"}
    return dict(e, **extra)


class Session:
    """kcon reading commands from a pipe: alive between commands, so /proc shows its state."""

    def __init__(self, argv, env, as_user=None):
        def drop():
            os.setgid(as_user)
            os.setuid(as_user)

        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  env=env, preexec_fn=drop if as_user is not None else None)
        self.buf = b""

    def ask(self, line, timeout=60):
        """Sends one command line; returns the first line of its answer (-o json: the document)."""
        self.p.stdin.write(line.encode() + b"\n")
        self.p.stdin.flush()
        sel = selectors.DefaultSelector()
        sel.register(self.p.stdout, selectors.EVENT_READ)
        while b"\n" not in self.buf:
            if not sel.select(timeout):
                raise AssertionError(f"no answer to {line!r} in {timeout}s")
            chunk = os.read(self.p.stdout.fileno(), 65536)
            if not chunk:
                raise AssertionError(f"kcon ended before answering {line!r}: {self.p.stderr.read()!r}")
            self.buf += chunk
        out, self.buf = self.buf.split(b"\n", 1)
        return out.decode()

    def proc(self, name):
        with open(f"/proc/{self.p.pid}/{name}", "rb") as f:
            return f.read()

    def close(self):
        self.p.stdin.close()
        rc = self.p.wait(timeout=60)
        err = self.p.stderr.read().decode()
        self.p.stdout.close()
        self.p.stderr.close()
        return rc, err


class CoreDumpTest(unittest.TestCase):
    """kcon holds the SASL password: no core file and not dumpable, unless KCON_CORE_DUMPS=1."""

    def session(self, **env):
        # As another user than root when we are root: /proc/PID then shows who owns the process's
        # files, which is root for a process that is not dumpable.
        user = NOBODY if os.geteuid() == 0 else None
        s = Session([PLAIN, "--demo", "--no-history", "-o", "json"], clean_env(HOME="/nonexistent", **env), user)
        self.addCleanup(lambda: s.p.poll() is None and s.p.kill())
        self.assertIn('"topics"', s.ask("topics"))
        return s

    def core_limit(self, s):
        for line in s.proc("limits").decode().splitlines():
            if line.startswith("Max core file size"):
                return line.split()[4:6]
        raise AssertionError("no core limit in /proc/PID/limits")

    def test_core_dumps_off(self):
        s = self.session()
        self.assertEqual(self.core_limit(s), ["0", "0"])
        uid = os.geteuid() if os.geteuid() != 0 else NOBODY
        self.assertEqual(os.stat(f"/proc/{s.p.pid}/status").st_uid, 0, "a dumpable process: its /proc files are its user's")
        self.assertNotEqual(uid, 0)
        rc, err = s.close()
        self.assertEqual(rc, 0, err)

    def test_core_dumps_when_asked(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
        s = self.session(KCON_CORE_DUMPS="1")
        show = lambda v: "unlimited" if v == resource.RLIM_INFINITY else str(v)
        self.assertEqual(self.core_limit(s), [show(soft), show(hard)])
        if os.geteuid() == 0:
            self.assertEqual(os.stat(f"/proc/{s.p.pid}/status").st_uid, NOBODY)
        rc, err = s.close()
        self.assertEqual(rc, 0, err)


class SecretsTest(BrokerTestCase):
    def setUp(self):
        with open(self.env["KCON_TEST_ADMIN_PASSWORD_FILE"]) as f:
            self.password = f.read().strip()
        self.sasl = [KCON, "-b", self.env["KCON_TEST_SASL_BOOTSTRAP"], "--ca", self.env["KCON_TEST_CA"], "--user",
                     "admin", "--sasl-mechanism", "PLAIN", "--no-history", "-o", "json"]

    def private_copy(self, mode=0o600):
        d = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, d)
        path = os.path.join(d, "admin.password")
        shutil.copy(self.env["KCON_TEST_ADMIN_PASSWORD_FILE"], path)
        os.chmod(path, mode)
        return path

    def test_kcon_password_env(self):
        s = Session(self.sasl, clean_env(KCON_PASSWORD=self.password))
        self.addCleanup(lambda: s.p.poll() is None and s.p.kill())
        self.assertIn(self.env["KCON_TEST_SASL_BOOTSTRAP"], s.ask("cluster"))  # logged in
        try:
            environ = s.proc("environ")
        except PermissionError:  # not dumpable: the user's other processes cannot read it
            environ = b""
        self.assertNotIn(self.password.encode(), environ)
        self.assertNotIn(self.password.encode(), s.proc("cmdline"))
        rc, err = s.close()
        self.assertEqual(rc, 0, err)
        self.assertNotIn(self.password, err)
        self.assertNotIn("process list", err)  # nothing to warn about

    def test_x_password_warns_and_leaves_the_process_list(self):
        s = Session(self.sasl + ["-X", f"sasl.password={self.password}"], clean_env())
        self.addCleanup(lambda: s.p.poll() is None and s.p.kill())
        self.assertIn(self.env["KCON_TEST_SASL_BOOTSTRAP"], s.ask("cluster"))
        self.assertNotIn(self.password.encode(), s.proc("cmdline"))
        self.assertIn(b"sasl.password=***", s.proc("cmdline"))
        rc, err = s.close()
        self.assertEqual(rc, 0, err)
        self.assertIn("kcon: -X sasl.password: a value on the command line can be read by every user", err)
        self.assertIn("--password-file FILE, KCON_PASSWORD or --strimzi-user DIR", err)
        self.assertNotIn(self.password, err)

    def test_password_file_given_to_F(self):
        path = self.private_copy()
        p = Kcon(self.env["KCON_TEST_SASL_BOOTSTRAP"]).run("-F", path, "cluster")
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn(f"kcon: {path}:1: expected key=value", p.stderr)
        self.assertNotIn(self.password, p.stderr + p.stdout)

    def test_readable_password_file_warns(self):
        for mode, warn in ((0o644, True), (0o640, False), (0o600, False)):
            path = self.private_copy(mode)
            p = Kcon(self.env["KCON_TEST_SASL_BOOTSTRAP"]).run(*self.sasl[3:], "--password-file", path, "cluster")
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(f"{path} holds a password and every user of this machine may read it" in p.stderr, warn,
                             p.stderr)
            self.assertEqual(f"chmod o-r {path}" in p.stderr, warn)

    def test_profile_with_a_password_is_refused(self):
        xdg = config_dir(self, {"profiles": {"sasl": {
            "bootstrap": self.env["KCON_TEST_SASL_BOOTSTRAP"], "ca": self.env["KCON_TEST_CA"], "user": "admin",
            "sasl_mechanism": "PLAIN", "properties": {"sasl.password": self.password}}}})
        p = Kcon("").run("-p", "sasl", "cluster", bootstrap=False, env={"XDG_CONFIG_HOME": xdg})
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("property sasl.password holds a secret, and config.json holds none", p.stderr)
        self.assertIn('"password_file"', p.stderr)
        self.assertNotIn(self.password, p.stderr)


class HostileFilesTest(unittest.TestCase):
    """Devices, directories and huge files where a file is expected: refused at once, with the cap."""

    def run_kcon(self, *args, input=None):
        return subprocess.run([KCON, "--no-history", *args], input=input, capture_output=True, text=True,
                              timeout=60, env=clean_env())

    def test_properties_and_scripts(self):
        with tempfile.TemporaryDirectory() as d:
            big = os.path.join(d, "big.properties")
            with open(big, "w") as f:
                f.truncate(2 << 20)
            many = os.path.join(d, "many.properties")
            with open(many, "w") as f:
                f.writelines(f"no.such.key.{i}=v\n" for i in range(50000))
            cases = [
                (["-F", "/dev/zero", "topics"], 2, "cannot read the properties file /dev/zero: it is a device"),
                (["-F", d, "topics"], 2, f"cannot read the properties file {d}: it is a directory"),
                (["-F", big, "topics"], 2, f"the properties file {big} is too big (2097152 bytes): kcon reads at "
                                           "most 1 MiB of it"),
                (["--demo", "-F", many, "topics"], 2, "unknown librdkafka property `no.such.key.0`"),
                (["--demo", "-f", "/dev/zero"], 2, "kcon: /dev/zero:1: the line is longer than 1 MiB"),
            ]
            for args, rc, want in cases:
                p = self.run_kcon(*args)
                self.assertEqual(p.returncode, rc, (args, p.stderr))
                self.assertIn(want, p.stderr, args)

    def test_message_and_plan_files(self):
        """produce --file, produce's stdin records and group reset --from-file: read with a cap (the
        producer's 16 MiB message.max.bytes; 64 MiB of plan), regular files and pipes only, refused
        before any connection with the file and the cap named."""
        with tempfile.TemporaryDirectory() as d:
            big, plan = os.path.join(d, "big.bin"), os.path.join(d, "big.csv")
            with open(big, "w") as f:
                f.truncate((16 << 20) + 1)
            with open(plan, "w") as f:
                f.truncate((64 << 20) + 1)
            produce, reset = ["--demo", "produce", "orders"], ["--demo", "group", "reset", "fraud-detector"]
            cases = [
                (produce + ["--file", "/dev/zero"], "cannot read the message file /dev/zero: it is a device"),
                (produce + ["--file", d], f"cannot read the message file {d}: it is a directory"),
                (produce + ["--file", big], f"the message file {big} is too big (16777217 bytes): kcon reads at "
                                            "most 16 MiB of it"),
                (reset + ["--from-file", "/dev/zero"], "cannot read the plan file /dev/zero: it is a device"),
                (reset + ["--from-file", plan], f"the plan file {plan} is too big (67108865 bytes): kcon reads at "
                                                "most 64 MiB of it"),
            ]
            for args, want in cases:
                p = self.run_kcon(*args)
                self.assertEqual(p.returncode, 2, (args, p.stderr))
                self.assertIn(want, p.stderr, args)
            # stdin: a record that never ends is cut at the cap, not read forever
            with open("/dev/zero") as zero:
                p = subprocess.run([KCON, "--no-history", *produce], stdin=zero, capture_output=True, text=True,
                                   timeout=60, env=clean_env())
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn("stdin record 1 is longer than 16 MiB", p.stderr)
            # pipes still carry a message and a plan
            p = self.run_kcon(*produce, "--file", "/dev/stdin", "-o", "json", input="piped value")
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn('"produced":1', p.stderr)
            p = self.run_kcon(*reset, "--from-file", "/dev/stdin", "-o", "json", input="credit.scores,0,5\n")
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn('"new":5', p.stdout)

    def test_repl_without_a_terminal(self):
        """--repl reads stdin a line at a time like a script: one line is at most 1 MiB (it was read
        whole, so --repl < /dev/zero grew without end)."""
        p = self.run_kcon("--demo", "--repl", input="x" * (2 << 20))
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("kcon: stdin:1: the line is longer than 1 MiB", p.stderr)
        with open("/dev/zero") as zero:
            p = subprocess.run([KCON, "--no-history", "--demo", "--repl"], stdin=zero, capture_output=True,
                               text=True, timeout=60, env=clean_env())
        self.assertEqual(p.returncode, 2, p.stderr)
        p = self.run_kcon("--demo", "--repl", "-o", "json", input="topics\n")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn('"topics"', p.stdout)

    def test_scripts_and_properties_from_pipes(self):
        # stdin, -f -, -f /dev/stdin and -F /dev/stdin (a pipe) keep working
        for args, stdin in ((["--demo", "-o", "json"], "topics\n"), (["--demo", "-o", "json", "-f", "-"], "topics\n"),
                            (["--demo", "-o", "json", "-f", "/dev/stdin"], "topics\n"),
                            (["--demo", "-o", "json", "-F", "/dev/stdin", "topics"], "client.id=piped\n")):
            p = self.run_kcon(*args, input=stdin)
            self.assertEqual(p.returncode, 0, (args, p.stderr))
            self.assertIn('"topics"', p.stdout, args)


if __name__ == "__main__":
    unittest.main()
