"""End to end on the three-broker test cluster, which runs without an authorizer: the ACL commands
say so (SECURITY_DISABLED, exit 1) instead of printing an empty list."""

import unittest

from kcontest import BrokerTestCase


class NoAuthorizerTest(BrokerTestCase):
    dirvar = "KCON_TEST_BROKER3_DIR"

    def test_acls_say_there_is_no_authorizer(self):
        for args in (["acls"], ["acls", "--topic", "t", "--pattern", "match"],
                     ["acl", "create", "--principal", "User:x", "--operation", "Read", "--topic", "t"],
                     ["acl", "delete", "--principal", "User:x", "--yes"]):
            p, docs = self.k.json(*args)
            self.assertEqual(p.returncode, 1, (args, p.stdout))
            self.assertIn("no authorizer (SECURITY_DISABLED)", p.stderr)
            self.assertIn("everyone may do everything", p.stderr)
            self.assertEqual(docs[0]["error"]["status"], 1)

    def test_users_work_without_an_authorizer(self):
        # SCRAM credentials are kept by the controller whatever the authorizer: listing them works.
        p = self.k.run("users")
        self.assertEqual(p.returncode, 0, p.stderr)


if __name__ == "__main__":
    unittest.main()
