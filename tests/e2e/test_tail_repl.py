"""tail in the REPL on a terminal (a pty): it follows by default, Ctrl-C stops it with its summary
and gives the prompt back; -o raw to the terminal is refused without confirmation."""

import os
import pty
import select
import time
import unittest

from kcontest import KCON, BrokerTestCase, kcat_produce, kcon_env, state_dir


class Pty:
    def __init__(self, case, argv):
        env = kcon_env(XDG_STATE_HOME=state_dir(case, "kcon-test-state-"))  # the REPL's history goes there
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(KCON, argv, env)
        self.out = b""

    def expect(self, needle, timeout=30):
        """Reads until needle appears after what was consumed; returns the text up to it."""
        deadline = time.monotonic() + timeout
        while needle not in self.out:
            if time.monotonic() > deadline:
                raise AssertionError(f"no {needle!r} within {timeout}s; got {self.out[-800:]!r}")
            r, _, _ = select.select([self.fd], [], [], 0.1)
            if r:
                try:
                    self.out += os.read(self.fd, 65536)
                except OSError:
                    break
        at = self.out.index(needle) + len(needle)
        seen, self.out = self.out[:at], self.out[at:]
        return seen

    def send(self, data):
        os.write(self.fd, data)

    def wait(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
            try:
                os.read(self.fd, 65536)
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError("kcon did not exit")


class TailReplTest(BrokerTestCase):
    def test_follow_then_ctrl_c_back_to_prompt(self):
        t = self.create_topic()
        kcat_produce(self.bootstrap, t, ["first", "second"])
        p = Pty(self, ["kcon", "-b", self.bootstrap, "--repl"])
        p.expect(b"> ")
        p.send(f"tail {t} --from beginning\r".encode())
        p.expect(b"Ctrl-C stops")
        p.expect(b"second")
        kcat_produce(self.bootstrap, t, ["\x1b]0;pwned\x07third"])
        seen = p.expect(b"third")
        self.assertNotIn(b"\x1b]0;", seen)  # escaped on the terminal
        self.assertIn(b"\\x1b]0;pwned\\x07", seen)
        p.send(b"\x03")
        p.expect(b"3 shown, 0 skipped (stopped)")
        p.expect(b"> ")
        p.send(f"tail {t} -o raw\r".encode())  # raw to a terminal: asks; a wrong answer refuses
        p.expect(b"Type `raw` to go on")
        p.send(b"no\r")
        p.expect(b"refusing to write raw message bytes to a terminal")
        p.expect(b"> ")
        p.send(b"quit\r")
        self.assertEqual(p.wait(), 0)


if __name__ == "__main__":
    unittest.main()
