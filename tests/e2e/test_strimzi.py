"""End to end on the real broker: --strimzi-user and --strimzi-ca read Strimzi's secrets as
`oc extract secret/NAME --to=DIR` writes them (certificates made with openssl, signed by the test
broker's CA) and log in with them: mutual TLS from PEM files and from PKCS12 stores, SCRAM-SHA-512
over TLS, and the same user and password over PLAIN."""

import os
import shutil
import tempfile
import unittest

from kcontest import BrokerTestCase, Kcon, make_client_cert, openssl


class StrimziTest(BrokerTestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="kcon-strimzi-")
        self.addCleanup(shutil.rmtree, self.tmp)

    def secret(self, name, files):
        """DIR/name holding files {name: text or a path to copy}, as `oc extract` writes them."""
        d = os.path.join(self.tmp, name)
        os.makedirs(d)
        for f, v in files.items():
            if os.path.isabs(v):
                shutil.copy(v, os.path.join(d, f))
            else:
                with open(os.path.join(d, f), "w") as out:
                    out.write(v)
        return d

    def cluster_ca(self, p12=False):
        if not p12:
            return self.secret("my-cluster-cluster-ca-cert", {"ca.crt": self.env["KCON_TEST_CA"]})
        d = self.secret("my-cluster-cluster-ca-cert", {"ca.password": "ca-secret"})
        openssl("pkcs12", "-export", "-nokeys", "-in", self.env["KCON_TEST_CA"], "-out", os.path.join(d, "ca.p12"),
                "-passout", "pass:ca-secret")
        return d

    def tls_user(self, cn="kcon-admin"):
        """A TLS KafkaUser's secret: user.crt, user.key, user.p12 + user.password, and ca.crt."""
        cert, key = make_client_cert(self.env, self.tmp, cn)
        d = self.secret("tls-user", {"user.crt": cert, "user.key": key, "user.password": "p12-secret\n",
                                     "ca.crt": self.env["KCON_TEST_CA"]})
        openssl("pkcs12", "-export", "-in", cert, "-inkey", key, "-out", os.path.join(d, "user.p12"),
                "-passout", "pass:p12-secret")
        return d

    def scram_user(self, user="admin"):
        password = open(self.env[f"KCON_TEST_{user.upper()}_PASSWORD_FILE"]).read().strip()
        jaas = ("org.apache.kafka.common.security.scram.ScramLoginModule required "
                f'username="{user}" password="{password}";')
        return self.secret(user, {"password": password, "sasl.jaas.config": jaas})

    def topics(self, bootstrap, *opts):
        # a history of the test's own: a snapshot one login stored would answer another's failure
        state = os.path.join(self.tmp, "state")
        return Kcon(bootstrap, list(opts)).run("-o", "json", "--timeout", "10", "--state-dir", state, "topics")

    def test_mutual_tls_from_pem_files(self):
        p = self.topics(self.env["KCON_TEST_MTLS_BOOTSTRAP"], "--strimzi-user", self.tls_user(),
                        "--strimzi-ca", self.cluster_ca())
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn('"topics"', p.stdout)

    def test_mutual_tls_from_pkcs12_stores(self):
        user = self.tls_user()
        os.unlink(os.path.join(user, "user.crt"))  # only the store is left
        os.unlink(os.path.join(user, "user.key"))
        p = self.topics(self.env["KCON_TEST_MTLS_BOOTSTRAP"], "--strimzi-user", user,
                        "--strimzi-ca", self.cluster_ca(p12=True))
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_the_clients_ca_of_a_user_secret_is_no_trust_store(self):
        # ca.crt of a KafkaUser secret is the clients CA: without --strimzi-ca, TLS has no CA to
        # verify the broker with here (the test CA is in no system store), so the login fails.
        p = self.topics(self.env["KCON_TEST_MTLS_BOOTSTRAP"], "--strimzi-user", self.tls_user(), "--timeout", "4")
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("TLS", p.stderr)

    def test_scram_user_and_password_over_plain(self):
        # The user name comes from sasl.jaas.config, the password from `password`: PLAIN proves
        # both without SCRAM.
        p = self.topics(self.env["KCON_TEST_SASL_BOOTSTRAP"], "--strimzi-user", self.scram_user(),
                        "--strimzi-ca", self.cluster_ca(), "--sasl-mechanism", "PLAIN")
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_scram_sha_512_over_tls(self):
        p = self.topics(self.env["KCON_TEST_SASL_BOOTSTRAP"], "--strimzi-user", self.scram_user(),
                        "--strimzi-ca", self.cluster_ca())
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_a_wrong_file_is_named(self):
        d = self.scram_user()
        with open(os.path.join(d, "tls.crt"), "w") as f:
            f.write("x")
        p = self.topics(self.env["KCON_TEST_SASL_BOOTSTRAP"], "--strimzi-user", d)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn(f"{d}/tls.crt: not a file of this secret: expected a Strimzi KafkaUser secret", p.stderr)
        p = self.topics(self.env["KCON_TEST_SASL_BOOTSTRAP"], "--strimzi-ca", d)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("expected the cluster CA secret CLUSTER-cluster-ca-cert", p.stderr)


if __name__ == "__main__":
    unittest.main()
