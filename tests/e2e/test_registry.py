"""The Schema Registry client and the decoders, against the STAND-IN registry of
tests/lib/standin_registry.py (no real registry runs here: docs/testing.md) and the real broker:
schemas and schema, the client's error paths (404, 401, a registry that does not answer in time,
malformed JSON, nothing listening), basic and bearer auth, one request per schema id and the
store's cache, and round trips of Avro (fastavro), JSON Schema and Protobuf (the protobuf package)
records through `tail -o json`, with a decoder error shown beside the bytes."""

import base64
import datetime
import decimal
import io
import json
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import unittest

try:
    import fastavro
except ImportError:  # not packaged by Debian: pip install fastavro (scripts/install-deps)
    fastavro = None
try:
    from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory, timestamp_pb2
except ImportError:
    descriptor_pb2 = None
ENCODERS = fastavro is not None and descriptor_pb2 is not None

from kcontest import BUILD_PLUGINS, KCON, NO_CONFIG, Kcon, BrokerTestCase, wait_until
from standin_registry import StandInRegistry

ORDER = {
    "type": "record", "name": "Order", "namespace": "shop",
    "fields": [
        {"name": "id", "type": "long"},
        {"name": "customer", "type": "string"},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}},
        {"name": "total", "type": {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 2}},
        {"name": "items", "type": {"type": "array", "items": "string"}},
        {"name": "coupon", "type": ["null", "string"]},
        {"name": "state", "type": {"type": "enum", "name": "State", "symbols": ["NEW", "PAID"]}},
    ],
}

PROTO = 'syntax = "proto3";\nmessage Ping { string host = 1; int64 rtt = 2; Inner inner = 3; repeated string tags = 4; }\n' \
        'message Inner { int32 code = 1; }\n'


def ping_class():
    """The Ping message of PROTO, built from a descriptor (no protoc here)."""
    f = descriptor_pb2.FileDescriptorProto(name="ping.proto", syntax="proto3")
    inner = f.message_type.add(name="Inner")
    inner.field.add(name="code", number=1, type=5, label=1)  # int32
    ping = f.message_type.add(name="Ping")
    ping.field.add(name="host", number=1, type=9, label=1)  # string
    ping.field.add(name="rtt", number=2, type=3, label=1)  # int64
    ping.field.add(name="inner", number=3, type=11, label=1, type_name=".Inner")
    ping.field.add(name="tags", number=4, type=9, label=3)  # repeated string
    pool = descriptor_pool.DescriptorPool()
    pool.Add(f)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("Ping"))


READING_PROTO = """syntax = "proto3";
package telemetry.v1;

import "google/protobuf/timestamp.proto";

/* A reading from a device. */
message Reading {
  string device = 1;           // the device's id
  Kind kind = 2;
  repeated double values = 3;  // packed: proto3's default
  map<string, string> labels = 4;
  Location where = 5;
  oneof source {
    string gateway = 6;
    uint32 port = 7;
  }
  repeated Location path = 8;
  int64 seq = 9 [json_name = "sequence"];
  bytes raw = 10;
  sint64 delta = 11;
  map<int32, Location> by_hop = 12;
  google.protobuf.Timestamp at = 13;  // imported: shown by numbers
  reserved 14, 15;
  reserved "old";

  enum Kind {
    KIND_UNSPECIFIED = 0;
    TEMPERATURE = 1;
    HUMIDITY = 2;
  }
  message Location {
    double lat = 1;
    double lon = 2;
    string name = 3;
  }
}

message Ack {
  string device = 1;
  bool ok = 2;
}
"""


