"""History on the real broker: `kcon watch` samples a group the test moves, `history lag|topic|events|
snapshot|sql|export|prune` read what it stored, a read-only `history sql`, kill -9 during writes,
and the corrupt-file path through the binary. Each test has its own state dir."""

import os
import signal
import sqlite3
import stat
import subprocess
import time
import unittest

from kcontest import KCON, Kcon, StoreTestCase, kcat_produce, unique, wait_until


class HistoryCase(StoreTestCase):
    state_prefix = "kcon-hist-"

    def h(self, *args, **kw):
        return self.k.one(*args, env=self.envs, **kw)

    def watch(self, *args):
        """Starts `kcon watch` in the background; returns the process."""
        cmd = [KCON, "-b", self.bootstrap, "-o", "json", "watch", "--interval", "300ms", *args]
        env = dict(os.environ, **self.envs)
        env.setdefault("XDG_CONFIG_HOME", "/nonexistent-kcon-test")
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        def cleanup():
            if p.poll() is None:
                p.kill()
                p.wait()
            p.stdout.close()
            p.stderr.close()
        self.addCleanup(cleanup)
        return p

    def wait_watch(self, w, cond, what, timeout=30):
        """wait_until, telling what watch said when it times out."""
        try:
            return wait_until(cond, timeout=timeout, what=what)
        except AssertionError as e:
            w.kill()
            raise AssertionError(f"{e}; watch said: {w.stderr.read()[-3000:]}") from None

    def stop(self, p):
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 0, err)
        return out, err

    def points(self, group):
        p, docs = self.k.json("history", "lag", group, env=self.envs)
        return docs[0]["points"] if p.returncode == 0 and docs else []

    def commit(self, group, topic, offset):
        self.k.one("group", "reset", group, "--topic", topic, "--to-offset", offset, "--execute")


