"""tail --follow through a broker restart (nothing lost, nothing repeated) and a topic deleted
while tailing. Restarts the shared broker: runs alone (RUN_SERIAL, see tests/CMakeLists.txt)."""

import json
import os
import signal
import subprocess
import threading
import time
import unittest

from kcontest import KCON, BrokerTestCase, kcat_produce, kcon_env, wait_until


class Follower:
    """kcon tail --follow -o json in the background, its lines collected by a thread."""

    def __init__(self, bootstrap, topic, *args):
        self.p = subprocess.Popen([KCON, "-b", bootstrap, "tail", topic, "--follow", "-o", "json", *args],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=kcon_env())
        self.docs, self.err = [], []
        self.threads = [threading.Thread(target=self.read, args=(self.p.stdout, True), daemon=True),
                        threading.Thread(target=self.read, args=(self.p.stderr, False), daemon=True)]
        for t in self.threads:
            t.start()

    def read(self, f, out):
        for line in f:
            if out:
                self.docs.append(json.loads(line))
            else:
                self.err.append(line)

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGINT)
        rc = self.p.wait(timeout=30)
        for t in self.threads:
            t.join(timeout=10)
        self.p.stdout.close()
        self.p.stderr.close()
        return rc


class TailOutageTest(BrokerTestCase):
    def test_broker_restart_loses_and_repeats_nothing(self):
        t = self.create_topic(partitions=2)
        kcat_produce(self.bootstrap, t, [f"a{i}" for i in range(500)], partition=0)
        kcat_produce(self.bootstrap, t, [f"b{i}" for i in range(500)], partition=1)
        f = Follower(self.bootstrap, t, "--from", "beginning")
        try:
            wait_until(lambda: len(f.docs) >= 1000, timeout=60, what="the first 1000 messages")
            ctl = os.environ["KCON_KAFKA_CTL"]
            subprocess.run([ctl, "restart", "--workdir", os.environ["KCON_TEST_BROKER_DIR"]], check=True,
                           timeout=180, capture_output=True)
            kcat_produce(self.bootstrap, t, [f"a{i}" for i in range(500, 1000)], partition=0)
            kcat_produce(self.bootstrap, t, [f"b{i}" for i in range(500, 1000)], partition=1)
            wait_until(lambda: len(f.docs) >= 2000, timeout=120, what="2000 messages after the restart")
        finally:
            rc = f.stop()
        self.assertEqual(rc, 0, "".join(f.err))
        for part, prefix in ((0, "a"), (1, "b")):
            got = [(d["offset"], d["value"]) for d in f.docs if d["partition"] == part]
            self.assertEqual(got, [(i, f"{prefix}{i}") for i in range(1000)])
        err = "".join(f.err)
        self.assertIn("reconnecting", err)
        self.assertIn('"shown":2000', err)

    def test_topic_deleted_while_tailing(self):
        t = self.create_topic()
        kcat_produce(self.bootstrap, t, ["x", "y"])
        f = Follower(self.bootstrap, t, "--from", "beginning")
        try:
            wait_until(lambda: len(f.docs) >= 2, timeout=60, what="the messages")
            self.k.one("topic", "delete", t, "--yes")
            wait_until(lambda: f.p.poll() is not None, timeout=90, what="tail to stop")
        finally:
            rc = f.stop()
        self.assertEqual(rc, 1)
        self.assertIn("was deleted", "".join(f.err))


if __name__ == "__main__":
    unittest.main()
