#!/usr/bin/env python3
"""Avro tail: 1,000,000 Avro records (Schema Registry wire format, one schema id) in one topic on
the real broker, produced by `kcon produce --value-schema-id` from JSON lines, then
`kcon tail T --from beginning --to-end -o json` decoding them through the stand-in registry of
tests/lib (one request for the id, then the cache), beside `kcat -C -J` (bytes only), kcat's own
Avro deserializer (`-s value=avro -r URL`) when `kcat -h` lists one (Debian's kcat 1.7.1 does not),
and kafkactl's `consume --from-beginning --exit` decoding through the same registry
(KCON_BENCH_KAFKACTL, else kafkactl on PATH; "not found" otherwise). kafkactl gets a private config
naming only the loopback broker and the stand-in registry. Its records are compared with kcon's: the
count, and every field of a sample of records (exits 1 when one differs). Best wall time of 3 runs
and peak RSS; asserts nothing about speed."""


import datetime
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from benchlib import best_of, measure  # noqa: E402
from standin_registry import StandInRegistry  # noqa: E402

N = int(os.environ.get("KCON_BENCH_AVRO_N", 1_000_000))  # fewer to try the script
build = sys.argv[1]
kcon = os.path.join(build, "kcon")
broker = os.environ["KCON_TEST_BOOTSTRAP"]
topic = "bench-avro-1m"
SCHEMA = {"type": "record", "name": "Reading", "fields": [
    {"name": "sensor", "type": "string"}, {"name": "seq", "type": "long"},
    {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    {"name": "value", "type": "double"}, {"name": "ok", "type": "boolean"}]}


def kcat_avro():
    """kcat's Avro deserializer when its help lists one (it needs a kcat built with libserdes)."""
    usage = subprocess.run(["kcat", "-h"], capture_output=True, text=True)
    # A deserializer of that name in the -s list (the help mentions Avro in -J's text either way).
    if not re.search(r"^\s*avro\b", usage.stdout + usage.stderr, re.M | re.I):
        print("  kcat -s avro: not in this kcat (its -s takes pack formats only, and it has no -r registry)")
        return
    t, m = best_of(3, ["kcat", "-C", "-b", broker, "-t", topic, "-o", "beginning", "-e", "-q", "-J",
                       "-s", "value=avro", "-r", reg.url])
    print(f"  kcat -s value=avro -J     {N / t / 1e6:5.2f} M msg/s {m:6.1f} MB")


def record_fields(rec):
    """The comparable fields of one decoded record: timestamp-millis as a number of milliseconds
    whether a tool prints it as a number or as an ISO 8601 time."""
    at = rec.get("at")
    if isinstance(at, str):
        at = round(datetime.datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp() * 1000)
    return (rec.get("sensor"), rec.get("seq"), at, rec.get("value"), rec.get("ok"))


def compare(kcon_out, kafkactl_out):
    """Record counts, and a sample of about 1,000 records (and the last) field by field: kafkactl
    prints one decoded value per line, kcon one JSON message per line with the record in "value".
    Returns (kcon's count, kafkactl's count, records compared, the differing ones)."""
    step = max(1, N // 1000)
    counts, compared, bad = [0, 0], 0, []
    with open(kcon_out) as a, open(kafkactl_out) as b:
        for i, (ka, kb) in enumerate(itertools.zip_longest(a, b)):
            counts[0] += ka is not None
            counts[1] += kb is not None
            if ka is None or kb is None or (i % step and i != N - 1):
                continue
            compared += 1
            x, y = record_fields(json.loads(ka)["value"]), record_fields(json.loads(kb))
            if x != y:
                bad.append((i, x, y))
    return counts[0], counts[1], compared, bad


def kafkactl_consume():
    path = os.environ.get("KCON_BENCH_KAFKACTL") or shutil.which("kafkactl")
    if not path or not os.access(path, os.X_OK):
        print(f"  kafkactl: not found ({path or 'KCON_BENCH_KAFKACTL unset, none on PATH'}); skipped")
        return
    home = os.path.join(state, "kafkactl-home")
    os.makedirs(home, exist_ok=True)
    config = os.path.join(state, "kafkactl.yml")
    with open(config, "w") as f:
        f.write(f"contexts:\n  bench:\n    brokers:\n      - {broker}\n    schemaRegistry:\n"
                f"      url: {reg.url}\nkeyring:\n  enabled: false\n")
    current = os.path.join(state, "kafkactl-current.yml")
    with open(current, "w") as f:
        f.write("current-context: bench\n")
    kenv = dict(os.environ, HOME=home, KAFKA_CTL_CONFIG=config, KAFKA_CTL_WRITABLE_CONFIG=current)
    version = subprocess.run([path, "version"], capture_output=True, text=True, env=kenv).stdout.strip()
    # cmd.info{version:"v5.20.0", ..., gitCommit:"9005d01a...", ...}: the version and the commit.
    fields = dict(re.findall(r'(\w+):"([^"]*)"', version))
    if fields.get("version"):
        version = f"kafkactl {fields['version']} {fields.get('gitCommit', '')[:12]}".strip()
    cmd = [path, "consume", topic, "--from-beginning", "--exit"]
    t, m = best_of(3, cmd, env=kenv)
    print(f"  kafkactl consume (decoded) {N / t / 1e6:5.2f} M msg/s {m:6.1f} MB   ({version or path})")
    # One more run of each into a file, for the comparison.
    kcon_out, kafkactl_out = os.path.join(state, "kcon.out"), os.path.join(state, "kafkactl.out")
    with open(kcon_out, "wb") as f:
        measure([kcon, "-b", broker, "--registry", reg.url, "tail", topic, "--from", "beginning", "--to-end",
                 "-o", "json"], stdout=f, env=env)
    with open(kafkactl_out, "wb") as f:
        measure(cmd, stdout=f, env=kenv)
    kn, cn, compared, bad = compare(kcon_out, kafkactl_out)
    print(f"  records: kcon {kn:,}, kafkactl {cn:,}; {compared:,} compared field by field, {len(bad)} differ")
    if kn != N or cn != N or bad:
        raise SystemExit(f"bench_avro: kafkactl's records differ from kcon's ({N:,} produced; first "
                         f"difference (record, kcon, kafkactl): {bad[:1]})")


reg = StandInRegistry().start()
sid = reg.register("readings-value", json.dumps(SCHEMA))
state = tempfile.mkdtemp(prefix="kcon-bench-avro-")
env = dict(os.environ, KCON_STATE_DIR=state, KCON_PLUGIN_PATH=os.path.join(build, "plugins"))
try:
    have = subprocess.run([kcon, "-b", broker, "-o", "json", "topic", "describe", topic], capture_output=True,
                          text=True)
    if have.returncode != 0 or json.loads(have.stdout).get("messages") != N:
        if have.returncode == 0:
            subprocess.run([kcon, "-b", broker, "topic", "delete", topic, "--yes"], check=True, capture_output=True)
        subprocess.run([kcon, "-b", broker, "topic", "create", topic, "-r", "1"], check=True, capture_output=True)
        print(f"producing {N:,} Avro records with kcon produce --value-schema-id ...", flush=True)
        gen = ("awk 'BEGIN { for (i = 0; i < %d; i++) printf \"{\\\"sensor\\\":\\\"s-%%d\\\",\\\"seq\\\":%%d,"
               "\\\"at\\\":%%.0f,\\\"value\\\":%%d.5,\\\"ok\\\":true}\\n\", i %% 100, i, 1714560000000 + i, i }'" % N)
        subprocess.run(["bash", "-c", f"{gen} | {kcon} -b {broker} --registry {reg.url} produce {topic} "
                        f"--value-schema-id {sid} -o json > /dev/null"], check=True, env=env)
    print(f"tail of {N:,} Avro records (5 fields), one partition ({broker})")
    kt, km = best_of(3, [kcon, "-b", broker, "--registry", reg.url, "tail", topic, "--from", "beginning",
                         "--to-end", "-o", "json"], env=env)
    ct, cm = best_of(3, ["kcat", "-C", "-b", broker, "-t", topic, "-o", "beginning", "-e", "-q", "-J"])
    print(f"  kcon -o json (decoded)   {N / kt / 1e6:5.2f} M msg/s {km:6.1f} MB")
    print(f"  kcat -J (bytes, no Avro) {N / ct / 1e6:5.2f} M msg/s {cm:6.1f} MB")
    print(f"  schema requests to the registry: {reg.count(f'/schemas/ids/{sid}')}")
    kcat_avro()
    kafkactl_consume()
finally:
    reg.stop()
    shutil.rmtree(state, ignore_errors=True)