def reading_classes():
    """Reading, Reading.Location and Ack of READING_PROTO, from a descriptor built as protoc would (no
    protoc here): the maps' entry messages are nested in declaration order, before Location."""
    F = descriptor_pb2.FieldDescriptorProto
    f = descriptor_pb2.FileDescriptorProto(name="reading.proto", package="telemetry.v1", syntax="proto3",
                                           dependency=["google/protobuf/timestamp.proto"])
    r = f.message_type.add(name="Reading")
    loc = ".telemetry.v1.Reading.Location"

    def entry(name, key, value, value_type=None):
        e = r.nested_type.add(name=name)
        e.options.map_entry = True
        e.field.add(name="key", number=1, type=key, label=F.LABEL_OPTIONAL)
        v = e.field.add(name="value", number=2, type=value, label=F.LABEL_OPTIONAL)
        if value_type:
            v.type_name = value_type
    entry("LabelsEntry", F.TYPE_STRING, F.TYPE_STRING)
    entry("ByHopEntry", F.TYPE_INT32, F.TYPE_MESSAGE, loc)
    kind = r.enum_type.add(name="Kind")
    for n, v in (("KIND_UNSPECIFIED", 0), ("TEMPERATURE", 1), ("HUMIDITY", 2)):
        kind.value.add(name=n, number=v)
    location = r.nested_type.add(name="Location")
    for n, num, t in (("lat", 1, F.TYPE_DOUBLE), ("lon", 2, F.TYPE_DOUBLE), ("name", 3, F.TYPE_STRING)):
        location.field.add(name=n, number=num, type=t, label=F.LABEL_OPTIONAL)
    r.oneof_decl.add(name="source")
    opt, rep = F.LABEL_OPTIONAL, F.LABEL_REPEATED
    for n, num, t, label, tn, oneof in (
            ("device", 1, F.TYPE_STRING, opt, None, None), ("kind", 2, F.TYPE_ENUM, opt, ".telemetry.v1.Reading.Kind", None),
            ("values", 3, F.TYPE_DOUBLE, rep, None, None),
            ("labels", 4, F.TYPE_MESSAGE, rep, ".telemetry.v1.Reading.LabelsEntry", None),
            ("where", 5, F.TYPE_MESSAGE, opt, loc, None), ("gateway", 6, F.TYPE_STRING, opt, None, 0),
            ("port", 7, F.TYPE_UINT32, opt, None, 0), ("path", 8, F.TYPE_MESSAGE, rep, loc, None),
            ("seq", 9, F.TYPE_INT64, opt, None, None), ("raw", 10, F.TYPE_BYTES, opt, None, None),
            ("delta", 11, F.TYPE_SINT64, opt, None, None),
            ("by_hop", 12, F.TYPE_MESSAGE, rep, ".telemetry.v1.Reading.ByHopEntry", None),
            ("at", 13, F.TYPE_MESSAGE, opt, ".google.protobuf.Timestamp", None)):
        fd = r.field.add(name=n, number=num, type=t, label=label)
        if tn:
            fd.type_name = tn
        if oneof is not None:
            fd.oneof_index = oneof
    r.field[8].json_name = "sequence"
    ack = f.message_type.add(name="Ack")
    ack.field.add(name="device", number=1, type=F.TYPE_STRING, label=opt)
    ack.field.add(name="ok", number=2, type=F.TYPE_BOOL, label=opt)
    pool = descriptor_pool.DescriptorPool()
    pool.AddSerializedFile(timestamp_pb2.DESCRIPTOR.serialized_pb)
    pool.Add(f)
    return tuple(message_factory.GetMessageClass(pool.FindMessageTypeByName(f"telemetry.v1.{n}"))
                 for n in ("Reading", "Reading.Location", "Ack"))


def wire(schema_id, payload, indexes=b""):
    return b"\x00" + struct.pack(">I", schema_id) + indexes + payload


