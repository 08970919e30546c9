"""Retention of the history store on the real broker: `--retention` and the config file's "retention"
set what `history prune` keeps; a short raw retention rolls real samples up and drops them."""

import json
import os
import sqlite3
import time
import unittest

from kcontest import StoreTestCase, config_dir, kcat_produce, unique, wait_until


class RetentionTest(StoreTestCase):
    state_prefix = "kcon-ret-"

    def run_json(self, *args, env=None):
        e = dict(self.envs)
        e.update(env or {})
        return self.k.json(*args, env=e)

    def count(self, sql):
        p, docs = self.run_json("history", "sql", sql)
        self.assertEqual(p.returncode, 0, p.stderr)
        return docs[0]["rows"][0]["n"]

    def record(self):
        """Two real ticks of a group with lag, then every sample moved 3 hours into the past."""
        topic, group = unique("ret"), unique("ret-g")
        self.k.one("topic", "create", topic, "--partitions", 1, "--replication-factor", 1)
        self.addCleanup(self.k.run, "topic", "delete", topic, "--yes")
        self.addCleanup(self.k.run, "group", "delete", group, "--yes")
        kcat_produce(self.bootstrap, topic, [f"m{i}" for i in range(20)])
        self.k.one("group", "reset", group, "--topic", topic, "--to-offset", 5, "--execute")
        for _ in range(2):
            t = int(time.time())
            wait_until(lambda: int(time.time()) > t, what="the next second", interval=0.02)
            p, docs = self.run_json("history", "tick", "--groups", group)
            self.assertEqual(p.returncode, 0, p.stderr)
        db = sqlite3.connect(os.path.join(self.state, "history.db"))
        # `sample` is a view over the hour being written (sample_raw) and the packed past hours
        # (sample_pack, whose rows' times move by whole hours); a tick may have packed the last hour
        db.execute("UPDATE sample_raw SET ts = ts - 3 * 3600")
        db.execute("UPDATE sample_pack SET ts = ts - 3 * 3600")
        db.commit()
        db.close()
        return group

    def test_short_raw_retention_rolls_up_and_drops(self):
        group = self.record()
        totals = "SELECT count(*) AS n FROM sample s JOIN series x ON x.id = s.series WHERE x.grp = '%s' AND x.part < 0"
        self.assertEqual(self.count(totals % group), 2)
        # The default 24 h keeps rows of 3 hours ago raw.
        p, docs = self.run_json("history", "prune")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(docs[0]["retention"], {"raw_s": 86400, "minute_s": 7 * 86400, "hour_s": 90 * 86400})
        self.assertEqual(self.count(totals % group), 2)
        # raw=1h: they are past it, so rolled up (per minute) and dropped.
        p, docs = self.run_json("--retention", "raw=1h", "history", "prune")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(docs[0]["retention"]["raw_s"], 3600)
        self.assertEqual(self.count(totals % group), 0)
        self.assertEqual(self.count("SELECT count(*) AS n FROM sample"), 0)
        rolled = ("SELECT count(*) AS n FROM rollup r JOIN series x ON x.id = r.series "
                  "WHERE x.grp = '%s' AND x.part < 0 AND r.res = 60" % group)
        self.assertGreaterEqual(self.count(rolled), 1)
        lag = self.run_json("history", "lag", group, "--since", "4h")[1][0]
        self.assertEqual(lag["points"][-1]["lag"], 15, "the roll-up keeps the lag")
        # minute=1h too: the per-minute roll-ups of 3 hours ago go as well; the hourly ones stay.
        p, docs = self.run_json("--retention", "raw=1h,minute=1h", "history", "prune")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.count(rolled), 0)
        self.assertGreaterEqual(self.count(rolled.replace("r.res = 60", "r.res = 3600")), 1)

    def test_older_than_drops_and_counts(self):
        self.record()
        n = self.count("SELECT count(*) AS n FROM sample")
        self.assertGreater(n, 0)
        # within the default retention, but older than 2 hours: the rows of 3 hours ago go, and only they count
        p, docs = self.run_json("history", "prune", "--older-than", "2h")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(docs[0]["changes"], n)
        self.assertEqual(self.count("SELECT count(*) AS n FROM sample"), 0)
        self.assertEqual(self.count("SELECT count(*) AS n FROM snapshot"), 1)
        p, docs = self.run_json("history", "prune", "--older-than", "2h")
        self.assertEqual(docs[0]["changes"], 0)

    def damage(self, sid):
        """Cuts series sid's one packed row short, moved to 10 s into its hour; returns the hour."""
        db = sqlite3.connect(os.path.join(self.state, "history.db"))
        self.assertEqual(db.execute("SELECT count(*) FROM sample_pack WHERE series = ?", (sid,)).fetchone()[0], 1)
        db.execute("UPDATE sample_pack SET ts = ts / 3600 * 3600 + 10, data = substr(data, 1, length(data) - 1) "
                   "WHERE series = ?", (sid,))
        hour = db.execute("SELECT ts / 3600 * 3600 FROM sample_pack WHERE series = ?", (sid,)).fetchone()[0]
        db.commit()
        db.close()
        return hour

    def test_damaged_packed_rows_dropped_by_prune(self):
        """A packed row damaged on disk: reads fail with a hint to run `history prune`, which drops that
        row alone (counted in damaged_rows), wherever it is; `--older-than` inside its hour drops one too,
        instead of failing on it again."""
        group = self.record()
        p, docs = self.run_json("history", "prune")  # packs the rows of 3 hours ago
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(docs[0]["damaged_rows"], 0)
        db = sqlite3.connect(os.path.join(self.state, "history.db"))
        total = db.execute("SELECT id FROM series WHERE grp = ? AND part < 0", (group,)).fetchone()[0]
        part = db.execute("SELECT id FROM series WHERE grp = ? AND part >= 0 AND id IN "
                          "(SELECT series FROM sample_pack) ORDER BY id LIMIT 1", (group,)).fetchone()[0]
        db.close()
        others = self.count("SELECT count(*) AS n FROM sample WHERE series <> %d" % total)
        self.damage(total)
        p = self.k.run("history", "lag", group, "--since", "5h", env=self.envs)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("damaged", p.stderr)
        self.assertIn("`kcon history prune` drops", p.stderr)
        # the hint's prune: that row dropped, every other series' samples kept
        p, docs = self.run_json("history", "prune")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(docs[0]["damaged_rows"], 1)
        self.assertEqual(self.count("SELECT count(*) AS n FROM sample_pack WHERE series = %d" % total), 0)
        self.assertEqual(self.count("SELECT count(*) AS n FROM sample WHERE series <> %d" % total), others)
        # --older-than 10 minutes into a damaged row's hour drops it rather than failing on it
        hour = self.damage(part)
        older = int(time.time()) - (hour + 600)
        p, docs = self.run_json("history", "prune", "--older-than", f"{older}s")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(docs[0]["damaged_rows"], 1)
        self.assertEqual(self.count("SELECT count(*) AS n FROM sample_pack WHERE series = %d" % part), 0)
        # the view reads again (sample_unpack no longer meets a damaged row); the prune after finds none
        self.assertEqual(self.count("SELECT count(*) AS n FROM sample WHERE series IN (%d, %d)" % (total, part)), 0)
        p, docs = self.run_json("history", "prune", "--older-than", f"{older}s")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(docs[0]["damaged_rows"], 0)

    def test_config_file_retention(self):
        conf = config_dir(self, {"retention": "raw=2h,minute=3d"})
        path = os.path.join(conf, "kcon", "config.json")
        env = {"XDG_CONFIG_HOME": conf}
        p, docs = self.run_json("history", "prune", env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(docs[0]["retention"], {"raw_s": 7200, "minute_s": 3 * 86400, "hour_s": 90 * 86400})
        # The command line wins.
        p, docs = self.run_json("--retention", "raw=3h", "history", "prune", env=env)
        self.assertEqual(docs[0]["retention"]["raw_s"], 10800)
        # A bad one is a usage error (exit 2) that names its source.
        with open(path, "w") as f:
            json.dump({"retention": "raw=5x"}, f)
        p = self.k.run("history", "prune", env=dict(self.envs, **env))
        self.assertEqual(p.returncode, 2)
        self.assertIn("config file's retention: raw", p.stderr)
        p = self.k.run("--retention", "raw=100d", "history", "prune", env=self.envs)
        self.assertEqual(p.returncode, 2)
        self.assertIn("at least as long", p.stderr)


if __name__ == "__main__":
    unittest.main()
