"""Consumer groups and lag on the real broker: groups, lag, group describe|lag|reset|delete|delete-offsets.
Offsets are committed with `kcon group reset --execute`; an active member is a kcat balanced consumer."""

import datetime
import os
import signal
import subprocess
import tempfile
import time
import unittest

from kcontest import KCON, BrokerTestCase, kcat_produce, unique, wait_until

SUMMARY_KEYS = {"group", "state", "type", "protocol_type", "assignor", "members", "coordinator", "topics", "total_lag",
                "status", "status_reason"}


class GroupsTest(BrokerTestCase):
    def topic_with(self, counts):
        """A topic with counts[p] messages in partition p; returns its name."""
        t = self.create_topic(len(counts))
        for p, n in enumerate(counts):
            if n:
                kcat_produce(self.bootstrap, t, [f"m{p}-{i}" for i in range(n)], partition=p)
        wait_until(lambda: [p["high"] for p in self.k.one("topic", "describe", t)["partitions"]] == counts,
                   what=f"{t} to hold {counts}")
        return t

    def commit(self, group, spec, offset):
        self.k.one("group", "reset", group, "--topic", spec, "--to-offset", offset, "--execute")

    def committed(self, group, topic):
        doc = self.k.one("group", "lag", group, "--topic", topic)
        return [p["committed"] for p in doc["partitions"]]

    def summary(self, group, *cmd):
        doc = self.k.one(*(cmd or ("groups", group)))
        found = [g for g in doc["groups"] if g["group"] == group]
        return found[0] if found else None

    def test_exact_lag_per_partition_and_total(self):
        t = self.topic_with([10, 20, 30])
        g = unique("g")
        self.commit(g, f"{t}:0", 3)
        self.commit(g, f"{t}:1", 15)
        doc = self.k.one("group", "lag", g)
        rows = [(p["topic"], p["partition"], p["committed"], p["end"], p["lag"], p["no_commit"])
                for p in doc["partitions"]]
        # Partition 2 has no commit: its lag counts from the log start, and it is flagged.
        self.assertEqual(rows, [(t, 0, 3, 10, 7, False), (t, 1, 15, 20, 5, False), (t, 2, None, 30, 30, True)])
        self.assertEqual(doc["partitions"][2]["start"], 0)
        self.assertEqual(doc["total_lag"], 42)
        self.assertEqual(doc["no_commit"], 1)
        self.assertEqual(doc["topics"], [{"topic": t, "partitions": 3, "lag": 42}])
        self.assertEqual(doc["isolation"], "read_committed")
        uncommitted = self.k.one("-X", "isolation.level=read_uncommitted", "group", "lag", g)
        self.assertEqual(uncommitted["isolation"], "read_uncommitted")
        self.assertEqual(uncommitted["total_lag"], 42)  # no transactions here: both ends agree
        for key in ("committed_read_at", "end_read_at"):
            datetime.datetime.fromisoformat(doc[key].replace("Z", "+00:00"))
        s = self.summary(g)
        self.assertEqual(set(s), SUMMARY_KEYS)
        self.assertEqual((s["state"], s["members"], s["topics"], s["total_lag"], s["protocol_type"], s["type"],
                          s["assignor"]), ("Empty", 0, 1, 42, "simple", "classic", None))  # committed without membership
        self.assertIsInstance(s["coordinator"], int)
        # lag: same shape, filtered by --min and a pattern
        self.assertEqual(self.summary(g, "lag", g), s)
        self.assertIsNone(self.summary(g, "lag", g, "--min", 43))
        self.assertEqual(self.summary(g, "lag", g, "--min", 42)["total_lag"], 42)
        # The table face shows the same numbers.
        out = self.k.run("group", "lag", g, check=True).stdout
        self.assertRegex(out, rf"{t}\s+2\s+-\s+30\s+30\s+yes")

    def test_lag_sorts_and_top(self):
        t = self.topic_with([10])
        prefix = unique("gs")
        for i, off in enumerate([9, 1, 5]):
            self.commit(f"{prefix}-{i}", t, off)
        doc = self.k.one("lag", f"{prefix}-*")
        self.assertEqual([(g["group"], g["total_lag"]) for g in doc["groups"]],
                         [(f"{prefix}-1", 9), (f"{prefix}-2", 5), (f"{prefix}-0", 1)])
        top = self.k.one("lag", f"{prefix}-*", "--top", 1)
        self.assertEqual([g["group"] for g in top["groups"]], [f"{prefix}-1"])
        names = [g["group"] for g in self.k.one("groups", prefix)["groups"]]
        self.assertEqual(names, sorted(names))
        self.assertEqual(len(names), 3)

    def test_transactional_topic_lag(self):
        """Lag against the end a read_committed consumer sees (the LSO), or with -X isolation.level=
        read_uncommitted the high watermark, while a transaction is open."""
        # tests/lib/txn_producer.c, built next to kcon on the same librdkafka
        helper = os.path.join(os.path.dirname(os.path.abspath(KCON)), "kcon-txn-producer")
        self.assertTrue(os.access(helper, os.X_OK), f"{helper} is built with the tests")
        t = self.topic_with([0])
        g = unique("g")
        self.commit(g, t, 0)
        producer = subprocess.Popen([helper, self.bootstrap, t, unique("txn"), "5", "3"], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            self.assertEqual(producer.stdout.readline().strip(), "open", producer.stderr)
            # 5 messages and the commit marker are stable; 3 more are in the open transaction.
            committed = self.k.one("group", "lag", g)
            self.assertEqual((committed["isolation"], committed["partitions"][0]["end"], committed["total_lag"]),
                             ("read_committed", 6, 6))
            everything = self.k.one("-X", "isolation.level=read_uncommitted", "group", "lag", g)
            self.assertEqual((everything["isolation"], everything["partitions"][0]["end"],
                              everything["total_lag"]), ("read_uncommitted", 9, 9))
        finally:
            _, err = producer.communicate(timeout=60)  # closes its stdin: it aborts the transaction
            self.assertEqual(producer.returncode, 0, err)
        # After the abort (its marker takes offset 9) both ends are 10.
        self.assertEqual(self.k.one("group", "lag", g)["total_lag"], 10)

    def test_group_without_commits(self):
        t = self.topic_with([4, 6])
        g = unique("g")
        doc = self.k.one("group", "lag", g, "--topic", t)
        self.assertEqual([(p["committed"], p["lag"], p["no_commit"]) for p in doc["partitions"]],
                         [(None, 4, True), (None, 6, True)])
        self.assertEqual(doc["total_lag"], 10)
        p = self.k.run("group", "lag", g)
        self.assertEqual(p.returncode, 1)
        self.assertIn("unknown group", p.stderr)

    def test_group_on_several_topics(self):
        a, b = self.topic_with([10, 10]), self.topic_with([7])
        g = unique("g")
        self.commit(g, a, 4)
        self.commit(g, b, 2)
        doc = self.k.one("group", "lag", g)
        self.assertEqual(sorted((x["topic"], x["lag"]) for x in doc["topics"]), sorted([(a, 12), (b, 5)]))
        self.assertEqual(doc["total_lag"], 17)
        self.assertEqual(self.summary(g)["topics"], 2)
        only = self.k.one("group", "lag", g, "--topic", b)
        self.assertEqual(only["total_lag"], 5)
        self.assertEqual({p["topic"] for p in only["partitions"]}, {b})

    def reset(self, g, *args):
        """Previews, checks nothing changed, executes, and returns the executed plan."""
        before = self.k.one("group", "lag", g)["partitions"]
        plan = self.k.one("group", "reset", g, *args)
        self.assertFalse(plan["executed"])
        self.assertEqual(self.k.one("group", "lag", g)["partitions"], before)
        done = self.k.one("group", "reset", g, *args, "--execute")
        self.assertTrue(done["executed"])
        self.assertEqual([(p["topic"], p["partition"], p["new"]) for p in done["partitions"]],
                         [(p["topic"], p["partition"], p["new"]) for p in plan["partitions"]])
        return done

    def test_reset_each_kind(self):
        t = self.topic_with([10, 20])
        g = unique("g")
        self.commit(g, t, 5)
        self.assertEqual(self.committed(g, t), [5, 5])

        self.reset(g, "--topic", t, "--to-earliest")
        self.assertEqual(self.committed(g, t), [0, 0])

        self.reset(g, "--all-topics", "--to-latest")
        self.assertEqual(self.committed(g, t), [10, 20])

        plan = self.reset(g, "--topic", f"{t}:1", "--to-offset", 12)
        self.assertEqual([(p["partition"], p["current"], p["new"], p["delta"]) for p in plan["partitions"]],
                         [(1, 20, 12, -8)])
        self.assertEqual(self.committed(g, t), [10, 12])

        plan = self.reset(g, "--topic", t, "--to-offset", 15)  # clamped to the end of partition 0
        self.assertEqual([(p["new"], p["clamped"]) for p in plan["partitions"]], [(10, "end"), (15, None)])
        self.assertEqual(self.committed(g, t), [10, 15])

        plan = self.reset(g, "--topic", t, "--shift-by", -12)
        self.assertEqual([(p["new"], p["clamped"]) for p in plan["partitions"]], [(0, "start"), (3, None)])
        self.assertEqual(self.committed(g, t), [0, 3])
        self.reset(g, "--topic", t, "--shift-by", "+4")
        self.assertEqual(self.committed(g, t), [4, 7])

        self.reset(g, "--topic", t, "--by-duration", "-1h")  # every message is younger than an hour
        self.assertEqual(self.committed(g, t), [0, 0])
        self.reset(g, "--topic", t, "--by-duration", "PT0.001S")  # nothing that young: the end
        self.assertEqual(self.committed(g, t), [10, 20])

        # to-datetime: an instant between two batches of partition 0
        mark = time.time()
        wait_until(lambda: time.time() > mark + 0.005, what="the clock to move")
        kcat_produce(self.bootstrap, t, ["late-1", "late-2"], partition=0)
        iso = datetime.datetime.fromtimestamp(mark, datetime.timezone.utc).isoformat(timespec="milliseconds")
        self.reset(g, "--topic", t, "--to-datetime", iso)
        self.assertEqual(self.committed(g, t), [10, 20])  # first message at or after the mark; p1 has none
        self.reset(g, "--topic", t, "--to-datetime", "2000-01-01T00:00:00Z")
        self.assertEqual(self.committed(g, t), [0, 0])

        # export a plan, then apply it from the file
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "plan.csv")
            plan = self.k.one("group", "reset", g, "--topic", t, "--to-offset", 6, "--export", path)
            self.assertEqual(plan["exported"], path)
            with open(path) as f:
                self.assertEqual(f.read(), f"topic,partition,current,new,delta,clamped\n{t},0,0,6,6,\n{t},1,0,6,6,\n")
            self.assertEqual(self.committed(g, t), [0, 0])
            self.reset(g, "--from-file", path)
            self.assertEqual(self.committed(g, t), [6, 6])
            with open(path, "w") as f:  # Kafka's own export format
                f.write(f"{t},0,1\n{t},1,2\n")
            self.reset(g, "--from-file", path)
            self.assertEqual(self.committed(g, t), [1, 2])

    def test_reset_usage_errors(self):
        t = self.topic_with([1])
        g = unique("g")
        for args in (["--topic", t], ["--topic", t, "--to-earliest", "--to-latest"], ["--to-earliest"],
                     ["--topic", t, "--all-topics", "--to-earliest"], ["--topic", t, "--by-duration", "soon"],
                     ["--topic", t, "--to-datetime", "2024-13-01"]):
            p = self.k.run("group", "reset", g, *args)
            self.assertEqual(p.returncode, 2, f"{args}: {p.stderr}")
        p = self.k.run("group", "reset", g, "--topic", f"{t}:5", "--to-earliest")
        self.assertEqual(p.returncode, 1)
        self.assertIn("no partition 5", p.stderr)
        # A read-only session may preview a reset, never apply it.
        self.assertEqual(self.k.run("--read-only", "group", "reset", g, "--topic", t, "--to-earliest").returncode, 0)
        p = self.k.run("--read-only", "group", "reset", g, "--topic", t, "--to-earliest", "--execute")
        self.assertEqual(p.returncode, 1)
        self.assertIn("read-only", p.stderr)
        self.assertEqual(self.k.run("--read-only", "group", "delete", g, "--yes").returncode, 1)

    def test_active_member_refuses_reset(self):
        t = self.topic_with([5, 5])
        g = unique("g")
        consumer = subprocess.Popen(["kcat", "-b", self.bootstrap, "-G", g, "-o", "beginning", "-q", t],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            def joined():
                p, docs = self.k.json("group", "describe", g)  # unknown until kcat's first join
                d = docs[0] if p.returncode == 0 else None
                return d if d and d["state"] == "Stable" and len(d["members"]) == 1 and d["members"][0][
                    "partitions"] else None

            desc = wait_until(joined, what="the kcat member to join")
            m = desc["members"][0]
            self.assertEqual(sorted(m["partitions"]), [f"{t}:0", f"{t}:1"])
            self.assertEqual(m["assignment"], f"{t}:0-1")
            self.assertEqual(m["client_id"], "rdkafka")
            self.assertTrue(m["host"])
            self.assertIsInstance(desc["coordinator"], int)
            self.assertEqual((desc["type"], desc["protocol_type"], desc["assignor"]), ("classic", "consumer", "range"))
            self.assertEqual((m["target_partitions"], m["target_assignment"]), (None, None))  # classic: no target
            self.assertEqual(self.summary(g)["members"], 1)
            lag = self.k.one("group", "lag", g, "--topic", t)
            self.assertEqual({p["member"]["member_id"] for p in lag["partitions"]}, {m["member_id"]})
            p = self.k.run("group", "reset", g, "--topic", t, "--to-earliest", "--execute")
            self.assertEqual(p.returncode, 1)
            self.assertIn("active member", p.stderr)
            plan = self.k.one("group", "reset", g, "--topic", t, "--to-earliest")
            self.assertIn("active members", plan["note"])
            p = self.k.run("group", "delete", g, "--yes")
            self.assertEqual(p.returncode, 1)
            self.assertIn(f"delete group {g}: the group has active members", p.stderr)
            self.assertIn("stop the group's consumers first", p.stderr)
        finally:
            consumer.send_signal(signal.SIGINT)
            consumer.wait(timeout=30)

    def test_many_classic_groups_described_in_bulk(self):
        """`lag` of many classic groups describes them with one DescribeGroups per broker (librdkafka's
        DescribeConsumerGroups asks each one twice): each summary is what the group's own `group
        describe` says, and a member's assignment, read from the group's own bytes, counts its
        partitions even before anything is committed."""
        t = self.topic_with([5, 7])
        prefix = unique("bulk")
        groups = [f"{prefix}-{i:02d}" for i in range(18)]
        script = "; ".join(f"group reset {g} --topic {t} --to-offset {i % 5} --execute"
                           for i, g in enumerate(groups[1:], 1))
        p = self.k.run("-e", script)
        self.assertEqual(p.returncode, 0, p.stderr)
        # groups[0]: a classic member that never commits (its lag comes from its assignment alone)
        consumer = subprocess.Popen(["kcat", "-b", self.bootstrap, "-G", groups[0], "-X", "enable.auto.commit=false",
                                     "-o", "end", "-q", t], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            def joined():
                p, docs = self.k.json("group", "describe", groups[0])
                d = docs[0] if p.returncode == 0 else None
                return d if d and d["state"] == "Stable" and len(d["members"]) == 1 and d["members"][0][
                    "partitions"] else None

            wait_until(joined, what="the kcat member to join")
            doc = self.k.one("lag", f"{prefix}-*")
            by = {g["group"]: g for g in doc["groups"]}
            self.assertEqual(sorted(by), groups)
            for g in groups:
                one = self.k.one("group", "describe", g)
                s = by[g]
                self.assertNotIn("error", s)
                self.assertEqual((s["state"], s["type"], s["protocol_type"], s["assignor"], s["members"],
                                  s["coordinator"]),
                                 (one["state"], one["type"], one["protocol_type"], one["assignor"],
                                  len(one["members"]), one["coordinator"]), g)
            active = by[groups[0]]
            self.assertEqual((active["state"], active["type"], active["protocol_type"], active["members"]),
                             ("Stable", "classic", "consumer", 1))
            # nothing committed: lag from each partition's log start, topics from the assignment
            self.assertEqual((active["topics"], active["total_lag"]), (1, 12))
            self.assertEqual((by[groups[3]]["state"], by[groups[3]]["members"], by[groups[3]]["total_lag"]),
                             ("Empty", 0, 2 + 4))
        finally:
            consumer.send_signal(signal.SIGINT)
            consumer.wait(timeout=30)

    def test_delete_group(self):
        t = self.topic_with([3])
        g = unique("g")
        self.commit(g, t, 1)
        p = self.k.run("group", "delete", g)  # no terminal, no --yes: refused
        self.assertEqual(p.returncode, 2)
        self.assertIsNotNone(self.summary(g))
        self.assertEqual(self.k.one("group", "delete", g, "--yes"), {"group": g, "deleted": True})
        self.assertIsNone(self.summary(g))
        self.assertEqual(self.k.run("group", "lag", g).returncode, 1)
        p = self.k.run("group", "delete", g, "--yes")
        self.assertEqual(p.returncode, 1)
        self.assertIn(f"delete group {g}: no such group", p.stderr)
        self.assertIn("`groups` lists the groups", p.stderr)

    def test_delete_offsets(self):
        a, b = self.topic_with([3]), self.topic_with([4])
        g = unique("g")
        self.commit(g, a, 1)
        self.commit(g, b, 2)
        doc = self.k.one("group", "delete-offsets", g, "--topic", a, "--yes")
        self.assertEqual(doc["partitions"], [{"topic": a, "partition": 0, "deleted": True, "error": None}])
        self.assertEqual({p["topic"] for p in self.k.one("group", "lag", g)["partitions"]}, {b})

    def test_wait_max(self):
        t = self.topic_with([8])
        g = unique("g")
        self.commit(g, t, 2)
        p = self.k.run("group", "lag", g, "--wait-max", 0, "--timeout", 0.5, "--interval", 0.1)
        self.assertEqual(p.returncode, 1)
        self.assertIn("still above 0", p.stderr)
        self.assertIn("total lag 6", p.stderr)
        self.assertEqual(self.k.one("group", "lag", g, "--wait-max", 6)["total_lag"], 6)
        waiter = subprocess.Popen([KCON, "-b", self.bootstrap, "-o", "json", "group", "lag", g, "--wait-max", "1",
                                   "--timeout", "60", "--interval", "0.1"], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        try:
            self.commit(g, t, 7)
            out, err = waiter.communicate(timeout=60)
        finally:
            if waiter.poll() is None:
                waiter.kill()
        self.assertEqual(waiter.returncode, 0, err)
        self.assertIn("waiting for <= 1", err)
        import json
        self.assertEqual(json.loads(out)["total_lag"], 1)

        # A group that does not exist yet is waited for too (a deploy starts its consumer later).
        late = unique("g")
        waiter = subprocess.Popen([KCON, "-b", self.bootstrap, "-o", "json", "group", "lag", late, "--wait-max", "0",
                                   "--timeout", "60", "--interval", "0.1"], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        try:
            wait_until(lambda: "no committed offsets yet" in (waiter.stderr.readline() or ""),
                       what="the waiter to report the missing group")
            self.commit(late, t, 8)
            out, err = waiter.communicate(timeout=60)
        finally:
            if waiter.poll() is None:
                waiter.kill()
        self.assertEqual(waiter.returncode, 0, err)
        self.assertEqual(json.loads(out)["total_lag"], 0)

    def test_wait_max_stops_at_once_on_a_signal(self):
        """SIGINT or SIGTERM during `group lag --wait-max` ends the wait at once (it napped its whole
        --interval, retrying on EINTR): the command fails with what it saw (1), a script stops by the
        signal (130, 143) and runs nothing after it."""
        t = self.topic_with([8])
        g = unique("g")
        self.commit(g, t, 2)
        wait = f"group lag {g} --wait-max 0 --timeout 1h --interval 1h"
        for sig in (signal.SIGINT, signal.SIGTERM):
            for argv, statuses in ((wait.split(), (1,)), (["-e", f"{wait}; brokers"], (128 + sig, -sig))):
                p = subprocess.Popen([KCON, "-b", self.bootstrap, "-o", "json", *argv], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
                self.addCleanup(lambda p=p: p.poll() is None and p.kill())
                wait_until(lambda: "waiting for <= 0" in (p.stderr.readline() or ""), what="the first sample")
                p.send_signal(sig)
                out, err = p.communicate(timeout=20)  # an hour's nap otherwise
                self.assertIn(p.returncode, statuses, err)
                self.assertIn(f"group {g}: interrupted after", err)
                self.assertIn("total lag 6 (waiting for <= 0)", err)
                self.assertNotIn("brokers", out)

    def test_state_filter_and_usage(self):
        t = self.topic_with([2])
        g = unique("g")
        self.commit(g, t, 0)
        self.assertIsNotNone(self.summary(g, "groups", g, "--state", "empty"))
        self.assertIsNone(self.summary(g, "groups", g, "--state", "Stable"))
        self.assertEqual(self.k.run("groups", "--state", "sleepy").returncode, 2)
        self.assertEqual(self.k.run("group", "describe", unique("nope")).returncode, 1)
        doc = self.k.one("group", "describe", g)
        self.assertEqual((doc["group"], doc["state"], doc["members"]), (g, "Empty", []))
        self.assertEqual(doc["protocol_type"], "simple")  # offsets committed without membership

    def test_describe_group_of_another_protocol_type(self):
        # Kafka Connect's workers join with the protocol type "connect": librdkafka's
        # DescribeConsumerGroups refuses such a group, and its ListConsumerGroups leaves it out.
        from rawgroup import RawMember
        g = unique("connect")
        member = RawMember(self.bootstrap, g, "connect", protocol="sessioned")
        try:
            doc = self.k.one("group", "describe", g)
            self.assertEqual({k: doc[k] for k in ("group", "state", "type", "protocol_type", "assignor", "coordinator")},
                             {"group": g, "state": "Stable", "type": "classic", "protocol_type": "connect",
                              "assignor": "sessioned", "coordinator": 1})
            self.assertEqual(len(doc["members"]), 1)
            m = doc["members"][0]
            self.assertEqual((m["member_id"], m["client_id"], m["partitions"]), (member.member, "kcon-test", []))
            p = self.k.run("group", "describe", g)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertRegex(p.stdout, r"Type:\s+classic\n")
            self.assertRegex(p.stdout, r"Protocol:\s+connect\n")
            self.assertIsNone(self.summary(g))
        finally:
            member.close()


class DemoGroupsTest(BrokerTestCase):
    def test_demo_groups_and_lag(self):
        import json
        p = self.k.run("--demo", "-o", "json", "-e",
                       "groups; group lag fraud-detector --wait-max 1000000000 --timeout 60 --interval 0.2; "
                       "group describe fraud-detector", bootstrap=False)
        docs = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
        self.assertEqual(p.returncode, 1, p.stderr)  # describe is beyond the mock, and says so
        self.assertEqual(docs[0]["source"], "demo")
        self.assertIn("cannot list or describe groups", docs[0]["note"])
        self.assertEqual({g["group"] for g in docs[0]["groups"]}, {"fraud-detector", "payments-ledger"})
        lag = docs[1]
        self.assertTrue(lag["partitions"])
        for part in lag["partitions"]:
            self.assertEqual(part["topic"], "credit.scores")
            self.assertEqual(part["lag"], part["end"] - part["committed"])
        self.assertEqual(lag["total_lag"], sum(x["lag"] for x in lag["partitions"]))
        self.assertIn("cannot describe groups", docs[2]["error"]["message"])


if __name__ == "__main__":
    unittest.main()