class RegistryTest(BrokerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.state = tempfile.mkdtemp(prefix="kcon-registry-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.state, ignore_errors=True)

    def setUp(self):
        self.reg = StandInRegistry(slow_s=5).start()
        self.addCleanup(self.reg.stop)
        self.order_id = self.reg.register("orders-value", json.dumps(ORDER))
        self.json_id = self.reg.register("events-value", json.dumps({"type": "object"}), "JSON")
        self.proto_id = self.reg.register("pings-value", PROTO, "PROTOBUF")

    def kcon(self, *args, url=None, env=None, state=None, **kw):
        e = {"KCON_STATE_DIR": state or self.state, "KCON_PLUGIN_PATH": BUILD_PLUGINS}
        e.update(env or {})
        return self.k.run("--registry", url or self.reg.url, *args, env=e, **kw)

    def one(self, *args, **kw):
        p = self.kcon("-o", "json", *args, **kw)
        self.assertEqual(p.returncode, 0, p.stderr)
        return json.loads(p.stdout)

    def failure(self, *args, status=1, **kw):
        p = self.kcon("-o", "json", *args, **kw)
        self.assertEqual(p.returncode, status, p.stdout + p.stderr)
        return json.loads(p.stdout)["error"]["message"]

    # -- schemas and schema ----------------------------------------------------------------------
    def test_schemas_and_schema(self):
        self.reg.register("orders-value", json.dumps(dict(ORDER, doc="v2")))
        doc = self.one("schemas")
        self.assertEqual(doc["registry"], self.reg.url)
        subjects = {s["subject"]: s for s in doc["subjects"]}
        self.assertEqual(subjects["orders-value"]["version"], 2)
        self.assertEqual(subjects["events-value"], {"subject": "events-value", "version": 1, "id": self.json_id,
                                                    "type": "JSON"})
        self.assertEqual(subjects["pings-value"]["type"], "PROTOBUF")
        one = self.one("schema", "orders-value", "1")
        self.assertEqual((one["version"], one["id"], one["type"], one["versions"]), (1, self.order_id, "AVRO", [1, 2]))
        self.assertEqual(json.loads(one["schema"]), ORDER)
        self.assertEqual(self.one("schema", "orders-value")["version"], 2)
        table = self.kcon("schemas")
        self.assertEqual(table.returncode, 0, table.stderr)
        self.assertIn("orders-value", table.stdout)
        self.assertIn("PROTOBUF", table.stdout)
        # a subject with a slash and a space goes into the path escaped
        self.reg.register("a/b c", json.dumps("string"))
        self.assertEqual(self.one("schema", "a/b c")["schema"], '"string"')

    def test_not_found(self):
        cause = self.failure("schema", "nosuch")
        self.assertIn(f"{self.reg.url}/subjects/nosuch/versions", cause)
        self.assertIn("HTTP 404", cause)
        self.assertIn("40401", cause)
        cause = self.failure("schema", "orders-value", "7")
        self.assertIn("version 7 of subject orders-value", cause)
        self.assertIn("40402", cause)
        self.assertIn("give a version number", json.dumps(self.kcon("-o", "json", "schema", "orders-value", "x").stdout))

    def test_no_registry(self):
        p = self.k.run("-o", "json", "schemas", env={"KCON_STATE_DIR": self.state})
        self.assertEqual(p.returncode, 2)
        self.assertIn("no Schema Registry is set", p.stdout)
        cause = self.failure("schemas", url="ftp://x", status=2)
        self.assertIn("not http:// or https://", cause)

    def test_auth(self):
        basic = StandInRegistry(user="alice", password="s3cret").start()
        self.addCleanup(basic.stop)
        basic.register("s", json.dumps("string"))
        cause = self.failure("schemas", url=basic.url)
        self.assertIn("HTTP 401, not authorised", cause)
        doc = self.one("schemas", url=basic.url,
                       env={"KCON_REGISTRY_USER": "alice", "KCON_REGISTRY_PASSWORD": "s3cret"})
        self.assertEqual([s["subject"] for s in doc["subjects"]], ["s"])
        # from a profile: the user, and the password in a file
        with tempfile.TemporaryDirectory() as cfg:
            os.makedirs(os.path.join(cfg, "kcon"))
            pw = os.path.join(cfg, "pw")
            with open(pw, "w") as f:
                f.write("s3cret\n")
            os.chmod(pw, 0o600)
            with open(os.path.join(cfg, "kcon", "config.json"), "w") as f:
                json.dump({"profiles": {"sr": {"bootstrap": self.bootstrap, "registry": basic.url,
                                               "registry_user": "alice", "registry_password_file": pw}}}, f)
            p = self.k.run("-o", "json", "-p", "sr", "schemas", bootstrap=False,
                           env={"XDG_CONFIG_HOME": cfg, "KCON_STATE_DIR": self.state})
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        bearer = StandInRegistry(token="tok-123").start()
        self.addCleanup(bearer.stop)
        self.assertIn("HTTP 401", self.failure("schemas", url=bearer.url, env={"KCON_REGISTRY_TOKEN": "wrong"}))
        self.assertEqual(self.one("schemas", url=bearer.url, env={"KCON_REGISTRY_TOKEN": "tok-123"})["subjects"], [])

    def test_timeout_malformed_refused(self):
        self.reg.faults["/subjects"] = "slow"
        cause = self.failure("--timeout", "1", "schemas")
        self.assertIn("no answer within 1000 ms", cause)
        self.assertIn(f"{self.reg.url}/subjects", cause)
        self.reg.faults["/subjects"] = "malformed"
        self.assertIn("the answer is not JSON", self.failure("schemas"))
        self.reg.faults["/subjects"] = 500
        self.assertIn("HTTP 500, the registry failed", self.failure("schemas"))
        with socket.socket() as s:  # a port nobody listens on
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        cause = self.failure("schemas", url=f"http://127.0.0.1:{port}")
        self.assertIn(f"http://127.0.0.1:{port}/subjects", cause)

    # -- decoding ----------------------------------------------------------------------------
    def produce(self, topic, values):
        lines = "".join(json.dumps({"value": base64.b64encode(v).decode(), "encoding": "base64"}) + "\n"
                        for v in values)
        p = self.k.run("produce", topic, "--input", "json", input=lines)
        self.assertEqual(p.returncode, 0, p.stderr)

    def tail(self, topic, *args, **kw):
        p = self.kcon("-o", "json", "tail", topic, "--to-end", *args, **kw)
        self.assertEqual(p.returncode, 0, p.stderr)
        return [json.loads(l) for l in p.stdout.splitlines() if l.strip()], p

    @unittest.skipUnless(ENCODERS, "needs Python's fastavro and protobuf (pip install fastavro protobuf)")
    def test_round_trip(self):
        topic = self.scratch_topic()
        orders = [{"id": i, "customer": f"c\u00e9-{i} \"q\"", "items": ["a", "b"][:i % 3],
                   "at": datetime.datetime(2024, 5, 1, 13, 45, i, 250000, tzinfo=datetime.timezone.utc),
                   "day": datetime.date(2024, 5, 1) + datetime.timedelta(days=i),
                   "total": decimal.Decimal(f"{i * 1000 + 12}.34").scaleb(0), "coupon": None if i % 2 else f"X{i}",
                   "state": "PAID" if i % 2 else "NEW"} for i in range(5)]
        parsed = fastavro.parse_schema(ORDER)
        values = []
        for o in orders:
            b = io.BytesIO()
            fastavro.schemaless_writer(b, parsed, o)
            values.append(wire(self.order_id, b.getvalue()))
        events = [{"kind": "click", "n": i, "nested": {"ok": True, "list": [1, 2.5, None]}} for i in range(3)]
        values += [wire(self.json_id, json.dumps(e).encode()) for e in events]
        Ping = ping_class()
        pings = [Ping(host=f"h{i}", rtt=1000 + i, inner={"code": 7 + i}, tags=["x", "y"]) for i in range(3)]
        values += [wire(self.proto_id, p.SerializeToString(), indexes=b"\x00") for p in pings]
        values.append(wire(999, b"\x02"))  # an id the registry does not know
        values.append(b'{"plain": "json"}')  # not the wire format: shown as before
        self.produce(topic, values)

        docs, p = self.tail(topic)
        self.assertEqual(len(docs), len(values))
        for o, d in zip(orders, docs[:5]):
            self.assertEqual((d["decoder"], d["schema_id"]), ("avro", self.order_id))
            want = dict(o, at=o["at"].strftime("%Y-%m-%dT%H:%M:%S.") + f"{o['at'].microsecond // 1000:03d}Z",
                        day=o["day"].isoformat(), total=str(o["total"]))
            self.assertEqual(d["value"], want)
        for e, d in zip(events, docs[5:8]):
            self.assertEqual((d["decoder"], d["schema_id"], d["value"]), ("json-schema", self.json_id, e))
        for ping, d in zip(pings, docs[8:11]):
            self.assertEqual((d["decoder"], d["schema_id"]), ("protobuf", self.proto_id))
            # field names from the registered .proto; int64 as a string (the proto3 JSON mapping)
            self.assertEqual(d["value"], json_format.MessageToDict(ping, preserving_proto_field_name=True))
            self.assertEqual(d["value"]["rtt"], str(ping.rtt))
        bad = docs[11]
        self.assertEqual((bad["encoding"], bad["value"], bad["schema_id"]), ("hex", "00000003e702", 999))
        self.assertIn("schema id 999", bad["decode_error"])
        self.assertIn("HTTP 404", bad["decode_error"])
        self.assertIn("schema id 999", p.stderr)  # told as a note too
        self.assertEqual(docs[12]["value"], {"plain": "json"})
        self.assertNotIn("decoder", docs[12])
        # one request per schema id, however many records carry it
        for sid in (self.order_id, self.json_id, self.proto_id, 999):
            self.assertEqual(self.reg.count(f"/schemas/ids/{sid}"), 1, sid)

        # the schemas are in the store now: the same tail decodes with the registry gone
        url = self.reg.url
        self.reg.stop()
        docs2, _ = self.tail(topic, url=url)
        self.assertEqual([d["value"] for d in docs2[:11]], [d["value"] for d in docs[:11]])
        # --decode none shows the bytes
        raw, _ = self.tail(topic, "--decode", "none", url=url)
        self.assertEqual(raw[0]["encoding"], "base64")
        self.assertNotIn("decoder", raw[0])

    @unittest.skipUnless(ENCODERS, "needs Python's fastavro and protobuf (pip install fastavro protobuf)")
    def test_protobuf_field_names(self):
        """Records encoded by Python's protobuf package for a registered .proto with a nested message,
        an enum, repeated and packed fields, maps, a oneof and an imported type: `tail -o json` gives
        what json_format.MessageToDict(preserving_proto_field_name=True) gives (the imported
        Timestamp by field numbers), for the message the wire format's indexes pick."""
        sid = self.reg.register("readings-value", READING_PROTO, "PROTOBUF")
        Reading, Location, Ack = reading_classes()
        topic = self.scratch_topic()
        readings = [
            Reading(device=f"dev-{i} \u00e9\"\n\x00", kind=1 + i % 2, values=[21.5, -0.25, 0.001 * i],
                    labels={"site": "north", "rack": str(i)}, where=Location(lat=52.5, lon=-13.25, name="gate"),
                    path=[Location(lat=1.0), Location(lon=2.0)], seq=2**62 + i, raw=bytes([0, 255, i]),
                    delta=-12345678901 * (i + 1), by_hop={3: Location(name="hop3"), -1: Location()},
                    **({"gateway": "gw-1"} if i % 2 else {"port": 8080 + i}))
            for i in range(3)]
        readings[0].at.seconds, readings[0].at.nanos = 1700000000, 5
        acks = [Ack(device="dev-0", ok=True), Ack(device="dev-1")]
        where = Location(lat=-1.5, name="alone")
        values = [wire(sid, r.SerializeToString(), indexes=b"\x00") for r in readings]
        values += [wire(sid, a.SerializeToString(), indexes=b"\x02\x02") for a in acks]  # [1]: Ack
        # [0, 2]: Reading's nested message 2, Location (the maps' entries are 0 and 1, as protoc counts)
        values.append(wire(sid, where.SerializeToString(), indexes=b"\x04\x00\x04"))
        # [0] written out (count 1, index 0) rather than the lone 0 that means it
        values.append(wire(sid, readings[1].SerializeToString(), indexes=b"\x02\x00"))
        self.produce(topic, values)

        docs, _ = self.tail(topic)
        self.assertEqual(len(docs), len(values))
        self.assertTrue(all(d["decoder"] == "protobuf" and d["schema_id"] == sid for d in docs))
        want = [json_format.MessageToDict(m, preserving_proto_field_name=True)
                for m in readings + acks + [where, readings[1]]]
        want[0]["at"] = {"1": 1700000000, "2": 5}  # an imported type: by field numbers
        self.assertEqual([d["value"] for d in docs], want)
        self.assertEqual(docs[0]["value"]["kind"], "TEMPERATURE")
        self.assertEqual(docs[0]["value"]["seq"], str(2**62))  # int64 as a string
        self.assertEqual(docs[0]["value"]["raw"], base64.b64encode(bytes([0, 255, 0])).decode())
        self.assertEqual(docs[0]["value"]["by_hop"]["3"], {"name": "hop3"})
        self.assertEqual(self.reg.count(f"/schemas/ids/{sid}"), 1)

        # --decode protobuf named explicitly: the same, through the decoder helper and in kcon's process
        for env in ({}, {"KCON_DECODE_IN_PROCESS": "1"}):
            docs2, _ = self.tail(topic, "--decode", "protobuf", env=env)
            self.assertEqual([d["value"] for d in docs2], want)
        # the table shows the same names
        p = self.kcon("tail", topic, "--to-end")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn('"device":"dev-0', p.stdout)

        # a .proto kcon cannot parse: by numbers, with why
        bad = self.reg.register("broken-value", 'syntax = "proto3";\nmessage Reading {\n  string device = 1;\n',
                                "PROTOBUF")
        self.produce(topic, [wire(bad, Ack(device="d").SerializeToString(), indexes=b"\x00")])
        docs, _ = self.tail(topic)
        self.assertEqual(docs[-1]["value"]["1"], "d")
        self.assertIn("the .proto of schema id %d: line 4: the schema ends inside message Reading" % bad,
                      docs[-1]["value"]["_kcon_note"])
        self.assertNotIn("decode_error", docs[-1])

    @unittest.skipUnless(ENCODERS, "needs Python's fastavro and protobuf (pip install fastavro protobuf)")
    def test_table_and_explicit_decoder(self):
        topic = self.scratch_topic()
        b = io.BytesIO()
        fastavro.schemaless_writer(b, fastavro.parse_schema(ORDER), {
            "id": 1, "customer": "zed", "at": 0, "day": 0, "total": decimal.Decimal("0.50"), "items": [],
            "coupon": None, "state": "NEW"})
        self.produce(topic, [wire(self.order_id, b.getvalue()), b"\x00\x00\x00\x00"])
        p = self.kcon("tail", topic, "--to-end")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn('"customer":"zed"', p.stdout)
        self.assertIn('"at":"1970-01-01T00:00:00.000Z"', p.stdout)
        self.assertIn('"total":"0.50"', p.stdout)
        # --decode protobuf on an Avro record: an error, the bytes in hex beside it
        docs, _ = self.tail(topic, "--decode", "avro")
        self.assertEqual(docs[0]["value"]["customer"], "zed")
        self.assertIn("not the Schema Registry wire format", docs[1]["decode_error"])
        self.assertEqual(docs[1]["value"], "00000000")
        # an explicit decoder on an id the registry does not know: the registry's answer, through the helper
        self.produce(topic, [wire(777, b"\x02")])
        docs, _ = self.tail(topic, "--decode", "avro")
        self.assertIn("schema id 777 from", docs[2]["decode_error"])
        self.assertIn("HTTP 404", docs[2]["decode_error"])

    @unittest.skipUnless(ENCODERS, "needs Python's fastavro and protobuf (pip install fastavro protobuf)")
    def test_produce_with_schema(self):
        topic = self.scratch_topic()
        recs = [{"id": 1, "customer": "ann \"a\"", "at": "2024-05-01T13:45:00.250Z", "day": "2024-05-01",
                 "total": "12.34", "items": ["a", "b"], "coupon": None, "state": "PAID"},
                {"id": 2, "customer": "bob", "at": 1714571100250, "day": 19844, "total": "-0.05", "items": [],
                 "coupon": {"string": "X2"}, "state": "NEW"},
                {"id": 3, "customer": "cy", "at": 0, "day": 0, "total": 7, "items": [], "coupon": "plain",
                 "state": "NEW"}]
        p = self.kcon("produce", topic, "--value-schema-id", self.order_id,
                      input="".join(json.dumps(r) + "\n" for r in recs))
        self.assertEqual(p.returncode, 0, p.stderr)
        p = self.kcon("produce", topic, "--subject", "orders-value", json.dumps(dict(recs[0], id=4)))
        self.assertEqual(p.returncode, 0, p.stderr)
        # the bytes, read back by an independent decoder (fastavro)
        raw, _ = self.tail(topic, "--decode", "none")
        parsed = fastavro.parse_schema(ORDER)
        got = []
        for d in raw:
            b = base64.b64decode(d["value"])
            self.assertEqual(b[:5], wire(self.order_id, b""))
            got.append(fastavro.schemaless_reader(io.BytesIO(b[5:]), parsed))
        self.assertEqual([g["id"] for g in got], [1, 2, 3, 4])
        self.assertEqual(got[0]["at"], datetime.datetime(2024, 5, 1, 13, 45, 0, 250000, tzinfo=datetime.timezone.utc))
        self.assertEqual(got[1]["at"], got[0]["at"])
        self.assertEqual((got[0]["day"], got[1]["day"]), (datetime.date(2024, 5, 1), datetime.date(2024, 5, 1)))
        self.assertEqual([g["total"] for g in got[:3]], [decimal.Decimal("12.34"), decimal.Decimal("-0.05"),
                                                         decimal.Decimal("7.00")])
        self.assertEqual([g["coupon"] for g in got[:3]], [None, "X2", "plain"])
        self.assertEqual(got[0]["customer"], 'ann "a"')
        # and by kcon's decoder
        docs, _ = self.tail(topic)
        self.assertEqual(docs[0]["value"], recs[0])
        # a record that does not match is refused with its field path, and nothing is sent
        for bad, want in [({"id": "x"}, "at .id: expected a long, got a string"),
                          (dict(recs[0], customer=None), "at .customer: expected a string, got null"),
                          (dict(recs[0], items=["a", 5]), "at .items[1]: expected a string, got an integer"),
                          (dict(recs[0], coupon=5), "at .coupon: an integer fits no branch of the union"),
                          (dict(recs[0], state="GONE"), "at .state: expected one of the enum's symbols"),
                          (dict(recs[0], total="1.234"), "at .total: expected a decimal with at most 2 fraction"),
                          (dict(recs[0], bogus=1), "at .bogus: the record has no field bogus"),
                          ({k: v for k, v in recs[0].items() if k != "customer"}, "at .customer: missing")]:
            p = self.kcon("produce", topic, "--value-schema-id", self.order_id, json.dumps(bad))
            self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
            msg = p.stderr  # a streaming command's error: on stderr
            self.assertIn(want, msg)
            self.assertIn(f"does not match schema id {self.order_id}", msg)
        self.assertEqual(len(self.tail(topic, "--decode", "none")[0]), 4)
        p = self.kcon("produce", topic, "--value-schema-id", self.proto_id, "{}")
        self.assertEqual(p.returncode, 2)
        self.assertIn("is PROTOBUF", p.stderr)
        # a schema kcon cannot encode with is refused, naming the problem (a field without a name
        # crashed produce), and so is a decimal past its precision (it overflowed silently)
        for schema, value, want in [
                ({"type": "record", "name": "R", "fields": [{"type": "long"}]}, {"a": 1},
                 "cannot encode records: the schema's field 1 of record R has no name"),
                ({"type": "bytes", "logicalType": "decimal", "precision": 38, "scale": 2147483647}, "1",
                 "cannot encode records: in the schema, the decimal's scale must be 0 to its precision (38)"),
                ({"type": "bytes", "logicalType": "decimal", "precision": 38, "scale": 2}, "9" * 38,
                 "more than 38 digits once given its 2 fraction digits")]:
            sid = self.reg.register(f"bad-{len(want)}-value", json.dumps(schema))
            p = self.kcon("produce", topic, "--value-schema-id", sid, json.dumps(value))
            self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
            self.assertIn(want, p.stderr)
        self.assertEqual(len(self.tail(topic, "--decode", "none")[0]), 4)
        p = self.kcon("produce", topic, "--value-schema-id", 4242, "{}")
        self.assertEqual(p.returncode, 1)
        self.assertIn("schema id 4242", p.stderr)
        self.assertIn("HTTP 404", p.stderr)
        # JSON Schema: the JSON checked and framed
        p = self.kcon("produce", topic, "--subject", "events-value", '{"k": [1, 2]}')
        self.assertEqual(p.returncode, 0, p.stderr)
        docs, _ = self.tail(topic)
        self.assertEqual((docs[-1]["decoder"], docs[-1]["value"]), ("json-schema", {"k": [1, 2]}))

    @unittest.skipUnless(ENCODERS, "needs Python's fastavro and protobuf (pip install fastavro protobuf)")
    def test_namespaces(self):
        """Two records named T in namespaces a and b are two types (Avro's full names): fastavro's
        bytes decode, and kcon's encoding reads back in fastavro (the short name once resolved to
        whichever T came last)."""
        schema = {"type": "record", "name": "R", "namespace": "a", "fields": [
            {"name": "x", "type": {"type": "record", "name": "T", "fields": [{"name": "s", "type": "string"}]}},
            {"name": "y", "type": {"type": "record", "name": "T", "namespace": "b", "fields": [
                {"name": "n", "type": "long"},
                {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["P", "Q"]}},
                {"name": "e2", "type": "E"}]}},
            {"name": "z", "type": "T"}, {"name": "w", "type": "b.T"}, {"name": "v", "type": "b.E"},
            {"name": "u", "type": ["null", "a.T", "b.T"]}]}
        rec = {"x": {"s": "hi"}, "y": {"n": 1, "e": "Q", "e2": "P"}, "z": {"s": "ok"},
               "w": {"n": 2, "e": "P", "e2": "Q"}, "v": "Q", "u": {"n": 3, "e": "Q", "e2": "Q"}}
        sid = self.reg.register("ns-value", json.dumps(schema))
        parsed = fastavro.parse_schema(schema)
        buf = io.BytesIO()
        fastavro.schemaless_writer(buf, parsed, rec)
        topic = self.scratch_topic()
        self.produce(topic, [wire(sid, buf.getvalue())])
        p = self.kcon("produce", topic, "--value-schema-id", sid, json.dumps(rec))
        self.assertEqual(p.returncode, 0, p.stderr)
        docs, _ = self.tail(topic)
        self.assertEqual([d["value"] for d in docs], [rec, rec])
        raw, _ = self.tail(topic, "--decode", "none")
        self.assertEqual([r["value"].encode() for r in raw], [wire(sid, buf.getvalue())] * 2)  # text: UTF-8

    def test_profile_maps_topics_to_decoders(self):
        pb = self.scratch_topic(name="0pb-" + os.urandom(4).hex())
        js = self.scratch_topic()
        self.produce(pb, [b"\x08\x96\x01\x12\x02hi"])  # a bare Protobuf message, no wire format
        self.produce(js, [b'{"a": 1}'])
        with tempfile.TemporaryDirectory() as cfg:
            os.makedirs(os.path.join(cfg, "kcon"))
            with open(os.path.join(cfg, "kcon", "config.json"), "w") as f:
                json.dump({"profiles": {"p": {"bootstrap": self.bootstrap,
                                              "decoders": {"0pb-*": "protobuf", js: "hexdump"}}}}, f)
            env = {"XDG_CONFIG_HOME": cfg, "KCON_STATE_DIR": self.state, "KCON_PLUGIN_PATH": BUILD_PLUGINS}
            run = lambda *a: self.k.run("-p", "p", "-o", "json", *a, bootstrap=False, env=env)
            p = run("tail", pb, "--to-end")
            self.assertEqual(p.returncode, 0, p.stderr)
            doc = json.loads(p.stdout.splitlines()[0])
            self.assertEqual((doc["decoder"], doc["value"]), ("protobuf", {"1": 150, "2": "hi"}))
            doc = json.loads(run("tail", js, "--to-end").stdout.splitlines()[0])
            self.assertEqual(doc["decoder"], "hexdump")
            doc = json.loads(run("tail", js, "--to-end", "--decode", "none").stdout.splitlines()[0])
            self.assertEqual(doc["value"], {"a": 1})  # --decode wins
            with open(os.path.join(cfg, "kcon", "config.json"), "w") as f:
                json.dump({"profiles": {"p": {"bootstrap": self.bootstrap, "decoders": {"x": 5}}}}, f)
            p = run("tail", js, "--to-end")
            self.assertEqual(p.returncode, 2)
            self.assertIn("decoders: the decoder of x must be a string", p.stderr)

    def write_config(self, cfg, profiles):
        os.makedirs(os.path.join(cfg, "kcon"), exist_ok=True)
        with open(os.path.join(cfg, "kcon", "config.json"), "w") as f:
            json.dump({"profiles": profiles}, f)

    def test_profile_switch_decodes_with_the_new_registry(self):
        """Schema id 1 of registry A and of registry B differ: after `profile B` the records are
        decoded with B's, in the helper (its copies and the list of those sent) and in process."""
        regs = {}
        for name, field in (("A", "from_a"), ("B", "from_b")):
            r = StandInRegistry().start()
            self.addCleanup(r.stop)
            sid = r.register("t-value", json.dumps({"type": "record", "name": name,
                                                    "fields": [{"name": field, "type": "string"}]}))
            self.assertEqual(sid, 1)
            regs[name] = r
        topic = self.scratch_topic()
        self.produce(topic, [wire(1, b"\x04hi")])  # an Avro string: zigzag length 2, then the bytes
        with tempfile.TemporaryDirectory() as cfg:
            self.write_config(cfg, {n: {"bootstrap": self.bootstrap, "registry": r.url} for n, r in regs.items()})
            script = f"tail {topic} --to-end; profile B; tail {topic} --to-end"
            for inproc in ("0", "1"):
                p = self.k.run("-p", "A", "-o", "json", "-e", script, bootstrap=False,
                               env={"XDG_CONFIG_HOME": cfg, "KCON_STATE_DIR": self.state,
                                    "KCON_PLUGIN_PATH": BUILD_PLUGINS, "KCON_DECODE_IN_PROCESS": inproc})
                self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
                values = [d["value"] for d in map(json.loads, p.stdout.splitlines()) if "value" in d]
                self.assertEqual(values, [{"from_a": "hi"}, {"from_b": "hi"}], f"in process: {inproc}")

    def test_credentials_in_the_url_are_refused(self):
        p = self.kcon("-o", "json", "schemas", url=f"http://alice:pw-secret@127.0.0.1:{self.reg.server.server_address[1]}")
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn("registry_password_file", p.stderr)
        self.assertNotIn("pw-secret", p.stdout + p.stderr)
        self.assertEqual(self.reg.requests, [])
        with tempfile.TemporaryDirectory() as cfg:  # a profile's registry too, where it is used
            self.write_config(cfg, {"p": {"bootstrap": self.bootstrap,
                                          "registry": f"http://alice:pw-secret@127.0.0.1:{self.reg.server.server_address[1]}/x"}})
            p = self.k.run("-p", "p", "-o", "json", "schemas", bootstrap=False,
                           env={"XDG_CONFIG_HOME": cfg, "KCON_STATE_DIR": self.state})
            self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
            self.assertIn("user name or password", p.stdout)
            self.assertNotIn("pw-secret", p.stdout + p.stderr)

    def test_registry_words_escaped_once(self):
        p = self.kcon("schema", "s\x1b[2J")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        out = p.stdout + p.stderr
        self.assertNotIn("\x1b", out)
        self.assertNotIn("\\\\x1b", out)
        self.assertIn("Subject 's\\x1b[2J' not found", out)
        msg = self.failure("schema", "s\x1b[2J")  # JSON: the text itself, in a JSON string
        self.assertIn("Subject 's\x1b[2J' not found", msg)
        self.assertNotIn("\\x1b", msg)

    def test_decoder_helper_holds_no_secret_nor_descriptor(self):
        topic = self.scratch_topic()
        self.produce(topic, [wire(self.json_id, b'{"k": 1}')])
        env = dict(os.environ, XDG_CONFIG_HOME=NO_CONFIG, KCON_STATE_DIR=self.state, KCON_PLUGIN_PATH=BUILD_PLUGINS,
                   KCON_REGISTRY_PASSWORD="reg-pw-secret", KCON_REGISTRY_TOKEN="reg-tok-secret",
                   KCON_PASSWORD="sasl-pw-secret", SOME_OTHER_SECRET="other-secret")
        env.pop("KCON_DECODE_IN_PROCESS", None)
        p = subprocess.Popen([KCON, "-b", self.bootstrap, "--registry", self.reg.url, "-o", "json"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             bufsize=1, env=env)
        try:
            p.stdin.write(f"tail {topic} --to-end\n")
            p.stdin.flush()
            doc = json.loads(p.stdout.readline())
            self.assertEqual(doc["value"], {"k": 1})  # decoded: the helper runs

            def children():
                kids = []
                for tid in os.listdir(f"/proc/{p.pid}/task"):
                    try:
                        with open(f"/proc/{p.pid}/task/{tid}/children") as f:
                            kids += f.read().split()
                    except FileNotFoundError:  # a thread (librdkafka's) that ended since the listing
                        pass
                return kids

            wait_until(lambda: children(), what="the decoder helper")
            helper = children()[0]
            with open(f"/proc/{helper}/environ", "rb") as f:
                environ = f.read()
            for secret in (b"reg-pw-secret", b"reg-tok-secret", b"sasl-pw-secret", b"other-secret"):
                self.assertNotIn(secret, environ)
            self.assertIn(b"KCON_PLUGIN_PATH=", environ)
            self.assertEqual(sorted(int(fd) for fd in os.listdir(f"/proc/{helper}/fd")), [0, 1, 2])
            with open(f"/proc/{p.pid}/environ", "rb") as f:  # nor does kcon keep them in its own
                environ = f.read()
            self.assertNotIn(b"reg-pw-secret", environ)
            self.assertNotIn(b"reg-tok-secret", environ)
        finally:
            p.stdin.close()
            self.assertEqual(p.wait(timeout=30), 0, p.stderr.read())
            p.stdout.close()
            p.stderr.close()


if __name__ == "__main__":
    unittest.main()
