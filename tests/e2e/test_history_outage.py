"""A broker outage during `kcon watch` is recorded as a gap, not as zeros. Stops and restarts the
single test broker (kafka-ctl stop-broker/start-broker keep its data), so ctest runs this file alone
(RUN_SERIAL in tests/CMakeLists.txt)."""

import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kcontest import KCON, unique, wait_until  # noqa: E402
from test_history import HistoryCase  # noqa: E402

CTL = os.environ.get("KCON_KAFKA_CTL", "tests/kafka/kafka-ctl")


class OutageTest(HistoryCase):
    def broker(self, what):
        subprocess.run([CTL, f"{what}-broker", "--workdir", os.environ[self.dirvar], "1"], check=True, timeout=180)

    def test_outage_is_a_gap(self):
        topic, group = self.create_topic(1), self.unique_group()
        self.commit(group, topic, 0)
        cmd = [KCON, "-b", self.bootstrap, "--timeout", "2", "-o", "json", "watch", "--interval", "500ms",
               "--groups", group]
        env = dict(os.environ, **self.envs)
        env.setdefault("XDG_CONFIG_HOME", "/nonexistent-kcon-test")
        w = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        try:
            wait_until(lambda: len(self.points(group)) >= 2, what="samples before the outage")
            self.broker("stop")
            try:
                wait_until(lambda: any(e["kind"] == "outage" for e in self.h("history", "events")["events"]),
                           what="an outage event")
            finally:
                self.broker("start")
            wait_until(lambda: any(e["kind"] == "outage" and "until" in (e["detail"] or "")
                                   for e in self.h("history", "events")["events"]),
                       timeout=60, what="the outage closed by a sample after the restart")
            # the group's offsets come back once its coordinator has loaded them
            wait_until(lambda: any(p["gap"] for p in self.points(group)) and not self.points(group)[-1]["gap"],
                       timeout=60, what="a lag sample after the gap")
        finally:
            w.send_signal(2)
            out, err = w.communicate(timeout=60)
        # the ticks of the outage failed: watch fails with 3 (the cluster did not answer) after its summary
        self.assertEqual(w.returncode, 3, err)
        self.assertIn("recorded as a gap", err)
        self.assertRegex(err, r"\d+ of \d+ ticks failed")
        pts = self.points(group)
        # One outage (a tick that reached a broker still starting may split it in two), with samples
        # on both sides and unknown values inside, never zeros.
        gaps = [i for i, p in enumerate(pts) if p["gap"]]
        self.assertTrue(gaps, pts)
        runs = [g for k, g in enumerate(gaps) if k == 0 or gaps[k - 1] != g - 1]
        self.assertLessEqual(len(runs), 2, pts)  # a split leaves a real sample between its two parts
        self.assertGreater(gaps[0], 0)
        self.assertLess(gaps[-1], len(pts) - 1)
        for g in gaps:
            self.assertIsNone(pts[g]["lag"])
        for p in pts:
            if not p["gap"]:
                self.assertEqual(p["committed"], 0)
        self.assertEqual(self.h("history", "lag", group)["trend"]["lag"], 0)

    def unique_group(self):
        return unique("g")


if __name__ == "__main__":
    unittest.main()
