"""Both kinds of consumer group on the real broker (Kafka 4, where KIP-848's consumer protocol is on by
default): a group whose member uses `group.protocol=consumer` (the broker assigns) beside a classic one.
The members are tests/lib/group_consumer.c on kcon's own librdkafka; Kafka's ConsumerGroupCommand is the
oracle for lag."""

import os
import subprocess
import unittest

from groupmember import HELPER, Member
from kcontest import BrokerTestCase, kcat_produce, state_dir, unique, wait_until

class Kip848Test(BrokerTestCase):
    def setUp(self):
        self.assertTrue(os.access(HELPER, os.X_OK), f"{HELPER} is built with the tests")
        self.topic = self.scratch_topic(partitions=3)
        for p, n in enumerate([10, 20, 30]):
            kcat_produce(self.bootstrap, self.topic, [f"m{p}-{i}" for i in range(n)], partition=p)
        wait_until(lambda: [p["high"] for p in self.k.one("topic", "describe", self.topic)["partitions"]] ==
                   [10, 20, 30], what="the topic's messages")
        self.prefix = unique("kip848")
        self.members = {}

    def tearDown(self):
        for m in self.members.values():
            m.close()
        self.members.clear()

    def join(self, protocol, count=25):
        """A group of one member of this protocol that has read and committed `count` messages."""
        group = f"{self.prefix}-{protocol}"
        m = self.members[group] = Member(self.bootstrap, group, self.topic, protocol, count)
        want = f"assigned {self.topic}:0,{self.topic}:1,{self.topic}:2"
        self.assertTrue(m.wait_for(want, f"the {protocol} member's assignment"), m.lines)
        self.assertTrue(m.wait_for(f"committed {count}", f"the {protocol} member's commit"), m.lines)
        return group

    def leave(self, group):
        rc, err = self.members.pop(group).close()
        self.assertEqual(rc, 0, err)
        wait_until(lambda: self.k.one("group", "describe", group)["members"] == [], what=f"{group} to be empty")

    def stable(self, group):
        """The group's description once it is Stable with its member holding its whole target."""
        def ready():
            d = self.k.one("group", "describe", group)
            m = d["members"]
            return d if d["state"] == "Stable" and len(m) == 1 and m[0]["partitions"] and \
                (d["type"] == "classic" or sorted(m[0]["partitions"]) == sorted(m[0]["target_partitions"])) else None
        return wait_until(ready, what=f"{group} to be stable")

    def oracle(self, group):
        """Kafka's ConsumerGroupCommand --describe: {partition: (current or None, end, lag or None, consumer id)}."""
        p = subprocess.run([os.environ["KCON_KAFKA_CTL"], "tool", "--workdir", os.environ["KCON_TEST_BROKER_DIR"],
                            "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand", "--bootstrap-server",
                            self.bootstrap, "--describe", "--group", group], capture_output=True, text=True,
                           timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        rows = {}
        for line in p.stdout.splitlines():
            f = line.split()
            if len(f) >= 7 and f[0] == group and f[1] == self.topic:
                num = lambda s: None if s == "-" else int(s)  # noqa: E731
                rows[int(f[2])] = (num(f[3]), int(f[4]), num(f[5]), f[6])
        return rows

    def test_both_kinds_listed_described_and_lagged(self):
        consumer, classic = self.join("consumer"), self.join("classic")
        d = self.stable(consumer)
        self.assertEqual((d["type"], d["protocol_type"], d["state"]), ("consumer", "consumer", "Stable"))
        self.assertIn(d["assignor"], ("uniform", "range"))  # the broker's assignor
        self.assertIsInstance(d["coordinator"], int)
        m = d["members"][0]
        t = self.topic
        self.assertEqual((m["client_id"], m["assignment"], m["target_assignment"]),
                         ("kcon-group-consumer", f"{t}:0-2", f"{t}:0-2"))
        self.assertEqual(sorted(m["target_partitions"]), [f"{t}:0", f"{t}:1", f"{t}:2"])
        c = self.stable(classic)
        self.assertEqual((c["type"], c["protocol_type"], c["assignor"]), ("classic", "consumer", "range"))
        cm = c["members"][0]
        self.assertEqual((cm["assignment"], cm["target_partitions"], cm["target_assignment"]), (f"{t}:0-2", None, None))

        # groups and lag: the type beside the protocol, for both
        for cmd in ("groups", "lag"):
            doc = self.k.one(cmd, self.prefix)
            rows = {g["group"]: (g["type"], g["protocol_type"], g["members"], g["total_lag"]) for g in doc["groups"]}
            self.assertEqual(rows, {consumer: ("consumer", "consumer", 1, 35), classic: ("classic", "consumer", 1, 35)})
            assignors = {g["group"]: g["assignor"] for g in doc["groups"]}
            self.assertEqual(assignors, {consumer: d["assignor"], classic: "range"})
        out = self.k.run("groups", self.prefix, check=True).stdout
        self.assertRegex(out, r"GROUP\s+STATE\s+TYPE\s")
        self.assertRegex(out, rf"{consumer}\s+Stable\s+consumer\s")
        self.assertRegex(out, rf"{classic}\s+Stable\s+classic\s")
        out = self.k.run("group", "describe", consumer, check=True).stdout
        self.assertRegex(out, r"Type:\s+consumer")
        self.assertRegex(out, rf"kcon-group-consumer\s+\S+\s+{t}:0-2\s+{t}:0-2")

        # the history records both, with their type
        env = {"KCON_STATE_DIR": state_dir(self, "kcon-hist-")}
        self.k.one("history", "tick", "--groups", f"{self.prefix}*", env=env)
        rows = self.k.one("history", "sql", "SELECT grp, state, type FROM group_state ORDER BY grp", env=env)["rows"]
        self.assertEqual(rows, [{"grp": classic, "state": "Stable", "type": "classic"},
                                {"grp": consumer, "state": "Stable", "type": "consumer"}])

        # group lag, per partition, equals Kafka's own ConsumerGroupCommand
        for group in (consumer, classic):
            lag = self.k.one("group", "lag", group)
            self.assertEqual(lag["type"], "consumer" if group == consumer else "classic")
            self.assertEqual(lag["total_lag"], 60 - 25)  # every log starts at 0: uncommitted lag counts from there
            oracle = self.oracle(group)
            self.assertEqual(sorted(oracle), [0, 1, 2], oracle)
            for p in lag["partitions"]:
                current, end, kafka_lag, member = oracle[p["partition"]]
                self.assertEqual((p["committed"], p["end"], p["member"]["member_id"]), (current, end, member))
                if current is None:
                    self.assertTrue(p["no_commit"])
                else:
                    self.assertEqual(p["lag"], kafka_lag)
                # the broker's target for a consumer group; none in a classic one
                self.assertEqual(p["target_member"], p["member"] if group == consumer else None)
            kafka_total = sum(x[2] for x in oracle.values() if x[2] is not None)
            self.assertEqual(kafka_total, sum(p["lag"] for p in lag["partitions"] if not p["no_commit"]))

    def test_reset_and_delete_refused_while_active_then_done(self):
        t = self.topic
        for group in (self.join("consumer"), self.join("classic")):
            before = [p["committed"] for p in self.k.one("group", "lag", group)["partitions"]]
            p = self.k.run("group", "reset", group, "--all-topics", "--to-earliest", "--execute")
            self.assertEqual(p.returncode, 1, p.stdout)
            self.assertIn(f"reset offsets of group {group}: the group has active members: Broker: Unknown member",
                          p.stderr)
            self.assertIn("stop the group's consumers first", p.stderr)
            self.assertEqual([p["committed"] for p in self.k.one("group", "lag", group)["partitions"]], before)
            p = self.k.run("group", "delete", group, "--yes")
            self.assertEqual(p.returncode, 1)
            self.assertIn(f"delete group {group}: the group has active members: Broker: The group is not empty",
                          p.stderr)
            p = self.k.run("group", "delete-offsets", group, "--topic", t, "--yes")
            self.assertEqual(p.returncode, 1)
            self.assertIn("consumer group is subscribed to it", p.stderr)
            self.assertIn("stop them first", p.stderr)

            self.leave(group)
            done = self.k.one("group", "reset", group, "--topic", t, "--to-earliest", "--execute")
            self.assertTrue(done["executed"])
            self.assertEqual([p["committed"] for p in self.k.one("group", "lag", group)["partitions"]], [0, 0, 0])
            doc = self.k.one("group", "delete-offsets", group, "--topic", f"{t}:0", "--yes")
            self.assertEqual(doc["partitions"], [{"topic": t, "partition": 0, "deleted": True, "error": None}])
            self.assertEqual(self.k.one("group", "delete", group, "--yes"), {"group": group, "deleted": True})
            self.assertEqual(self.k.run("group", "describe", group).returncode, 1)


if __name__ == "__main__":
    unittest.main()
