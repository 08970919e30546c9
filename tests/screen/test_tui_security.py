"""The TUI's ACL and user views (`view acls`, `view users`) in tmux, logged in as the test
broker's super user on its SASL_SSL listener; alice, who may not describe ACLs, is told so."""

import unittest

from kcontest import KCON, Kcon, unique
from tmuxscreen import ScreenTestCase


class TuiSecurityTest(ScreenTestCase):
    def login(self, user):
        return ["-b", self.env["KCON_TEST_SASL_BOOTSTRAP"], "--ca", self.env["KCON_TEST_CA"], "--user", user,
                "--password-file", self.env[f"KCON_TEST_{user.upper()}_PASSWORD_FILE"], "--sasl-mechanism",
                "SCRAM-SHA-512"]

    def test_acls_and_users_views(self):
        admin = Kcon(None, self.login("admin"))
        p = "User:" + unique("tui")
        t = unique("tuiacl")
        admin.one("acl", "create", "--principal", p, "--operation", "Read", "--topic", t, bootstrap=False)
        self.addCleanup(admin.run, "acl", "delete", "--principal", p, "--yes", bootstrap=False)
        scr = self.screen([KCON, *self.login("admin")])
        scr.wait_for("updated")
        scr.type(":view acls")
        scr.send("Enter")
        text = scr.wait_for(lambda s: p in s, what="the new ACL in the acls view")
        self.assertRegex(text, p + r" +ALLOW +READ +TOPIC +" + t + r" +LITERAL +\*")
        self.assertIn("PRINCIPAL", text)
        scr.send("Escape")
        scr.type(":view users")
        scr.send("Enter")
        text = scr.wait_for(lambda s: "\n users " in s and "alice" in s, what="the users view")
        self.assertRegex(text, r"admin +SCRAM-SHA-256 \(4096\), SCRAM-SHA-512 \(4096\)")
        scr.type(":quit")
        scr.send("Enter")
        self.assertEqual(scr.exit_status(), 0)

    def test_alice_is_told_she_may_not(self):
        scr = self.screen([KCON, *self.login("alice")])
        scr.wait_for("updated")
        scr.type(":view acls")
        scr.send("Enter")
        scr.wait_for("not authorized")
        scr.type(":quit")
        scr.send("Enter")
        self.assertEqual(scr.exit_status(), 0)


if __name__ == "__main__":
    unittest.main()
