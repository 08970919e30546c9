"""The static binary (make static) in a root file system that holds nothing else: the binary, the
glibc shared objects `ldd` lists for it (what a UBI image has anyway) and the test's secrets. It runs
there through chroot with an empty environment (env -i), as UID 4242 with no HOME, no TERM, no
locale, no /etc, no /tmp, no CA store and no terminfo, as in a debug pod, against the real test
broker (loopback: the chroot shares the network namespace; no /etc/hosts, so 127.0.0.1 addresses).

Needs root (chroot); `make test` builds build-static/kcon before the tests (KCON_STATIC_BIN)."""

import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from kcontest import SOURCE_DIR, BrokerTestCase
from tmuxscreen import TmuxScreen

STATIC = os.environ.get("KCON_STATIC_BIN") or os.path.join(SOURCE_DIR, "build-static", "kcon")
UID = 4242
CHROOT = shutil.which("chroot") or "/usr/sbin/chroot"
HISTORY_OFF = "kcon: history is off: no writable state dir"


# A plugin built by the test: dlopen()ed by the static binary inside the root.
UPPER_PLUGIN = r"""
#include <ctype.h>
#include <stdio.h>
#include "kcon-plugin.h"

const unsigned kcon_plugin_abi_major = KCON_PLUGIN_ABI_MAJOR;

static int upper_decode(void *state, const void *buf, size_t len, struct kcon_plugin_out *out)
{
    (void)state;
    for (size_t i = 0; i < len; i++) {
        char c = (char)toupper(((const unsigned char *)buf)[i]);
        out->write(out, &c, 1);
    }
    return KCON_DECODE_TEXT;
}

static const struct kcon_decoder upper = { .name = "upper", .help = "upper case", .decode = upper_decode };

int kcon_plugin_init(const struct kcon_host *host, char *err, size_t errlen)
{
    if (host->register_decoder(host, &upper) != 0) {
        snprintf(err, errlen, "cannot register upper");
        return -1;
    }
    return 0;
}
"""


def ldd_paths(binary):
    """The shared objects ldd lists for binary, as absolute paths (the vDSO has none)."""
    out = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
    return sorted(set(re.findall(r"(/\S+)", out)))


