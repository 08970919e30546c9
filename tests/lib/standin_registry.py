"""A STAND-IN for a Schema Registry, for kcon's tests only. It is not a registry.

No real registry can run on the test machine (docs/testing.md says why), so this serves the small
subset of the Confluent-compatible REST API that kcon's client uses (Apicurio Registry offers the
same API under /apis/ccompat/v7):

    GET  /schemas/ids/N               {"schema": TEXT, "schemaType": "PROTOBUF"|"JSON"} (AVRO: no schemaType)
    GET  /subjects                    ["s1", "s2"]
    GET  /subjects/S/versions         [1, 2]
    GET  /subjects/S/versions/V       {"subject", "version", "id", "schema", "schemaType"?}  (V: N or latest)
    POST /subjects/S/versions         {"schema": TEXT, "schemaType"?: T} -> {"id": N}

Errors as the Confluent API gives them: {"error_code": 40403, "message": "..."} with HTTP 404
(40401 subject, 40402 version, 40403 schema), 401 without the right credentials. It also
misbehaves on request, per path (`faults`): "slow" (answers after `slow_s`), "hold" (answers
only once the test sets the `release` event; `held` counts the requests waiting so), "malformed"
(a body that is not JSON), or an HTTP status. It keeps every request it served (`requests`) so a test can
count them. Checks nothing of a schema's content: it stores text.

Used in-process by the e2e tests (StandInRegistry().start()), or alone:
    python3 tests/lib/standin_registry.py --port 8081 [--user U --password P | --token T]
"""

import argparse
import base64
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class StandInRegistry:
    def __init__(self, user=None, password=None, token=None, slow_s=5.0, prefix=""):
        self.user, self.password, self.token = user, password, token
        self.slow_s = slow_s
        self.prefix = prefix.rstrip("/")  # e.g. "/apis/ccompat/v7", as Apicurio serves it
        self.lock = threading.Lock()
        self.schemas = {}  # id -> {"schema", "schemaType"}
        self.subjects = {}  # subject -> [id of version 1, id of version 2, ...]
        self.next_id = 1
        self.faults = {}  # path -> "slow" | "hold" | "malformed" | int status
        self.release = threading.Event()  # "hold": the held requests are answered once it is set
        self.held = 0  # requests held so far
        self.requests = []  # (method, path)
        self.server = None
        self.stopping = threading.Event()

    # -- the registry's content -------------------------------------------------------------------
    def register(self, subject, schema, schema_type="AVRO"):
        """Adds schema text under subject (a new version unless the same text is its latest); its id."""
        with self.lock:
            for sid, s in self.schemas.items():
                if s["schema"] == schema and s["schemaType"] == schema_type:
                    break
            else:
                sid = self.next_id
                self.next_id += 1
                self.schemas[sid] = {"schema": schema, "schemaType": schema_type}
            versions = self.subjects.setdefault(subject, [])
            if sid not in versions:
                versions.append(sid)
            return sid

    def held_now(self):
        """How many requests have been held (the "hold" fault) so far."""
        with self.lock:
            return self.held

    def count(self, path):
        with self.lock:
            return sum(1 for _, p in self.requests if p == self.prefix + path)

    # -- the server -------------------------------------------------------------------------------
    def start(self, port=0, host="127.0.0.1"):
        reg = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def reply(self, status, body, raw=False):
                data = body if raw else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/vnd.schemaregistry.v1+json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                    self.close_connection = True

            def authorised(self):
                got = self.headers.get("Authorization", "")
                if reg.token is not None:
                    return got == f"Bearer {reg.token}"
                if reg.user is not None:
                    want = base64.b64encode(f"{reg.user}:{reg.password}".encode()).decode()
                    return got == f"Basic {want}"
                return True

            def handle_any(self, method):
                path = urllib.parse.urlsplit(self.path).path
                with reg.lock:
                    reg.requests.append((method, path))
                    fault = reg.faults.get(path)
                body = b""
                if method == "POST":
                    body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if not self.authorised():
                    return self.reply(401, {"error_code": 401, "message": "Unauthorized"})
                if fault == "slow":
                    reg.stopping.wait(reg.slow_s)
                elif fault == "hold":
                    with reg.lock:
                        reg.held += 1
                    while not reg.release.is_set() and not reg.stopping.is_set():
                        reg.release.wait(0.05)
                elif fault == "malformed":
                    return self.reply(200, b'{"schema": "{\\"type\\": ', raw=True)
                elif isinstance(fault, int):
                    return self.reply(fault, {"error_code": fault * 100, "message": "injected by the test"})
                if not path.startswith(reg.prefix + "/"):
                    return self.reply(404, {"error_code": 404, "message": "HTTP 404 Not Found"})
                parts = [urllib.parse.unquote(p) for p in path[len(reg.prefix) + 1:].split("/")]
                status, answer = reg.route(method, parts, body)
                self.reply(status, answer)

            def do_GET(self):
                self.handle_any("GET")

            def do_POST(self):
                self.handle_any("POST")

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}{self.prefix}"

    def stop(self):
        self.stopping.set()
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def route(self, method, parts, body):
        with self.lock:
            if method == "GET" and len(parts) == 3 and parts[:2] == ["schemas", "ids"] and parts[2].isdigit():
                s = self.schemas.get(int(parts[2]))
                if s is None:
                    return 404, {"error_code": 40403, "message": "Schema not found"}
                return 200, self.shown(s)
            if method == "GET" and parts == ["subjects"]:
                return 200, sorted(self.subjects)
            if len(parts) >= 3 and parts[0] == "subjects" and parts[2] == "versions":
                subject = parts[1]
                if method == "POST" and len(parts) == 3:
                    try:
                        req = json.loads(body)
                        schema, stype = req["schema"], req.get("schemaType", "AVRO")
                    except (ValueError, KeyError, TypeError):
                        return 422, {"error_code": 42201, "message": "Invalid schema"}
                    self.lock.release()
                    try:
                        return 200, {"id": self.register(subject, schema, stype)}
                    finally:
                        self.lock.acquire()
                versions = self.subjects.get(subject)
                if versions is None:
                    return 404, {"error_code": 40401, "message": f"Subject '{subject}' not found."}
                if method == "GET" and len(parts) == 3:
                    return 200, list(range(1, len(versions) + 1))
                if method == "GET" and len(parts) == 4:
                    v = parts[3]
                    n = len(versions) if v in ("latest", "-1") else int(v) if v.isdigit() else 0
                    if not 1 <= n <= len(versions):
                        return 404, {"error_code": 40402, "message": f"Version {v} not found."}
                    sid = versions[n - 1]
                    answer = {"subject": subject, "version": n, "id": sid}
                    answer.update(self.shown(self.schemas[sid]))
                    return 200, answer
            return 404, {"error_code": 404, "message": "HTTP 404 Not Found"}

    @staticmethod
    def shown(s):
        out = {"schema": s["schema"]}
        if s["schemaType"] != "AVRO":
            out["schemaType"] = s["schemaType"]
        return out


def main():
    ap = argparse.ArgumentParser(description="A stand-in Schema Registry for kcon's tests (not a registry)")
    ap.add_argument("--port", type=int, default=8081)
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--token")
    a = ap.parse_args()
    reg = StandInRegistry(a.user, a.password, a.token).start(a.port)
    print(f"stand-in registry (a test double, not a registry) at {reg.url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        reg.stop()


if __name__ == "__main__":
    main()
