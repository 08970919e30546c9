"""The TUI's ACL and user views (`view acls`, `view users`) in tmux, logged in as the test
broker's super user on its SASL_SSL listener; alice, who may not describe ACLs, is told so; `acl
delete` lists what matches and asks for their number at the TUI's prompt; `user set` asks for no
password there."""

import re
import unittest

from kcontest import KCON, Kcon, unique, wait_until
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

    def test_acl_delete_asks_at_the_prompt(self):
        admin = Kcon(None, self.login("admin"))
        p = "User:" + unique("tuidel")
        t = unique("tuiacl")
        admin.one("acl", "create", "--principal", p, "--operation", "Read", "--operation", "Describe", "--topic", t,
                  bootstrap=False)
        self.addCleanup(admin.run, "acl", "delete", "--principal", p, "--yes", bootstrap=False)

        def count():
            return len(admin.one("acls", "--principal", p, bootstrap=False)["acls"])

        scr = self.screen([KCON, *self.login("admin")])
        scr.wait_for("updated")
        for answer in (None, "1", "2"):  # Esc, a wrong number, the number
            scr.type(f":acl delete --principal {p} --topic {t}")
            scr.send("Enter")
            text = scr.wait_for("Type 2 (their number) to confirm:", what="the question")
            self.assertIn("These 2 ACLs match and will be deleted:", text)
            self.assertRegex(text, p + " ALLOW DESCRIBE on TOPIC " + t)
            self.assertRegex(text, p + " ALLOW READ on TOPIC " + t)
            self.assertTrue(scr.lines()[-1].startswith("Type 2 (their number) to confirm:"), scr.lines()[-1])
            if answer is None:
                scr.send("Escape")
            else:
                scr.type(answer)
                scr.send("Enter")
            if answer != "2":
                scr.wait_for("not confirmed: nothing was changed")
                self.assertEqual(count(), 2)
                scr.send("Escape")
        text = scr.wait_for(lambda s: "PERMISSION" in s and "to confirm" not in s, what="the deleted ACLs")
        self.assertEqual(len(re.findall("^" + p + " +ALLOW", text, re.M)), 2, text)
        wait_until(lambda: count() == 0, what="the ACLs to be gone")

        # A password prompt would read the TUI's own terminal: --password-file is needed.
        scr.send("Escape")
        scr.type(":user set " + unique("tuiuser"))
        scr.send("Enter")
        scr.wait_for("the TUI does not ask for one", what="the refusal")
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
