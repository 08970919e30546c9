"""Helpers for kcon's end-to-end and screen tests: run the kcon binary against the test broker
started by tests/kafka/kafka-ctl, parse its JSON, make unique topics, wait on conditions."""

import fcntl
import json
import os
import pty
import shutil
import socket
import struct
import subprocess
import tempfile
import termios
import threading
import time
import unittest
import uuid

KCON = os.environ.get("KCON_BIN", "kcon")
SOURCE_DIR = os.environ.get("KCON_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
# The plugins built beside the kcon under test, and the test fixtures: kcon searches a build tree
# only when KCON_PLUGIN_PATH points at it.
BUILD_PLUGINS = os.path.join(os.path.dirname(os.path.abspath(KCON)), "plugins")
TEST_PLUGINS = os.path.join(os.path.dirname(os.path.abspath(KCON)), "tests", "plugins")


# XDG_CONFIG_HOME of a kcon under test: no directory, so no user's config.json or kconrc.
NO_CONFIG = "/nonexistent-kcon-test"


def kcon_env(**extra):
    """The environment of a kcon the test starts itself (not through Kcon.run): this process's, with
    no user config, and extra (KCON_STATE_DIR=..., LANG=...) on top."""
    return dict(os.environ, XDG_CONFIG_HOME=NO_CONFIG, **extra)


def state_dir(case, prefix="kcon-state-"):
    """A private state directory (KCON_STATE_DIR: the history store) removed when the test ends, or
    when the class ends if case is a test class (from setUpClass); returns its path."""
    path = tempfile.mkdtemp(prefix=prefix)
    cleanup = case.addCleanup if isinstance(case, unittest.TestCase) else case.addClassCleanup
    cleanup(shutil.rmtree, path, True)
    return path


def config_dir(case, config):
    """An XDG_CONFIG_HOME whose kcon/config.json holds config (a dict: {"profiles": ...}), removed
    when the test ends; returns its path."""
    path = tempfile.mkdtemp(prefix="kcon-config-")
    case.addCleanup(shutil.rmtree, path, True)
    os.makedirs(os.path.join(path, "kcon"))
    with open(os.path.join(path, "kcon", "config.json"), "w") as f:
        json.dump(config, f)
    return path


def broker_env(dirvar="KCON_TEST_BROKER_DIR"):
    """The KEY=value lines kafka-ctl wrote for the running test cluster."""
    path = os.path.join(os.environ[dirvar], "env")
    env = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, v = line.split("=", 1)
                env[k] = v
    return env


def unique(prefix="t"):
    """A topic or group name no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def wait_until(cond, timeout=30.0, what="condition", interval=0.1):
    """Polls cond() until it returns a true value, which is returned; fails after timeout."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = cond()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


class Kcon:
    """Runs kcon against one cluster."""

    def __init__(self, bootstrap, extra=()):
        self.bootstrap = bootstrap
        self.extra = list(extra)

    def run(self, *args, input=None, timeout=120, env=None, bootstrap=True, check=False):
        cmd = [KCON]
        if bootstrap:
            cmd += ["-b", self.bootstrap]
        cmd += self.extra + [str(a) for a in args]
        e = dict(os.environ)
        e.pop("KCON_BOOTSTRAP", None)
        e.pop("KCON_PROFILE", None)
        e.setdefault("XDG_CONFIG_HOME", NO_CONFIG)
        if env:
            e.update(env)
        p = subprocess.run(cmd, input=input, capture_output=True, timeout=timeout, env=e,
                           text=isinstance(input, str) or input is None)
        if check and p.returncode != 0:
            raise AssertionError(f"{cmd} exited {p.returncode}: {p.stderr}")
        return p

    def json(self, *args, **kw):
        """Runs with -o json; returns the list of documents (one per command)."""
        p = self.run("-o", "json", *args, **kw)
        docs = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
        return p, docs

    def one(self, *args, **kw):
        """Runs one command with -o json, expects success, returns its document."""
        p, docs = self.json(*args, **kw)
        if p.returncode != 0 or len(docs) != 1:
            raise AssertionError(f"kcon {args} exited {p.returncode}, docs={docs}, stderr={p.stderr}")
        return docs[0]


def kcat_produce(bootstrap, topic, lines, partition=None, key_delim=None, extra=()):
    """Produces one message per line with kcat (a real, independent producer)."""
    cmd = ["kcat", "-P", "-b", bootstrap, "-t", topic]
    if partition is not None:
        cmd += ["-p", str(partition)]
    if key_delim:
        cmd += ["-K", key_delim]
    cmd += list(extra)
    data = "".join(l + "\n" for l in lines).encode()
    subprocess.run(cmd, input=data, check=True, timeout=60)


def run_on_tty(argv, env, cols=160, rows=50, timeout=60):
    """Runs argv with its stdout on a cols x rows pseudo-terminal (stdin from /dev/null); returns
    (exit status, what it wrote to the terminal, its stderr)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen(argv, stdout=slave, stderr=err, stdin=subprocess.DEVNULL, env=env)
        os.close(slave)
        out = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        rc = p.wait(timeout=timeout)
        os.close(master)
        err.seek(0)
        return rc, out.decode("utf-8", "replace"), err.read().decode("utf-8", "replace")


class BrokerTestCase(unittest.TestCase):
    """A test case on the single-node test broker."""

    dirvar = "KCON_TEST_BROKER_DIR"

    @classmethod
    def setUpClass(cls):
        cls.env = broker_env(cls.dirvar)
        cls.bootstrap = cls.env["KCON_TEST_BOOTSTRAP"]
        cls.k = Kcon(cls.bootstrap)

    def create_topic(self, partitions=1, rf=1, prefix="t", *config):
        name = unique(prefix)
        args = ["topic", "create", name, "--partitions", partitions, "--replication-factor", rf]
        for c in config:
            args += ["--config", c]
        self.k.one(*args)
        return name

    def scratch_topic(self, name=None, partitions=1):
        """Creates topic name (else a unique one; "0..." sorts first, on a busy broker's first screen)
        with RF 1, deleted at the test's end; returns its name."""
        name = name or unique("0t")
        self.k.one("topic", "create", name, "--partitions", partitions, "--replication-factor", 1)
        self.addCleanup(self.k.run, "topic", "delete", name, "--yes")
        return name


class StoreTestCase(BrokerTestCase):
    """A test case on the single-node broker with a state directory of its own per test: self.state,
    and self.envs ({"KCON_STATE_DIR": ...}) to pass as env."""

    state_prefix = "kcon-state-"

    def setUp(self):
        super().setUp()
        self.state = state_dir(self, self.state_prefix)
        self.envs = {"KCON_STATE_DIR": self.state}


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)


def make_client_cert(env, directory, cn, days=30, name="client"):
    """A client certificate for CN=cn signed by the test broker's CA (days < 0: expired since
    yesterday); returns the paths (cert, key) of DIRECTORY/NAME.pem and NAME.key."""
    cert, key, csr = (os.path.join(directory, name + ext) for ext in (".pem", ".key", ".csr"))
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", f"/CN={cn}",
            "-keyout", key, "-out", csr)
    openssl("x509", "-req", "-in", csr, "-CA", env["KCON_TEST_CA"], "-CAkey", env["KCON_TEST_CA_KEY"],
            "-set_serial", str(uuid.uuid4().int >> 66), "-days", str(days), "-out", cert)
    os.unlink(csr)
    return cert, key


