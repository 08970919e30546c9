"""Offline-first cluster commands on the real broker: `cluster`, `brokers`, `topics` and `topic
describe` record the metadata they fetch as the last snapshot, answer from it with --offline (exit 0),
and fall back to it when the cluster is unreachable (exit 3), with a `stale` member in JSON and a
one-line note on stderr in table mode. Each test has its own state dir."""

import json
import os
import subprocess
import sqlite3
import time
import unittest

from kcontest import KCON, Kcon, StoreTestCase, kcat_produce, kcon_env, run_on_tty, unique

DOWN = "127.0.0.1:1"  # nothing listens there


class StoreCase(StoreTestCase):
    state_prefix = "kcon-offline-"


class OfflineTest(StoreCase):
    def down(self):
        """Where the cluster was last seen now does not answer: re-point its row at a closed port."""
        db = sqlite3.connect(f"{self.state}/history.db")
        with db:
            n = db.execute("UPDATE cluster SET bootstrap=? WHERE bootstrap=?", (DOWN, self.bootstrap)).rowcount
        db.close()
        self.assertEqual(n, 1)
        return Kcon(DOWN, ["--timeout", "3s"])

    def test_topics_offline_then_unreachable(self):
        topic = self.create_topic(partitions=3)
        fresh = self.k.one("topics", topic, env=self.envs)
        self.assertNotIn("stale", fresh)
        self.assertEqual([t["name"] for t in fresh["topics"]], [topic])

        # --offline: the stored snapshot at once, exit 0, marked stale
        p, docs = self.k.json("--offline", "topics", topic, env=self.envs)
        self.assertEqual(p.returncode, 0, p.stderr)
        doc = docs[0]
        self.assertEqual([(t["name"], t["partitions"]) for t in doc["topics"]], [(topic, 3)])
        self.assertEqual(doc["stale"]["reason"], "--offline")
        self.assertGreaterEqual(doc["stale"]["age_s"], 0)
        self.assertRegex(doc["stale"]["seen_at"], r"^\d{4}-\d\d-\d\dT")
        p = self.k.run("--offline", "topics", topic, env=self.envs)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(topic, p.stdout)
        self.assertIn("stale", p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)

        # unreachable: the same data, exit 3, the cause in the stale member and on stderr
        k = self.down()
        p, docs = k.json("topics", topic, env=self.envs)
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertEqual([t["name"] for t in docs[0]["topics"]], [topic])
        self.assertIn("cannot reach", docs[0]["stale"]["reason"])
        p = k.run("topics", topic, env=self.envs)
        self.assertEqual(p.returncode, 3)
        self.assertIn(topic, p.stdout)
        self.assertIn("stale", p.stderr)
        self.assertIn("did not answer", p.stderr)

    def test_describe_cluster_brokers_offline(self):
        topic = self.create_topic(partitions=2)
        self.k.one("topic", "describe", topic, env=self.envs)
        d = self.k.one("--offline", "topic", "describe", topic, env=self.envs)
        self.assertEqual(d["stale"]["reason"], "--offline")
        self.assertEqual(d["partition_count"], 2)
        self.assertIsNone(d["messages"])
        self.assertEqual(len(d["partitions"]), 2)
        for part in d["partitions"]:
            self.assertIsNotNone(part["leader"])
            self.assertEqual(part["replicas"], part["isr"])
            self.assertIsNone(part["low"])
            self.assertIsNone(part["high"])
            self.assertIsNone(part["messages"])
        c = self.k.one("--offline", "cluster", env=self.envs)
        self.assertIn("stale", c)
        self.assertGreaterEqual(c["topics"], 1)
        b = self.k.one("--offline", "brokers", env=self.envs)
        self.assertGreaterEqual(len(b["brokers"]), 1)
        self.assertIn("stale", b)
        p, docs = self.k.json("--offline", "topic", "describe", "no-such-topic-x", env=self.envs)
        self.assertEqual(p.returncode, 1)
        self.assertIn("stored snapshot", p.stderr)

    def test_identical_fresh_snapshot_is_not_written_again(self):
        """A command records its metadata after its output; an identical snapshot confirmed within the
        last 10 s (SESSION_SNAPSHOT_FRESH_MS) is not written again, a changed or older one is."""
        topic = self.create_topic(partitions=2)
        db_path = f"{self.state}/history.db"

        def seen():
            db = sqlite3.connect(db_path)
            row = db.execute("SELECT n.seen_ms, n.ts_ms FROM snapshot n JOIN cluster c ON c.id=n.cluster").fetchone()
            db.close()
            return row

        p = self.k.run("topics", topic, env=self.envs)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(topic, p.stdout)
        first = seen()
        self.assertIsNotNone(first)

        # the same metadata again at once: nothing written (checked only while the first is still fresh)
        p = self.k.run("topics", topic, env=self.envs)
        self.assertEqual(p.returncode, 0, p.stderr)
        after = int(time.time() * 1000)
        if first[0] >= after - 10000:
            self.assertEqual(seen(), first)

        # no longer fresh: the same snapshot is confirmed again (its seen time moves, its ts stays)
        db = sqlite3.connect(db_path)
        with db:
            db.execute("UPDATE snapshot SET seen_ms=seen_ms-60000")
            db.execute("UPDATE cluster SET seen_ms=seen_ms-60000")
        db.close()
        aged = seen()
        self.k.run("topics", topic, env=self.envs, check=True)
        again = seen()
        self.assertGreater(again[0], aged[0])
        self.assertEqual(again[1], aged[1])

        # changed metadata is written at once, fresh or not
        other = self.create_topic(partitions=1)
        self.k.run("topics", env=self.envs, check=True)
        names = [t["name"] for t in self.k.one("--offline", "topics", env=self.envs)["topics"]]
        self.assertIn(other, names)

    def test_a_reader_that_went_away_loses_no_snapshot(self):
        """kcon topics | head: the reader is gone before kcon writes (EPIPE ends kcon quietly, 0); the
        metadata it fetched is stored all the same, since the snapshot waits for the output."""
        topic = self.create_topic(partitions=1)
        r, w = os.pipe()
        os.close(r)
        p = subprocess.run([KCON, "-b", self.bootstrap, "-o", "json", "topics", topic], stdout=w,
                           stderr=subprocess.PIPE, text=True, env=dict(os.environ, **self.envs), timeout=60)
        os.close(w)
        self.assertEqual(p.returncode, 0, p.stderr)
        p, docs = self.k.json("--offline", "topics", topic, env=self.envs)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual([t["name"] for t in docs[0]["topics"]], [topic])

    def test_a_reader_sees_eof_before_the_snapshot_is_written(self):
        """kcon topics | jq: stdout ends once the output is written, before the snapshot (a reader
        waiting for EOF does not wait for history). The store is held locked by another writer, so
        kcon's write waits (its busy timeout is 5 s): the reader gets its EOF while kcon is still
        running; once the lock goes, the snapshot is written all the same."""
        self.k.run("topics", env=self.envs, check=True)  # the store exists; the next snapshot differs
        topic = self.create_topic(partitions=1)
        db = sqlite3.connect(f"{self.state}/history.db", isolation_level=None)
        db.execute("BEGIN IMMEDIATE")
        p = subprocess.Popen([KCON, "-b", self.bootstrap, "-o", "json", "topics"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=dict(os.environ, **self.envs))
        try:
            out = p.stdout.read()  # returns at EOF
            still_running = p.poll() is None
        finally:
            db.execute("ROLLBACK")
            db.close()
            _, err = p.communicate(timeout=60)
        self.assertTrue(still_running, "stdout ended only when kcon exited")
        self.assertEqual(p.returncode, 0, err)
        self.assertIn(topic, [t["name"] for t in json.loads(out)["topics"]])
        # Had stdout ended only at exit, the lock would have outlived kcon's wait: nothing stored.
        p, docs = self.k.json("--offline", "topics", topic, env=self.envs)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual([t["name"] for t in docs[0]["topics"]], [topic], f"not stored; kcon said: {err}")

    def test_nothing_stored(self):
        # --offline with an empty store: nothing to show, exit 3 and a hint
        p = self.k.run("--offline", "topics", env=self.envs)
        self.assertEqual(p.returncode, 3)
        self.assertIn("no stored snapshot", p.stderr)
        # another cluster's snapshot never stands in for an unknown bootstrap
        self.k.one("topics", env=self.envs)
        p, docs = Kcon(DOWN, ["--timeout", "3s"]).json("topics", env=self.envs)
        self.assertEqual(p.returncode, 3)
        self.assertEqual(len(docs), 1, p.stdout)
        self.assertNotIn("topics", docs[0])
        self.assertIn("cannot reach", docs[0]["error"]["message"])
        # --no-history: the plain error
        p = self.k.run("--offline", "--no-history", "topics", env=self.envs)
        self.assertEqual(p.returncode, 3)
        self.assertIn("history is off", p.stderr)


class SparklineTest(StoreCase):
    """Lag sparklines in `groups`, `lag` and `group lag` tables on a terminal, never in JSON or CSV."""

    def on_tty(self, *args, lang="C.UTF-8"):
        """Runs kcon with stdout on a 160-column pseudo-terminal; returns (exit status, output)."""
        env = kcon_env(LANG=lang, **self.envs)
        for k in ("LC_ALL", "LC_CTYPE", "KCON_BOOTSTRAP", "KCON_PROFILE"):
            env.pop(k, None)
        rc, out, _ = run_on_tty([KCON, "-b", self.bootstrap, *args], env)
        return rc, out

    def test_sparklines(self):
        topic, group = self.create_topic(1), unique("g")
        kcat_produce(self.bootstrap, topic, [f"m{i}" for i in range(100)], partition=0)
        for committed in (0, 60, 100):
            self.k.one("group", "reset", group, "--topic", topic, "--to-offset", committed, "--execute")
            self.k.one("history", "tick", "--groups", group, env=self.envs)
        for cmd in (["groups", group], ["lag"]):
            rc, out = self.on_tty(*cmd)
            self.assertEqual(rc, 0, out)
            self.assertIn("LAG 1H", out)
            row = [l for l in out.splitlines() if group in l]
            self.assertEqual(len(row), 1, out)
            self.assertTrue(any(c in row[0] for c in "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588"), out)
        rc, out = self.on_tty("group", "lag", group)
        self.assertEqual(rc, 0, out)
        self.assertIn("Lag 1h:", out)
        rc, out = self.on_tty("groups", group, lang="C")
        self.assertEqual(rc, 0, out)
        row = [l for l in out.splitlines() if group in l][0]
        self.assertFalse(any(ord(c) > 127 for c in row), row)
        self.assertRegex(row, r"[_.=+*#@-]+$")
        # never in JSON or CSV, on a terminal or not
        rc, out = self.on_tty("-o", "csv", "groups", group)
        self.assertEqual(rc, 0, out)
        self.assertIn(group, out)  # the CSV is there, without the sparklines
        self.assertNotIn("spark", out.lower())
        self.assertNotIn("LAG 1H", out)
        self.assertNotIn("sparkline", self.k.one("groups", group, env=self.envs)["groups"][0])
        self.assertNotIn("sparkline", self.k.one("group", "lag", group, env=self.envs))
        p = self.k.run("groups", group, env=self.envs)  # a table piped elsewhere
        self.assertNotIn("LAG 1H", p.stdout)


if __name__ == "__main__":
    unittest.main()
