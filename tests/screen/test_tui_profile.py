"""The active profile in the TUI's title bar and the REPL's prompt, and `:profile NAME` switching
the session between two profiles of a private config.json: the test broker's PLAINTEXT listener
and its SASL_SSL one (logged in as admin)."""

import json
import os
import shutil
import tempfile
import unittest

from kcontest import KCON
from tmuxscreen import ScreenTestCase


class TuiProfileTest(ScreenTestCase):
    def setUp(self):
        self.home = tempfile.mkdtemp(prefix="kcon-profile-")
        self.addCleanup(shutil.rmtree, self.home)
        os.makedirs(os.path.join(self.home, "kcon"), mode=0o700)
        self.sasl = self.env["KCON_TEST_SASL_BOOTSTRAP"]
        config = {"default_profile": "plain", "profiles": {
            "plain": {"bootstrap": self.bootstrap},
            "secure": {"bootstrap": self.sasl, "ca": self.env["KCON_TEST_CA"], "user": "admin",
                       "sasl_mechanism": "SCRAM-SHA-512", "password_file": self.env["KCON_TEST_ADMIN_PASSWORD_FILE"],
                       "read_only": True}}}
        path = os.path.join(self.home, "kcon", "config.json")
        with open(path, "w") as f:
            json.dump(config, f)
        os.chmod(path, 0o600)
        self.envs = {"XDG_CONFIG_HOME": self.home, "HOME": self.home}

    def title(self, scr):
        return scr.lines()[0]

    def test_title_and_switch(self):
        scr = self.screen([KCON], env=self.envs)
        text = scr.wait_for(lambda s: "profile plain" in s.split("\n")[0] and "connected" in s.split("\n")[0],
                            what="the default profile in the title bar")
        title = text.split("\n")[0]
        self.assertIn(self.bootstrap, title)
        self.assertNotIn("READ-ONLY", title)
        scr.wait_for("updated")

        scr.type(":profile secure")
        scr.send("Enter")
        # the title follows at once, then the new connection answers (SASL_SSL, as admin)
        text = scr.wait_for(lambda s: "profile secure" in s.split("\n")[0] and self.sasl in s.split("\n")[0]
                            and "connected" in s.split("\n")[0], what="the switched profile connected")
        self.assertIn("READ-ONLY", text.split("\n")[0])  # the secure profile is read-only
        self.assertNotIn(self.bootstrap + " ", text.split("\n")[0])

        scr.type(":profile nope")
        scr.send("Enter")
        scr.wait_for("no profile `nope`", what="the error in a pane")
        scr.send("Escape")
        self.assertIn("profile secure", scr.wait_for("profile secure").split("\n")[0])

        scr.type(":profile plain")
        scr.send("Enter")
        text = scr.wait_for(lambda s: "profile plain" in s.split("\n")[0] and "connected" in s.split("\n")[0],
                            what="back on the plain profile")
        self.assertNotIn("READ-ONLY", text.split("\n")[0])
        scr.type(":log")
        scr.send("Enter")
        text = scr.wait_for("profile secure: connecting to " + self.sasl, what="the switch in the log")
        scr.send("Escape")
        scr.type(":quit")
        scr.send("Enter")
        self.assertEqual(scr.exit_status(), 0)

    def test_repl_prompt_follows(self):
        scr = self.screen([KCON, "--repl"], env=self.envs)
        scr.wait_for("kcon(plain)>")
        scr.type("profile s")
        scr.send("Tab")  # profile names complete from config.json
        scr.wait_for("kcon(plain)> profile secure", what="the profile name completed")
        scr.send("C-u")
        scr.type("profile secure")
        scr.send("Enter")
        scr.wait_for("kcon(secure)>", what="the prompt after the switch")
        scr.type("brokers")
        scr.send("Enter")  # through the SASL_SSL listener, logged in
        scr.wait_for(lambda s: "kcon(secure)> brokers\n" in s and s.rstrip().endswith("kcon(secure)>")
                     and self.sasl.rsplit(":", 1)[1] in s.split("kcon(secure)> brokers")[-1], what="brokers through the secure profile")
        scr.type("profile")
        scr.send("Enter")
        scr.wait_for(lambda s: self.sasl in s.split("kcon(secure)> profile")[-1], what="the active profile")
        scr.type("quit")
        scr.send("Enter")
        self.assertEqual(scr.exit_status(), 0)


if __name__ == "__main__":
    unittest.main()