class Proxy:
    """A TCP forwarder on a port of its own to the broker's bootstrap, so that a bootstrap can be made
    unreachable (the port closed) while the broker runs on. Only the bootstrap goes through it: the
    client then talks to the broker's advertised address. A black hole (black_hole=True, or
    black_hole() later) accepts connections and never answers: a broker that hangs."""

    def __init__(self, target, black_hole=False, port=0):
        """port: the port of a closed Proxy, to make its address reachable again."""
        host, tport = target.rsplit(":", 1)
        self.target = (host, int(tport))
        self.silent = black_hole
        self.lsock = socket.socket()
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind(("127.0.0.1", port))
        self.lsock.listen(16)
        self.port = self.lsock.getsockname()[1]
        self.conns = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def address(self):
        return f"127.0.0.1:{self.port}"

    def _accept(self):
        while True:
            try:
                c, _ = self.lsock.accept()
            except OSError:
                return
            if self.silent:  # held open, unread and unanswered, until close()
                with self.lock:
                    self.conns.append(c)
                continue
            try:
                u = socket.create_connection(self.target, timeout=5)
            except OSError:
                c.close()
                continue
            with self.lock:
                self.conns += [c, u]
            for a, b in ((c, u), (u, c)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def black_hole(self):
        """From now on nothing passes: new connections are accepted and never answered, and what
        comes on the open ones is dropped."""
        self.silent = True

    def _pipe(self, a, b):
        try:
            while True:
                data = a.recv(65536)
                if not data:
                    break
                if not self.silent:
                    b.sendall(data)
        except OSError:
            pass
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self):
        """Closes the port and every connection through it: the bootstrap is now refused."""
        try:
            self.lsock.shutdown(socket.SHUT_RDWR)  # wakes the accept() and stops listening (Linux)
        except OSError:
            pass
        self.lsock.close()
        with self.lock:
            for s in self.conns:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
