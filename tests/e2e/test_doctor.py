"""End to end on the real broker: `kcon doctor`, one row per step, and each failure at the step
where it happens: a wrong port (tcp), plain text to the TLS port and TLS to the plain port (tls), a
CA that does not verify (tls), an expired client certificate and a wrong password (auth), a
principal with no ACLs (authz), and an advertised listener that does not resolve (metadata); a
port that accepts and says nothing (tls), and Ctrl-C while the doctor waits for it."""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import unittest

from kcontest import KCON, BrokerTestCase, Kcon, Proxy, kcon_env, make_client_cert, openssl, wait_until

STEPS = ["dns", "tcp", "tls", "auth"]
ROW_KEYS = {"target", "broker", "step", "status", "detail", "hint", "ms"}


class DoctorTest(BrokerTestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="kcon-doctor-")
        self.addCleanup(shutil.rmtree, self.tmp)

    def doctor(self, bootstrap, *opts, want=0):
        """Runs `doctor -o json`; checks the exit status and the shape; returns the rows."""
        p = Kcon(bootstrap, ["--timeout", "5", *opts]).run("-o", "json", "doctor")
        self.assertEqual(p.returncode, want, p.stdout + p.stderr)
        doc = json.loads(p.stdout)
        self.assertEqual(set(doc), {"ok", "failed", "rows"})
        for r in doc["rows"]:
            self.assertEqual(set(r), ROW_KEYS, r)
            self.assertIn(r["status"], ("ok", "failed", "skipped"))
        failed = [r for r in doc["rows"] if r["status"] == "failed"]
        self.assertEqual((doc["ok"], doc["failed"]), (not failed, len(failed)))
        if want:
            self.assertIn("kcon: error: ", p.stderr)
            self.assertTrue(all(r["hint"] for r in failed), failed)
        return doc["rows"]

    def row(self, rows, step, target_prefix="bootstrap"):
        found = [r for r in rows if r["step"] == step and r["target"].startswith(target_prefix)]
        self.assertTrue(found, f"no {step} row for {target_prefix}: {rows}")
        return found[0]

    def first_failure(self, rows):
        return next(r for r in rows if r["status"] == "failed")

    def sasl(self, user, password_file):
        return ["--ca", self.env["KCON_TEST_CA"], "--user", user, "--password-file", password_file,
                "--sasl-mechanism", "PLAIN"]

    def test_all_steps_pass_on_the_plain_listener(self):
        rows = self.doctor(self.bootstrap)
        self.assertEqual([r["step"] for r in rows if r["target"].startswith("bootstrap")], STEPS)
        self.assertEqual([r["step"] for r in rows if r["target"] == "cluster"], ["metadata", "authz", "clock"])
        broker = [r for r in rows if r["target"].startswith("broker ")]
        self.assertEqual([r["step"] for r in broker], ["dns", "tcp", "tls"])
        self.assertEqual(broker[0]["broker"], 1)
        self.assertIn("in ", self.row(rows, "tcp")["detail"])  # the time
        self.assertIsInstance(self.row(rows, "tcp")["ms"], int)
        self.assertIn("plain Kafka", self.row(rows, "tls")["detail"])
        self.assertIn("User:ANONYMOUS", self.row(rows, "auth")["detail"])
        clock = self.row(rows, "clock", "cluster")
        self.assertEqual(clock["status"], "skipped")
        self.assertIn("not measurable", clock["detail"])
        # the table: the same rows for a person
        p = self.k.run("doctor")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("metadata", p.stdout)

    def test_sasl_over_tls_names_the_certificate_and_the_principal(self):
        rows = self.doctor(self.env["KCON_TEST_SASL_BOOTSTRAP"],
                           *self.sasl("admin", self.env["KCON_TEST_ADMIN_PASSWORD_FILE"]))
        tls = self.row(rows, "tls")["detail"]
        for part in ("subject CN=127.0.0.1", "IP:127.0.0.1", "DNS:localhost", "issuer CN=kcon-test-ca",
                     "expires in", f"verified by {self.env['KCON_TEST_CA']}"):
            self.assertIn(part, tls)
        self.assertIn("logged in as User:admin (PLAIN)", self.row(rows, "auth")["detail"])
        detail = self.row(rows, "authz", "cluster")["detail"]
        self.assertIn("broker 1's configs readable", detail)
        # DescribeCluster's authorized operations: the super user may do all there is on a cluster
        self.assertRegex(detail, r", may [A-Z_,]*\bDESCRIBE\b[A-Z_,]* on the cluster;")
        self.assertIn("ALTER_CONFIGS", detail)

    def test_wrong_port_fails_at_tcp(self):
        rows = self.doctor("127.0.0.1:1", want=3)
        f = self.first_failure(rows)
        self.assertEqual(f["step"], "tcp")
        self.assertIn("refused", f["detail"])
        self.assertIn("check the port", f["hint"])
        self.assertEqual(self.row(rows, "auth")["status"], "skipped")

    def test_a_port_that_says_nothing_fails_at_tls(self):
        """A port that accepts the connection and never answers (a hung broker, a proxy with nothing
        behind it) waits out --timeout and says so; it was reported as closing the connection."""
        hole = Proxy(self.bootstrap, black_hole=True)
        self.addCleanup(hole.close)
        rows = self.doctor(hole.address, "--timeout", "1", want=3)
        f = self.first_failure(rows)
        self.assertEqual(f["step"], "tls")
        self.assertIn(f"{hole.address} did not answer a plain Kafka ApiVersions request within 1000 ms", f["detail"])
        self.assertIn("says nothing", f["hint"])
        self.assertGreaterEqual(f["ms"], 1000)

    def test_ctrl_c_stops_the_wait_at_once(self):
        """SIGINT while the doctor waits for a port that never answers ends the wait at once (it waited out
        --timeout, an hour here, or died by the signal): exit 1 with the rows so far, that step skipped."""
        hole = Proxy(self.bootstrap, black_hole=True)
        self.addCleanup(hole.close)
        p = subprocess.Popen([KCON, "-b", f"{hole.address},{self.bootstrap}", "--timeout", "3600", "-o", "json",
                              "doctor"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=kcon_env())
        self.addCleanup(lambda: p.poll() is None and p.kill())
        wait_until(lambda: hole.conns, what="the doctor's connection to the silent port")
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=20)
        self.assertEqual(p.returncode, 1, err)
        self.assertRegex(err, r"doctor: interrupted after [0-9.]+ s, 2 steps done")
        rows = json.loads(out)["rows"]
        self.assertEqual([(r["step"], r["status"]) for r in rows],
                         [("dns", "ok"), ("tcp", "ok"), ("tls", "skipped"), ("auth", "skipped")])
        self.assertIn("interrupted while", rows[2]["detail"])

    def test_plain_text_to_the_tls_port_fails_at_tls(self):
        rows = self.doctor(self.env["KCON_TEST_SASL_BOOTSTRAP"], want=3)
        f = self.first_failure(rows)
        self.assertEqual(f["step"], "tls")
        self.assertIn("plain text spoken to a TLS port", f["detail"])
        self.assertIn("--ca", f["hint"])

    def test_tls_to_the_plain_port_fails_at_tls(self):
        rows = self.doctor(self.bootstrap, "--ca", self.env["KCON_TEST_CA"], want=3)
        f = self.first_failure(rows)
        self.assertEqual(f["step"], "tls")
        self.assertIn("TLS spoken to a plain port", f["detail"])
        self.assertIn("speaks plain Kafka", f["hint"])

    def test_a_ca_that_does_not_verify_fails_at_tls(self):
        other = os.path.join(self.tmp, "other-ca.pem")
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "3",
                "-subj", "/CN=some-other-ca", "-keyout", os.path.join(self.tmp, "other-ca.key"), "-out", other)
        opts = self.sasl("admin", self.env["KCON_TEST_ADMIN_PASSWORD_FILE"])
        opts[1] = other
        rows = self.doctor(self.env["KCON_TEST_SASL_BOOTSTRAP"], *opts, want=3)
        f = self.first_failure(rows)
        self.assertEqual(f["step"], "tls")
        self.assertIn(f"NOT verified by {other}", f["detail"])
        self.assertIn("issuer CN=kcon-test-ca", f["detail"])
        self.assertIn("cluster-ca-cert", f["hint"])

    def test_mutual_tls_names_the_principal_and_the_certificate(self):
        rows = self.doctor(self.env["KCON_TEST_MTLS_BOOTSTRAP"], "--ca", self.env["KCON_TEST_CA"], "--cert",
                           self.env["KCON_TEST_MTLS_CERT"], "--key", self.env["KCON_TEST_MTLS_KEY"])
        self.assertIn("asks for a client certificate", self.row(rows, "tls")["detail"])
        auth = self.row(rows, "auth")["detail"]
        self.assertIn("User:CN=kcon-admin (mutual TLS)", auth)
        self.assertIn(f"client certificate {self.env['KCON_TEST_MTLS_CERT']} expires in", auth)

    def test_an_expired_client_certificate_fails_at_auth(self):
        cert, key = make_client_cert(self.env, self.tmp, "kcon-admin", days=-1, name="expired")
        rows = self.doctor(self.env["KCON_TEST_MTLS_BOOTSTRAP"], "--ca", self.env["KCON_TEST_CA"], "--cert", cert,
                           "--key", key, want=3)
        f = self.first_failure(rows)
        self.assertEqual(f["step"], "auth")
        self.assertIn(f"client certificate {cert} EXPIRED", f["detail"])
        self.assertIn("TLS failed", f["detail"])  # and the broker refused it
        self.assertIn("renew the client certificate", f["hint"])

    def test_no_client_certificate_for_mutual_tls_fails_at_auth(self):
        rows = self.doctor(self.env["KCON_TEST_MTLS_BOOTSTRAP"], "--ca", self.env["KCON_TEST_CA"], want=3)
        f = self.first_failure(rows)
        self.assertEqual(f["step"], "auth")
        self.assertIn("wants a client certificate", f["hint"])

    def test_a_wrong_password_fails_at_auth(self):
        bad = os.path.join(self.tmp, "bad.password")
        with open(bad, "w") as f:
            f.write("not-the-password\n")
        rows = self.doctor(self.env["KCON_TEST_SASL_BOOTSTRAP"], *self.sasl("alice", bad), want=3)
        f = self.first_failure(rows)
        self.assertEqual(f["step"], "auth")
        self.assertIn("login as User:alice (PLAIN) failed", f["detail"])
        self.assertIn("Authentication failed", f["detail"])
        self.assertIn("bad credentials", f["hint"])

    def test_a_mechanism_the_listener_lacks_fails_at_auth(self):
        # The listener enables PLAIN and both SCRAMs, not OAUTHBEARER (an unsecured token here).
        opts = self.sasl("alice", self.env["KCON_TEST_ALICE_PASSWORD_FILE"])
        opts[-1] = "OAUTHBEARER"
        opts += ["-X", "enable.sasl.oauthbearer.unsecure.jwt=true", "-X", "sasl.oauthbearer.config=principal=alice"]
        rows = self.doctor(self.env["KCON_TEST_SASL_BOOTSTRAP"], *opts, want=3)
        f = self.first_failure(rows)
        self.assertEqual(f["step"], "auth")
        self.assertIn("does not offer this SASL mechanism", f["hint"])

    def test_a_principal_with_no_acls_fails_at_authz(self):
        rows = self.doctor(self.env["KCON_TEST_SASL_BOOTSTRAP"],
                           *self.sasl("alice", self.env["KCON_TEST_ALICE_PASSWORD_FILE"]), want=3)
        f = self.first_failure(rows)
        self.assertEqual((f["step"], f["target"]), ("authz", "cluster"))
        self.assertIn("User:alice (PLAIN) may see nothing", f["detail"])
        self.assertIn("broker configs denied", f["detail"])
        self.assertIn("may do nothing on the cluster", f["detail"])
        self.assertIn("topics: 0 visible", f["detail"])
        self.assertIn("no ACLs", f["hint"])
        self.assertEqual(self.row(rows, "auth")["status"], "ok")

    def test_an_advertised_listener_that_does_not_resolve_fails_at_metadata(self):
        host = self.env["KCON_TEST_UNRESOLVED_HOST"]
        rows = self.doctor(self.env["KCON_TEST_UNRESOLVED_BOOTSTRAP"], want=3)
        self.assertEqual([r["status"] for r in rows if r["target"].startswith("bootstrap")], ["ok"] * 4)
        f = self.first_failure(rows)
        self.assertEqual(f["step"], "metadata")
        self.assertIn(f"broker 1 advertises {host}:", f["detail"])
        self.assertIn("does not resolve", f["detail"])
        self.assertIn("advertised.listeners", f["hint"])
        dns = self.row(rows, "dns", "broker 1")
        self.assertEqual((dns["status"], dns["broker"]), ("failed", 1))
        self.assertIn(f"cannot resolve `{host}`", dns["detail"])
        self.assertEqual(self.row(rows, "authz", "cluster")["status"], "skipped")


if __name__ == "__main__":
    unittest.main()