class HistoryTest(HistoryCase):
    def test_watch_records_lag_and_rate(self):
        topic, group = self.create_topic(1), unique("g")
        kcat_produce(self.bootstrap, topic, [f"a{i}" for i in range(100)], partition=0)
        self.commit(group, topic, 0)
        w = self.watch("--groups", group)
        # samples are whole seconds (a later tick in the same second replaces the row): lag 100 in two
        # seconds, so the first point stays at committed 0 and the rates below have a time span
        self.wait_watch(w, lambda: len({pt["time"] for pt in self.points(group)
                                        if pt["end"] == 100 and pt["committed"] == 0}) >= 2,
                        what="samples with lag 100 in two seconds")
        self.commit(group, topic, 40)
        wait_until(lambda: any(pt["committed"] == 40 for pt in self.points(group)), what="committed 40 sampled")
        kcat_produce(self.bootstrap, topic, [f"b{i}" for i in range(50)], partition=0)
        self.commit(group, topic, 150)
        wait_until(lambda: any(pt["committed"] == 150 and pt["lag"] == 0 for pt in self.points(group)),
                   what="the group caught up at 150")
        out, err = self.stop(w)
        self.assertIn("1 groups", err)
        summary = [l for l in out.splitlines() if l.strip()]
        self.assertEqual(len(summary), 1)

        doc = self.h("history", "lag", group)
        pts = [pt for pt in doc["points"] if not pt["gap"]]
        committed = [pt["committed"] for pt in pts]
        # Only what the test committed, in order, and lag = end - committed at every sample.
        self.assertTrue(set(committed) <= {0, 40, 150}, committed)
        self.assertEqual(committed, sorted(committed))
        for pt in pts:
            self.assertIn(pt["end"], (100, 150))
            self.assertEqual(pt["lag"], pt["end"] - pt["committed"])
        self.assertEqual(pts[-1]["lag"], 0)
        # The consume rate over the window the trend was fitted on: 150 offsets over its span.
        t = doc["trend"]
        self.assertEqual(t["lag"], 0)
        self.assertEqual(t["time_lag"], "caught up")
        span = (time_of(pts[-1]) - time_of(pts[0]))
        want = (pts[-1]["committed"] - pts[0]["committed"]) / span
        self.assertGreater(want, 0)
        self.assertAlmostEqual(t["consume_per_s"], want, delta=0.01)
        self.assertTrue(doc["sparkline"])

        # Per partition: the same numbers from the change-only partition rows.
        doc = self.h("history", "lag", group, "--topic", topic, "--partition", 0)
        self.assertEqual(doc["partitions"][0]["topic"], topic)
        self.assertEqual(doc["partitions"][0]["lag"], 0)
        self.assertEqual(doc["partitions"][0]["time_lag"], "caught up")
        self.assertTrue(doc["partitions"][0]["sparkline"].strip())
        self.assertEqual(doc["trend"]["lag"], 0)
        self.assertEqual(doc["points"][-1]["committed"], 150)
        self.assertEqual(doc["points"][-1]["end"], 150)

        # The topic's end offsets, and msg/s derived from them: 50 messages between the first and last sample.
        doc = self.h("history", "topic", topic)
        ends = [pt["end"] for pt in doc["points"] if not pt["gap"]]
        self.assertEqual(ends[0], 100)
        self.assertEqual(ends[-1], 150)
        first, last = doc["points"][0], doc["points"][-1]
        self.assertAlmostEqual(doc["msg_per_s"], 50 / (time_of(last) - time_of(first)), delta=0.01)

        # The last snapshot, offline: no bootstrap at all.
        snap = self.k.one("--offline", "history", "snapshot", env=self.envs, bootstrap=False)
        self.assertTrue(snap["stale"])
        self.assertIn(topic, [t["name"] for t in snap["topics"]])
        self.assertGreaterEqual(snap["age_s"], 0)
        self.assertEqual(len(snap["brokers"]), 1)

        # Export: CSV with a header and the group's rows.
        p = self.k.run("history", "export", "--csv", env=self.envs, check=True)
        lines = p.stdout.splitlines()
        self.assertEqual(lines[0], "cluster,group,topic,partition,time,resolution_s,committed,end,lag")
        self.assertTrue(any(f",{group},{topic},0," in l for l in lines))

        # The file is private.
        st = os.stat(os.path.join(self.state, "history.db"))
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(os.stat(self.state).st_mode), 0o700)

    def test_events_topic_created_and_deleted(self):
        w = self.watch("--groups", "none-such-group")
        def snap():
            p = self.k.run("history", "snapshot", env=self.envs)
            if w.poll() is not None:
                self.fail(f"watch exited {w.returncode}: {w.stderr.read()}")
            return p.returncode == 0
        wait_until(snap, what="a snapshot")
        topic = self.create_topic(2)
        wait_until(lambda: any(e["kind"] == "topic-created" and e["subject"] == topic
                               for e in self.h("history", "events")["events"]), what="topic-created event")
        self.k.one("topic", "delete", topic, "--yes")
        wait_until(lambda: any(e["kind"] == "topic-deleted" and e["subject"] == topic
                               for e in self.h("history", "events")["events"]), what="topic-deleted event")
        self.stop(w)

    def test_a_principal_that_sees_no_topic_deletes_none(self):
        """alice (no ACLs) sees no topic on the SASL_SSL listener. Her empty answer, stored beside the
        admin's snapshot of the same cluster, was diffed as every topic deleted (and created again at
        the admin's next tick): now it is one topics-unseen event, and the admin's snapshot stays."""
        topic = self.scratch_topic()
        cluster = self.h("history", "tick")["cluster"]
        alice = Kcon(self.env["KCON_TEST_SASL_BOOTSTRAP"],
                     ["--ca", self.env["KCON_TEST_CA"], "--user", "alice",
                      "--password-file", self.env["KCON_TEST_ALICE_PASSWORD_FILE"]])
        self.assertEqual(alice.one("topics", env=self.envs)["topics"], [])  # records her snapshot
        p = alice.run("history", "tick", env=self.envs)
        self.assertIn(p.returncode, (0, 1), p.stderr)  # she may list no group: a failed sample is fine
        self.assertEqual(alice.one("topics", env=self.envs)["topics"], [])
        stored = self.h("history", "snapshot", "--cluster", cluster)["topics"]
        self.assertIn(topic, [t["name"] for t in stored])
        self.h("history", "tick")
        events = self.h("history", "events", "--cluster", cluster)["events"]
        # Other tests create and delete topics on the same broker meanwhile: only ours is watched, which
        # exists all along (before the fix every topic, ours too, was deleted and created again).
        self.assertFalse([e for e in events if e["subject"] == topic and e["kind"] in ("topic-deleted", "topic-created")],
                         events)
        unseen = [e for e in events if e["kind"] == "topics-unseen"]
        self.assertEqual(len(unseen), 1, events)
        self.assertIn("the principal may describe none", unseen[0]["detail"])

    def test_sql_is_read_only(self):
        w = self.watch("--count", "1")
        w.communicate(timeout=60)
        self.assertEqual(w.returncode, 0)
        rows = self.h("history", "sql", "SELECT count(*) AS n FROM cluster")["rows"]
        self.assertEqual(rows, [{"n": 1}])
        # one more sample by `history tick`: the aggregate rows of the topics grow
        tick = self.h("history", "tick")
        self.assertGreater(tick["topic_partitions"], 0)
        sec = int(time_of(tick))
        n = self.h("history", "sql", f"SELECT count(*) AS n FROM sample WHERE ts = {sec}")["rows"][0]["n"]
        self.assertGreaterEqual(n, tick["topic_partitions"] and 1)
        for q in ("DELETE FROM sample", "DROP TABLE sample", "PRAGMA user_version=1",
                  "ATTACH '/tmp/x.db' AS x", "SELECT 1; DELETE FROM sample", "UPDATE cluster SET key='x'"):
            p = self.k.run("history", "sql", q, env=self.envs)
            self.assertEqual(p.returncode, 1, q)
            self.assertIn("history sql", p.stderr)
        self.assertEqual(self.h("history", "sql", "SELECT count(*) AS n FROM cluster")["rows"], [{"n": 1}])
        # prune keeps what is within retention and reports the file size
        doc = self.h("history", "prune")
        self.assertGreater(doc["bytes_after"], 0)
        self.assertEqual(self.h("history", "sql", "SELECT count(*) AS n FROM cluster")["rows"], [{"n": 1}])

    def test_kill_9_during_writes_leaves_a_readable_store(self):
        topic, group = self.create_topic(4), unique("g")
        kcat_produce(self.bootstrap, topic, [f"m{i}" for i in range(40)])
        self.commit(group, topic, 5)
        for round in range(4):
            before = self.sample_count()
            w = self.watch("--interval", "100ms", "--quiet")
            wait_until(lambda: self.sample_count() > before, what="a sample written")
            time.sleep(0.05 * round)  # land the kill at a different point of the tick each round
            w.kill()
            w.wait()
            p = self.k.run("history", "sql", "SELECT count(*) AS n FROM sample", env=self.envs)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertNotIn("moved aside", p.stderr)
        con = sqlite3.connect(os.path.join(self.state, "history.db"))
        self.assertEqual(con.execute("PRAGMA integrity_check").fetchone()[0], "ok")
        con.close()

    def sample_count(self):
        p, docs = self.k.json("history", "sql", "SELECT count(*) AS n FROM sample", env=self.envs)
        return docs[0]["rows"][0]["n"] if p.returncode == 0 and docs else 0

    def test_corrupt_store_is_moved_aside(self):
        path = os.path.join(self.state, "history.db")
        with open(path, "wb") as f:
            f.write(os.urandom(8192))
        p = self.k.run("-o", "json", "watch", "--count", "1", "--quiet", env=self.envs)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr.count("moved aside"), 1)
        self.assertTrue([f for f in os.listdir(self.state) if f.startswith("history.db.corrupt-")])
        self.assertEqual(self.h("history", "sql", "SELECT count(*) AS n FROM cluster")["rows"], [{"n": 1}])

    def test_unreachable_bootstrap_never_seen_records_no_gap_elsewhere(self):
        # a cluster sampled through the test's bootstrap, then a bootstrap never sampled that nobody answers
        self.h("history", "tick")
        p = self.k.run("-b", "127.0.0.1:1", "--timeout", "2", "history", "tick", env=self.envs, bootstrap=False)
        self.assertEqual(p.returncode, 3, p.stderr)
        # the outage belongs to no stored cluster: the sampled one keeps no gap
        self.assertEqual(self.h("history", "sql", "SELECT count(*) AS n FROM gap")["rows"], [{"n": 0}])
        self.assertFalse([e for e in self.h("history", "events")["events"] if e["kind"] == "outage"])

    def test_a_store_that_fails_is_an_error_with_a_hint(self):
        topic = self.create_topic(1)

        def ticked():  # a tick that saw the new topic (a loaded broker may answer without it at first)
            self.h("history", "tick")
            q = f"SELECT count(*) AS n FROM series WHERE topic='{topic}'"
            return self.h("history", "sql", q)["rows"][0]["n"] > 0

        wait_until(ticked, what=f"a tick that records {topic}")
        con = sqlite3.connect(os.path.join(self.state, "history.db"))
        con.execute("DROP TABLE event")
        con.execute("DROP TABLE rollup")
        con.execute("DROP TABLE gap")
        con.commit()
        con.close()
        # a store that cannot be read is an error with SQLite's cause and what to do, never an empty list
        for args, table in ((("history", "events"), "(event|gap)"), (("history", "export"), "rollup"),
                            (("history", "topic", topic), "rollup"), (("history", "prune"), "rollup")):
            p = self.k.run(*args, env=self.envs)
            self.assertEqual(p.returncode, 1, p.stdout)
            self.assertRegex(p.stderr, f"history store: .*no such table: {table}\n")
            self.assertIn("history.db aside", p.stderr)

    def test_no_history_and_unknown_group(self):
        p = self.k.run("--no-history", "history", "lag", "x", env=self.envs)
        self.assertEqual(p.returncode, 1)
        self.assertIn("history is off", p.stderr)
        p = self.k.run("history", "lag", "x", env=self.envs)
        self.assertEqual(p.returncode, 1)
        self.assertIn("kcon watch", p.stderr)
        # --offline never asks the cluster: cluster commands fail at once and point at the snapshot
        p = self.k.run("--offline", "cluster", env=self.envs)
        self.assertEqual(p.returncode, 3)
        self.assertIn("history snapshot", p.stderr)


def time_of(pt):
    import datetime
    return datetime.datetime.strptime(pt["time"], "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()


if __name__ == "__main__":
    unittest.main()
