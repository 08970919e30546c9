"""`kcon watch --metrics` on the real broker: every scrape is read by a real Prometheus text parser
(prometheus_client's); its values equal kcon's own `group lag -o json` and Kafka's
ConsumerGroupCommand; a group id with quotes, a backslash and a line feed comes back intact; a
group that stops consuming goes OK -> STOP; each partition's log start offset follows `topic
delete-records` and equals Kafka's GetOffsetShell and kcon's `topic describe`; only GET /metrics and
/ are answered, on loopback unless an address is given; 20 scrapes a second for 30 s while watch
samples all succeed and the sampling interval holds. Live consumers (WARN, STALL) are
test_metrics_status.py."""

import base64
import os
import re
import shutil
import signal
import ssl
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

from kcontest import KCON, BrokerTestCase, kcat_produce, unique, wait_until


def parse(text):
    """{(sample name, frozenset of labels): value}, through prometheus_client's parser."""
    out = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            out[(s.name, frozenset(s.labels.items()))] = s.value
    return out


def key(name, **labels):
    return (name, frozenset(labels.items()))


class MetricsTest(BrokerTestCase):
    def setUp(self):
        self.state = tempfile.mkdtemp(prefix="kcon-metrics-")
        self.addCleanup(shutil.rmtree, self.state, True)
        self.envs = {"KCON_STATE_DIR": self.state}

    def watch(self, *args, addr="0", interval="300ms"):
        """Starts `kcon watch --metrics addr`; returns (process, URL of /metrics, stderr lines)."""
        cmd = [KCON, "-b", self.bootstrap, "-o", "json", "watch", "--interval", interval, "--quiet",
               "--metrics", addr, *args]
        env = dict(os.environ, **self.envs)
        env.setdefault("XDG_CONFIG_HOME", "/nonexistent-kcon-test")
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        lines = []
        reader = threading.Thread(target=lambda: lines.extend(iter(p.stderr.readline, "")), daemon=True)
        reader.start()

        def cleanup():
            if p.poll() is None:
                p.kill()
                p.wait()
            reader.join(10)
            p.stdout.close()
            p.stderr.close()
        self.addCleanup(cleanup)
        said = wait_until(lambda: [l for l in lines if "serving metrics on" in l] or p.poll() is not None,
                          what="watch to serve metrics")
        self.assertIsNone(p.poll(), lines)
        return p, said[0].split("serving metrics on ")[1].strip(), lines

    def gone(self, *groups):
        """Deletes the groups at the end: other tests' lag views list every group of the broker."""
        for g in groups:
            self.addCleanup(self.k.run, "group", "delete", g, "--yes")

    def stop(self, p):
        p.send_signal(signal.SIGINT)
        out, _ = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 0)
        return out

    def get(self, url, method="GET", data=None, ctx=None, auth=None):
        """(status, body, content type) of one request; ctx: an ssl context, auth: (user, password)."""
        req = urllib.request.Request(url, method=method, data=data)
        if auth:
            req.add_header("Authorization", "Basic " + base64.b64encode(":".join(auth).encode()).decode())
        try:
            with urllib.request.urlopen(req, timeout=10, context=ctx) as r:
                return r.status, r.read().decode(), r.headers.get("Content-Type")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(), e.headers.get("Content-Type")

    def scrape(self, url):
        status, body, ctype = self.get(url)
        self.assertEqual(status, 200, body)
        self.assertTrue(ctype.startswith("text/plain; version=0.0.4"), ctype)
        return parse(body)

    def oracle(self, group, topic):
        """Kafka's ConsumerGroupCommand --describe: {partition: (current, end, lag)}."""
        p = subprocess.run([os.environ["KCON_KAFKA_CTL"], "tool", "--workdir", os.environ["KCON_TEST_BROKER_DIR"],
                            "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand", "--bootstrap-server",
                            self.bootstrap, "--describe", "--group", group], capture_output=True, text=True,
                           timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        rows = {}
        for line in p.stdout.splitlines():
            f = line.split()
            if len(f) >= 6 and f[0] == group and f[1] == topic:
                rows[int(f[2])] = (int(f[3]), int(f[4]), int(f[5]))
        return rows

    def log_starts(self, topic):
        """Kafka's GetOffsetShell --time -2 (the earliest offset): {partition: log start offset}."""
        p = subprocess.run([os.environ["KCON_KAFKA_CTL"], "tool", "--workdir", os.environ["KCON_TEST_BROKER_DIR"],
                            "org.apache.kafka.tools.GetOffsetShell", "--bootstrap-server", self.bootstrap,
                            "--topic", topic, "--time", "-2"], capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        rows = {}
        for line in p.stdout.splitlines():
            t, part, off = line.rsplit(":", 2)
            if t == topic:
                rows[int(part)] = int(off)
        return rows

    def test_oldest_offset(self):
        """kafka_topic_partition_oldest_offset is the log start offset watch asks for at each tick:
        0 on a new topic, then where `topic delete-records` moved it, equal to GetOffsetShell --time
        -2 and to `topic describe`'s low watermark; with everything deleted it meets the end."""
        topic = self.create_topic(2)
        kcat_produce(self.bootstrap, topic, [f"m{i}" for i in range(10)], partition=0)
        kcat_produce(self.bootstrap, topic, [f"n{i}" for i in range(4)], partition=1)
        w, url, _ = self.watch()
        oldest = lambda p: key("kafka_topic_partition_oldest_offset", topic=topic, partition=str(p))  # noqa: E731
        end = lambda p: key("kafka_topic_partition_current_offset", topic=topic, partition=str(p))  # noqa: E731

        def scraped(want):
            """The scrape once the log starts are want ({partition: offset}), else None."""
            m = self.scrape(url)
            return m if all(m.get(oldest(p)) == v for p, v in want.items()) else None

        def agree(m, want):
            self.assertEqual({p: m[oldest(p)] for p in want}, want)
            self.assertEqual(self.log_starts(topic), want)
            parts = self.k.one("topic", "describe", topic)["partitions"]
            self.assertEqual({r["partition"]: r["low"] for r in parts}, want)

        m = wait_until(lambda: scraped({0: 0, 1: 0}), what="the log starts of the new topic")
        self.assertEqual((m[end(0)], m[end(1)]), (10, 4))
        agree(m, {0: 0, 1: 0})
        # internal topics have metadata metrics but no offsets
        self.assertFalse([k for k in m if k[0] == "kafka_topic_partition_oldest_offset" and
                          ("topic", "__consumer_offsets") in k[1]])
        self.k.one("topic", "delete-records", topic, "--partition", 0, "--before", 6, "--yes")
        m = wait_until(lambda: scraped({0: 6, 1: 0}), what="the moved log start in the metrics")
        agree(m, {0: 6, 1: 0})
        self.k.one("topic", "delete-records", topic, "--all", "--before", "end", "--yes")
        m = wait_until(lambda: scraped({0: 10, 1: 4}), what="log starts at the ends")
        agree(m, {0: 10, 1: 4})
        self.assertEqual((m[end(0)], m[end(1)]), (10, 4))
        self.stop(w)

    def test_values_hostile_names_and_status(self):
        topic, group = self.create_topic(3), unique("g")
        self.gone(group)
        hostile = f'h "q" \\ b\nnl {unique("x")}'
        self.gone(hostile)
        for p, n in ((0, 5), (1, 8), (2, 13)):
            kcat_produce(self.bootstrap, topic, [f"m{i}" for i in range(n)], partition=p)
        for p, off in ((0, 1), (1, 8), (2, 4)):
            self.k.one("group", "reset", group, "--topic", f"{topic}:{p}", "--to-offset", off, "--execute")
        self.k.one("group", "reset", hostile, "--topic", topic, "--to-earliest", "--execute")
        w, url, _ = self.watch("--window", "30s")
        def judged(m):
            """Both groups there, each with one status: a second tick has been stored."""
            return all(sum(v for (n, labels), v in m.items() if n == "kcon_consumergroup_status" and
                           ("consumergroup", g) in labels) == 1 for g in (group, hostile))
        m = wait_until(lambda: (lambda m: m if judged(m) else None)(self.scrape(url)),
                       what="both groups in the metrics, judged")
        mine = self.k.one("group", "lag", group, env=self.envs)
        theirs = self.oracle(group, topic)
        self.assertEqual(len(mine["partitions"]), 3)
        for r in mine["partitions"]:
            labels = dict(consumergroup=group, topic=topic, partition=str(r["partition"]))
            got = (m[key("kafka_consumergroup_current_offset", **labels)], r["end"],
                   m[key("kafka_consumergroup_lag", **labels)])
            self.assertEqual(got, (r["committed"], r["end"], r["lag"]), r)
            self.assertEqual(got, theirs[r["partition"]])
            self.assertEqual(m[key("kafka_topic_partition_current_offset", topic=topic,
                                   partition=str(r["partition"]))], r["end"])
            self.assertEqual(m[key("kafka_topic_partition_leader", topic=topic, partition=str(r["partition"]))],
                             1)
        self.assertEqual(m[key("kafka_consumergroup_lag_sum", consumergroup=group, topic=topic)], 4 + 0 + 9)
        self.assertEqual(m[key("kafka_topic_partitions", topic=topic)], 3)
        self.assertEqual(m[key("kafka_brokers")], 1)
        self.assertEqual(m[key("kcon_up")], 1)
        # the hostile group id comes back exactly, its lag too
        self.assertEqual([m[key("kafka_consumergroup_lag", consumergroup=hostile, topic=topic, partition=str(p))]
                          for p in range(3)], [5, 8, 13])
        self.assertEqual(m[key("kafka_consumergroup_lag_sum", consumergroup=hostile, topic=topic)], 26)
        # status: lag that does not move with no members and nothing produced is STALL (docs/monitoring.md)
        for g in (group, hostile):
            st = {s: m[key("kcon_consumergroup_status", consumergroup=g, status=s)]
                  for s in ("OK", "WARN", "STALL", "STOP", "ERR")}
            self.assertEqual(st, {"OK": 0, "WARN": 0, "STALL": 1, "STOP": 0, "ERR": 0})
        self.stop(w)

    def test_ok_to_stop(self):
        topic, group = self.create_topic(1), unique("g")
        self.gone(group)
        kcat_produce(self.bootstrap, topic, [f"m{i}" for i in range(10)], partition=0)
        self.k.one("group", "reset", group, "--topic", topic, "--to-latest", "--execute")
        w, url, _ = self.watch("--window", "30s", "--groups", group)
        status = lambda s: key("kcon_consumergroup_status", consumergroup=group, status=s)  # noqa: E731
        wait_until(lambda: self.scrape(url).get(status("OK")) == 1, what="OK in the metrics")
        kcat_produce(self.bootstrap, topic, [f"n{i}" for i in range(5)], partition=0)
        m = wait_until(lambda: (lambda m: m if m.get(status("STOP")) == 1 else None)(self.scrape(url)),
                       what="STOP in the metrics")
        self.assertEqual(m[key("kafka_consumergroup_lag", consumergroup=group, topic=topic, partition="0")], 5)
        self.assertEqual(m[status("OK")], 0)
        p, docs = self.k.json("check", "--group", group, "--status-not", "STOP", "--window", "30s", env=self.envs)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual([f["value"] for f in docs[0]["failures"]], ["STOP"])
        self.stop(w)

    def test_exposure(self):
        for addr in ("example.com:9308", "9308x", "70000"):
            p = self.k.run("watch", "--metrics", addr, "--count", "1", env=self.envs)
            self.assertEqual(p.returncode, 2, (addr, p.stderr))
            self.assertIn("--metrics", p.stderr)
        w, url, _ = self.watch()
        self.assertTrue(url.startswith("http://127.0.0.1:"), url)  # loopback unless an address is given
        base = url[: -len("/metrics")]
        status, body, ctype = self.get(base + "/")
        self.assertEqual(status, 200)
        self.assertIn('href="/metrics"', body)
        self.assertTrue(ctype.startswith("text/html"))
        for path in ("/nope", "/metrics/x", "/metricsx", "/favicon.ico"):
            self.assertEqual(self.get(base + path)[0], 404, path)
        for method, path in (("POST", "/metrics"), ("PUT", "/metrics"), ("DELETE", "/"), ("POST", "/nope")):
            status, _, _ = self.get(base + path, method=method, data=b"x=1" if method != "DELETE" else None)
            self.assertEqual(status, 405, (method, path))
        # the port is taken: a clear error, exit 1
        port = url.rsplit(":", 1)[1].split("/")[0]
        p = self.k.run("watch", "--metrics", f"127.0.0.1:{port}", "--count", "1", env=self.envs)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("cannot serve there", p.stderr)
        doc = self.stop(w)
        self.assertIn('"scrapes"', doc)
        # an explicit address is served on as given
        w, url, _ = self.watch(addr="0.0.0.0:0")
        self.assertTrue(url.startswith("http://0.0.0.0:"), url)
        self.assertEqual(self.get(url.replace("0.0.0.0", "127.0.0.1"))[0], 200)
        self.stop(w)

    def test_tls_and_basic_auth(self):
        d = tempfile.mkdtemp(prefix="kcon-metrics-tls-")
        self.addCleanup(shutil.rmtree, d, True)
        cert, pkey, pw = (os.path.join(d, n) for n in ("cert.pem", "key.pem", "passwords"))
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", pkey, "-out", cert,
                        "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True)
        with open(pw, "w") as f:
            f.write("# scrapers\nprom:pa:ss word\n\nother:x\n")
        os.chmod(pw, 0o600)
        os.chmod(pkey, 0o600)
        w, url, _ = self.watch("--metrics-cert", cert, "--metrics-key", pkey, "--metrics-auth", pw)
        self.assertTrue(url.startswith("https://127.0.0.1:"), url)
        ctx = ssl.create_default_context(cafile=cert)
        self.assertEqual(self.get(url, ctx=ctx)[0], 401)
        self.assertEqual(self.get(url, ctx=ctx, auth=("prom", "pa:ss wrong"))[0], 401)
        self.assertEqual(self.get(url, ctx=ctx, auth=("nobody", "pa:ss word"))[0], 401)
        self.assertEqual(self.get(url.replace("/metrics", "/"), ctx=ctx, auth=("other", "x"))[0], 200)
        m = wait_until(lambda: (lambda m: m if key("kcon_up") in m else None)(
            parse(self.get(url, ctx=ctx, auth=("prom", "pa:ss word"))[1])), what="an authorized scrape")
        self.assertEqual(m[key("kcon_up")], 1)
        # plain HTTP on the HTTPS port gets no metrics
        with self.assertRaises(Exception):
            urllib.request.urlopen(url.replace("https:", "http:"), timeout=10).read()
        self.stop(w)
        # usage: a certificate without its key, an option without --metrics, a bad password file
        with open(os.path.join(d, "bad"), "w") as f:
            f.write("no colon here\n")
        for args in (["--metrics", "0", "--metrics-cert", cert], ["--metrics-auth", pw],
                     ["--metrics", "0", "--metrics-auth", os.path.join(d, "bad")]):
            p = self.k.run("watch", "--count", "1", *args, env=self.envs)
            self.assertEqual(p.returncode, 2, (args, p.stderr))
        # a certificate that is no PEM: the server cannot start, exit 1 with the hint
        p = self.k.run("watch", "--count", "1", "--metrics", "0", "--metrics-cert", pw, "--metrics-key", pkey,
                       env=self.envs)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("certificate and key are PEM", p.stderr)

    def test_dashboard_uses_documented_metrics(self):
        """docs/grafana-kcon.json asks only for metrics docs/monitoring.md lists, and kcon renders each."""
        src = os.environ.get("KCON_SOURCE_DIR", ".")
        with open(os.path.join(src, "docs", "grafana-kcon.json")) as f:
            used = set(re.findall(r"\b((?:kafka|kcon)_[a-z_]+)", f.read()))
        with open(os.path.join(src, "docs", "monitoring.md")) as f:
            documented = set(re.findall(r"^\| `((?:kafka|kcon)_[a-z_]+)`", f.read(), re.M))
        with open(os.path.join(src, "backend", "metrics.c")) as f:
            rendered = set(re.findall(r'"((?:kafka|kcon)_[a-z_]+)"', f.read()))
        self.assertTrue(used)
        self.assertEqual(used - documented, set())
        self.assertEqual(documented, rendered)

    def test_load(self):
        """20 scrapes a second for 30 s while watch samples every second: none fails, every 20th is
        parsed, and kcon_last_sample_timestamp_seconds never stands still for more than 3 s."""
        w, url, lines = self.watch(interval="1s")
        wait_until(lambda: key("kcon_last_sample_timestamp_seconds") in self.scrape(url), what="a first sample")
        failures, stamps, n = [], [], 0
        start = time.monotonic()
        while time.monotonic() - start < 30:
            due = start + n / 20
            if due > time.monotonic():
                time.sleep(due - time.monotonic())  # pacing the scrapes, not waiting for a condition
            status, body, _ = self.get(url)
            if status != 200 or not body.endswith("kcon_up 1\n"):
                failures.append((status, body[-200:]))
            elif n % 20 == 0:
                stamps.append((time.monotonic(), parse(body)[key("kcon_last_sample_timestamp_seconds")]))
            n += 1
        self.assertEqual(failures, [])
        self.assertGreaterEqual(n, 590)
        changes = [t for (t, v), (_, prev) in zip(stamps[1:], stamps) if v != prev]
        gaps = [b - a for a, b in zip([start] + changes, changes + [time.monotonic()])]
        self.assertLess(max(gaps), 3.5, (gaps, lines[-5:]))
        doc = self.stop(w)
        self.assertIn('"failed": 0', doc.replace('"failed":0', '"failed": 0'))


if __name__ == "__main__":
    unittest.main()