@unittest.skipUnless(os.geteuid() == 0, "needs root for chroot (CI runs as root)")
@unittest.skipUnless(os.path.isfile(STATIC), f"no static binary at {STATIC}: build it with `make static`")
class PodTest(BrokerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.TemporaryDirectory(prefix="kcon-pod-")
        cls.root = cls.tmp.name
        os.chmod(cls.root, 0o755)
        shutil.copy(STATIC, os.path.join(cls.root, "kcon"))
        os.chmod(os.path.join(cls.root, "kcon"), 0o755)
        cls.libs = ldd_paths(STATIC)
        for lib in cls.libs:
            dest = cls.root + lib
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copy(lib, dest)  # follows the symlink: the object itself, under the name ldd gave
        # The secrets a pod gets mounted: the user's own, mode 0600.
        secrets = os.path.join(cls.root, "secrets")
        os.mkdir(secrets, 0o700)
        os.chown(secrets, UID, UID)
        env = cls.env
        for name, src in (("ca.crt", env["KCON_TEST_CA"]), ("admin.password", env["KCON_TEST_ADMIN_PASSWORD_FILE"]),
                          ("user.crt", env["KCON_TEST_MTLS_CERT"]), ("user.key", env["KCON_TEST_MTLS_KEY"])):
            dest = os.path.join(secrets, name)
            shutil.copy(src, dest)
            os.chown(dest, UID, UID)
            os.chmod(dest, 0o600)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()
        super().tearDownClass()

    def argv(self, *args, term=None, env=()):
        """kcon in the root: env -i (TERM and env's KEY=value only when given), chroot as UID 4242."""
        return ["env", "-i"] + ([f"TERM={term}"] if term else []) + list(env) + \
            [CHROOT, f"--userspec={UID}:{UID}", self.root, "/kcon"] + [str(a) for a in args]

    def pod(self, *args, want=0, env=()):
        p = subprocess.run(self.argv(*args, env=env), capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, want, f"stdout: {p.stdout}\nstderr: {p.stderr}")
        return p

    def test_the_root_holds_only_kcon_and_glibc(self):
        files = sorted(os.path.relpath(os.path.join(d, f), self.root)
                       for d, _, fs in os.walk(self.root) for f in fs if not d.endswith("/secrets"))
        self.assertEqual(files, sorted(["kcon"] + [lib.lstrip("/") for lib in self.libs]))
        for lib in self.libs:  # glibc's, nothing else: the rest is inside the binary
            self.assertRegex(os.path.basename(lib), r"^(libc|libm|libpthread|libdl|librt|ld-linux[-\w]*)\.so")

    def test_topics_with_history_off_said_once(self):
        topic = self.scratch_topic()
        p = self.pod("-b", self.bootstrap, "-e", "topics; topics; cluster")
        self.assertEqual(p.stdout.count(topic), 2, p.stdout)
        # no HOME, no /tmp: history is off, with one notice for the whole session
        self.assertEqual(p.stderr.count(HISTORY_OFF), 1, p.stderr)

    def test_no_metrics_server_said_so(self):
        """The static binary has no libmicrohttpd (docs/pods.md): watch --metrics says so, exit 1."""
        p = self.pod("-b", self.bootstrap, "--state-dir", "/secrets", "watch", "--metrics", "0", "--count", "1",
                     want=1)
        self.assertIn("built without the metrics server", p.stderr)

    def test_scram_over_tls(self):
        topic = self.scratch_topic()
        p = self.pod("-b", self.env["KCON_TEST_SASL_BOOTSTRAP"], "--ca", "/secrets/ca.crt", "--user", "admin",
                     "--password-file", "/secrets/admin.password", "--sasl-mechanism", "SCRAM-SHA-512", "topics")
        self.assertIn(topic, p.stdout)

    def test_mutual_tls(self):
        topic = self.scratch_topic()
        p = self.pod("-b", self.env["KCON_TEST_MTLS_BOOTSTRAP"], "--ca", "/secrets/ca.crt", "--cert",
                     "/secrets/user.crt", "--key", "/secrets/user.key", "topics")
        self.assertIn(topic, p.stdout)

    def test_tls_without_a_ca_probes_the_system_store(self):
        login = ["-b", self.env["KCON_TEST_SASL_BOOTSTRAP"], "--user", "admin", "--password-file",
                 "/secrets/admin.password", "--timeout", "5", "topics"]
        # no CA store in the root: the hint says how to give the CA
        p = self.pod(*login, want=3)
        self.assertIn("(TLS failed)", p.stderr)
        self.assertIn("--ca FILE or --strimzi-ca DIR", p.stderr)
        # UBI's CA bundle, where no Debian OpenSSL would look: found by probing
        bundle = os.path.join(self.root, "etc/pki/tls/certs/ca-bundle.crt")
        os.makedirs(os.path.dirname(bundle))
        self.addCleanup(shutil.rmtree, os.path.join(self.root, "etc"))
        shutil.copy(self.env["KCON_TEST_CA"], bundle)
        os.chmod(bundle, 0o644)
        self.pod(*login)

    def test_doctor_verifies_with_the_pods_ca_store(self):
        # the doctor's own TLS check finds UBI's bundle as the login does (not Debian OpenSSL's places)
        bundle = os.path.join(self.root, "etc/pki/tls/certs/ca-bundle.crt")
        os.makedirs(os.path.dirname(bundle))
        self.addCleanup(shutil.rmtree, os.path.join(self.root, "etc"))
        shutil.copy(self.env["KCON_TEST_CA"], bundle)
        os.chmod(bundle, 0o644)
        p = self.pod("-b", self.env["KCON_TEST_SASL_BOOTSTRAP"], "--user", "admin", "--password-file",
                     "/secrets/admin.password", "doctor", "-o", "json")
        rows = {(r["target"], r["step"]): r for r in json.loads(p.stdout)["rows"]}
        tls = rows[("bootstrap " + self.env["KCON_TEST_SASL_BOOTSTRAP"], "tls")]
        self.assertEqual(tls["status"], "ok", tls)
        self.assertIn("verified by /etc/pki/tls/certs/ca-bundle.crt", tls["detail"])

    def test_plugins_load_and_hexdump_is_built_in(self):
        # static except glibc: dlopen works, so plugins load; the bundled hexdump is compiled in
        plugins = os.path.join(self.root, "plugins")
        os.mkdir(plugins, 0o755)
        self.addCleanup(shutil.rmtree, plugins)
        src = os.path.join(self.tmp.name + "-upper.c")
        self.addCleanup(os.unlink, src)
        with open(src, "w") as f:
            f.write(UPPER_PLUGIN)
        subprocess.run(["cc", "-shared", "-fPIC", "-O2", "-I", os.path.join(SOURCE_DIR, "plugins"), "-o",
                        os.path.join(plugins, "upper.so"), src], check=True, timeout=120)
        topic = self.scratch_topic()
        self.k.run("produce", topic, "hello", check=True)
        env = ["KCON_PLUGIN_PATH=/plugins"]
        p = self.pod("plugins", "-o", "json", env=env)
        decoders = {d["name"]: d["plugin"] for d in json.loads(p.stdout)["decoders"]}
        self.assertEqual(decoders, {"hexdump": "(built in)", "json": "(built in)", "json-schema": "(built in)",
                                    "protobuf": "(built in)", "upper": "/plugins/upper.so"})
        for decoder, want in (("hexdump", "68 65 6c 6c 6f"), ("upper", "HELLO"), ("json", "not JSON")):
            p = self.pod("-b", self.bootstrap, "tail", topic, "--count", "1", "--decode", decoder, env=env)
            self.assertIn(want, p.stdout)

    def test_no_schema_registry_client(self):
        # the static build leaves libcurl, so the registry client, out, and says so (docs/pods.md)
        p = self.pod("--registry", "http://127.0.0.1:1", "schemas", want=1)
        self.assertIn("built without a Schema Registry client", p.stderr)

    def test_the_tui_without_terminfo_or_locale(self):
        topic = self.scratch_topic()
        scr = TmuxScreen(self.argv("-b", self.bootstrap, term="xterm-256color"))
        self.addCleanup(scr.close)
        text = scr.wait_for(lambda s: topic in s and "NAME" in s, what="the topics view")
        title = scr.lines()[0]
        self.assertTrue(title.startswith(" kcon | "), title)  # no locale: ASCII drawing
        self.assertIn("history off", title)
        self.assertNotIn("unknown here", text)  # xterm-256color is built in: drawn as itself
        self.assertTrue(scr.alternate_on())
        scr.send("q")
        self.assertEqual(scr.exit_status(), 0)
        self.assertFalse(scr.alternate_on())


if __name__ == "__main__":
    unittest.main()
