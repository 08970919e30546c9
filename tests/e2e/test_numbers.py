"""Hostile numbers on the real broker: every number a user types is range-checked with a usage
error (exit 2), and the arithmetic on those that pass never wraps. A forward --shift-by of
INT64_MAX used to wrap in release builds and rewind the group to the log start (UBSan flagged it
in the test build); times before 1970 asked librdkafka for its special offsets -1 and -2."""

import json
import time
import unittest

from kcontest import BrokerTestCase, kcat_produce, unique, wait_until


class NumbersTest(BrokerTestCase):
    def usage(self, *args, want):
        p = self.k.run(*args, timeout=30)
        self.assertEqual(p.returncode, 2, f"{args}: {p.stderr}")
        self.assertIn(want, p.stderr)
        self.assertIn("hint:", p.stderr)
        self.assertNotIn("runtime error", p.stderr)  # UBSan

    def topic_of(self, n):
        t = self.scratch_topic()
        kcat_produce(self.bootstrap, t, [f"m{i}" for i in range(n)])
        wait_until(lambda: self.k.one("topic", "describe", t)["partitions"][0]["high"] == n, what=f"{n} messages")
        return t

    def test_shift_by_int64_max_goes_to_the_end(self):
        t = self.topic_of(10)
        g = unique("g")
        self.k.one("group", "reset", g, "--topic", t, "--to-offset", 4, "--execute")
        for by in ("+9223372036854775807", "9223372036854775807"):
            plan = self.k.one("group", "reset", g, "--all-topics", "--shift-by", by)
            self.assertEqual([(p["current"], p["new"], p["clamped"]) for p in plan["partitions"]], [(4, 10, "end")])
        plan = self.k.one("group", "reset", g, "--all-topics", "--shift-by", "-9223372036854775808")
        self.assertEqual([(p["current"], p["new"], p["clamped"]) for p in plan["partitions"]], [(4, 0, "start")])
        done = self.k.one("group", "reset", g, "--all-topics", "--shift-by", "+9223372036854775807", "--execute")
        self.assertTrue(done["executed"])
        self.assertEqual([p["committed"] for p in self.k.one("group", "lag", g)["partitions"]], [10])
        self.usage("group", "reset", g, "--all-topics", "--shift-by", "+9223372036854775808",
                   want="not a valid number")

    def test_durations_and_times(self):
        t = self.topic_of(3)
        g = unique("g")
        for d in ("99999999999999999999h", "106751991167d1d", "1e400s"):
            self.usage("group", "reset", g, "--topic", t, "--by-duration", d, want="--by-duration")
        self.usage("group", "reset", g, "--topic", t, "--by-duration", "106751991167d1d", want="100 years")
        self.usage("history", "lag", g, "--since", "106751991167d1d", want="100 years")
        self.usage("group", "lag", g, "--wait-max", 0, "--timeout", "1e300", want="--timeout")
        # before 1970: the log's first message, for a reset as for a tail
        plan = self.k.one("group", "reset", g, "--topic", t, "--to-datetime", "1969-12-31T23:59:59.999Z")
        self.assertEqual([p["new"] for p in plan["partitions"]], [0])
        plan = self.k.one("group", "reset", g, "--topic", t, "--by-duration", "36500d")
        self.assertEqual([p["new"] for p in plan["partitions"]], [0])

    def test_wait_interval(self):
        """group lag --wait-max --interval 0 resampled the cluster non-stop: at least 100ms, as for watch;
        and no negative wait."""
        g = unique("g")
        for iv in ("0", "0.05", "1e-400", "99ms", "PT0.01S", "-1s"):
            self.usage("group", "lag", g, "--wait-max", 0, "--timeout", 2, "--interval", iv, want="--interval")
        self.usage("group", "lag", g, "--wait-max", 0, "--timeout", "-5s", want="--timeout: `-5s` is negative")
        self.usage("group", "lag", g, "--wait-max", 0, "--interval", "0", want="at least 100ms")
        p = self.k.run("group", "lag", g, "--wait-max", 0, "--timeout", 0.3, "--interval", "100ms", timeout=30)
        self.assertEqual(p.returncode, 1, p.stderr)  # waited, and gave up at the timeout
        self.assertIn("still above 0", p.stderr)
        self.assertLessEqual(p.stderr.count("no committed offsets yet"), 5, p.stderr)  # one sample per 100ms

    def test_tail_start_points(self):
        t = self.topic_of(3)
        self.usage("tail", t, "--from", "-9223372036854775808", want="--from")
        self.usage("tail", t, "--from", "9223372036854775808", want="--from")
        self.usage("tail", t, "--from", "@99999999999999999999", want="--from")
        self.usage("tail", t, "--from", "@-106751991167d1d", want="100 years")
        self.usage("tail", t, "--partition", "99999999999", want="--partition: `99999999999`")
        p = self.k.run("tail", t, "--partition", "99999999999")
        self.assertNotIn("`t:", p.stderr)  # the internal spec it used to show
        for start in ("@1969-12-31T23:59:59.999Z", "@-36500d", "-9223372036854775807"):
            p = self.k.run("tail", t, "--from", start, "-o", "json", "--to-end", timeout=30)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual([json.loads(l)["value"] for l in p.stdout.splitlines()], ["m0", "m1", "m2"], start)


if __name__ == "__main__":
    unittest.main()
