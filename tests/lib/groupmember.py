"""A live member of a consumer group for the tests: tests/lib/group_consumer.c (built next to kcon as
kcon-group-consumer, on kcon's own librdkafka), classic or consumer protocol (KIP-848)."""

import os
import subprocess
import threading

from kcontest import KCON, wait_until

HELPER = os.path.join(os.path.dirname(os.path.abspath(KCON)), "kcon-group-consumer")


class Member:
    """One group_consumer process: joins, reads `count` messages, commits them, stays until close();
    consume(n) reads and commits n more, recommit() commits the same offsets again."""

    def __init__(self, bootstrap, group, topic, protocol, count):
        self.lines = []
        self.proc = subprocess.Popen([HELPER, bootstrap, group, topic, protocol, str(count)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.strip())

    def wait_for(self, line, what):
        return wait_until(lambda: line in self.lines or self.proc.poll() is not None, timeout=60, what=what) and \
            line in self.lines

    def _tell(self, command, line, what):
        """Sends a command and waits until the helper has said line once more than before."""
        before = self.lines.count(line)
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        wait_until(lambda: self.lines.count(line) > before or self.proc.poll() is not None, timeout=60, what=what)
        if self.lines.count(line) <= before:
            raise AssertionError(f"group_consumer exited {self.proc.returncode}: {self.proc.stderr.read()}")

    def consume(self, n, total):
        """Consumes n more messages and commits: `total` consumed in all (waits for the commit)."""
        self._tell(f"consume {n}", f"committed {total}", f"the member to commit {total}")

    def recommit(self, total):
        """Commits the same offsets again (`total` consumed so far): a commit that does not move."""
        self._tell("commit", f"recommitted {total}", "the member to commit again")

    def close(self):
        """Closes its stdin: it leaves the group; returns its exit status and stderr (again when
        called again)."""
        if getattr(self, "closed", None):
            return self.closed
        if not self.proc.stdin.closed:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=60)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
        self.reader.join(timeout=10)
        err = self.proc.stderr.read()
        self.proc.stdout.close()
        self.proc.stderr.close()
        self.closed = (self.proc.returncode, err)
        return self.closed
