"""A group member spoken in Kafka's wire protocol, for tests that need a group of a protocol type
no client at hand joins with (Kafka Connect's "connect", ...): JoinGroup v5 then SyncGroup v3 as
the leader, on the coordinator (the single test broker). The member stays until close() or its
session times out."""

import socket
import struct


def _str(s):
    b = s.encode()
    return struct.pack(">h", len(b)) + b


def _nullable(s):
    return struct.pack(">h", -1) if s is None else _str(s)


def _bytes(b):
    return struct.pack(">i", len(b)) + b


class _Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, fmt):
        v = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return v[0]

    def str(self):
        n = self.take(">h")
        if n < 0:
            return None
        s = self.data[self.pos:self.pos + n].decode()
        self.pos += n
        return s


class RawMember:
    JOIN, SYNC = 11, 14

    def __init__(self, bootstrap, group, protocol_type, protocol="raw", session_ms=30000, timeout=30):
        host, port = bootstrap.split(",")[0].rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=timeout)
        self.group, self.corr = group, 0
        member = ""
        for _ in range(2):  # the first join is answered with MEMBER_ID_REQUIRED and the id to use
            body = (_str(group) + struct.pack(">ii", session_ms, session_ms) + _str(member) + _nullable(None)
                    + _str(protocol_type) + struct.pack(">i", 1) + _str(protocol) + _bytes(b""))
            r = _Reader(self._call(self.JOIN, 5, body))
            r.take(">i")  # throttle
            err = r.take(">h")
            self.generation = r.take(">i")
            r.str()  # protocol name
            r.str()  # leader
            member = r.str()
            if err == 0:
                break
            if err != 79:
                raise AssertionError(f"JoinGroup: error {err}")
        else:
            raise AssertionError("JoinGroup: no member id")
        self.member = member
        body = (_str(group) + struct.pack(">i", self.generation) + _str(member) + _nullable(None)
                + struct.pack(">i", 0))
        r = _Reader(self._call(self.SYNC, 3, body))
        r.take(">i")
        err = r.take(">h")
        if err:
            raise AssertionError(f"SyncGroup: error {err}")

    def _call(self, key, version, body):
        self.corr += 1
        req = struct.pack(">hhi", key, version, self.corr) + _nullable("kcon-test") + body
        self.sock.sendall(struct.pack(">i", len(req)) + req)
        n = struct.unpack(">i", self._read(4))[0]
        resp = self._read(n)
        if struct.unpack_from(">i", resp)[0] != self.corr:
            raise AssertionError("a response to another request")
        return resp[4:]

    def _read(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise AssertionError("the broker closed the connection")
            buf += chunk
        return buf

    def close(self):
        self.sock.close()
