#!/usr/bin/env python3
"""Avro tail: 1,000,000 Avro records (Schema Registry wire format, one schema id) in one topic on
the real broker, produced by `kcon produce --value-schema-id` from JSON lines, then
`kcon tail T --from beginning --to-end -o json` decoding them through the stand-in registry of
tests/lib (one request for the id, then the cache), beside `kcat -C -J` (bytes only: Debian's kcat
is built without Avro) and kafkactl's consume with its registry when kafkactl is on PATH. Best wall
time of 3 runs and peak RSS; asserts nothing about speed."""

import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from benchlib import best_of  # noqa: E402
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
    if shutil.which("kafkactl"):
        print("  kafkactl: on PATH, but its registry needs a config context; not timed here")
    else:
        print("  kafkactl: not on PATH")
finally:
    reg.stop()
    shutil.rmtree(state, ignore_errors=True)
