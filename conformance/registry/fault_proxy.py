#!/usr/bin/env python3
"""Fault-injecting HTTP reverse proxy for the registry interop suites (standard library only).

    python3 fault_proxy.py --listen PORT --upstream 127.0.0.1:UPSTREAM_PORT --faults SPEC

Forwards every request to the upstream registry and injects faults per SPEC, a comma-separated
list of KIND:MATCH:COUNT rules: the first COUNT requests whose "METHOD PATH" contains MATCH get
the fault, later ones pass through. Kinds: reset, truncate, 500, 429, slow, corrupt (see
FAULTS). Prints "ready" on stdout once listening, one line per injected fault on stderr, and
exits on SIGTERM.
"""
import argparse
import base64
import http.client
import http.server
import signal
import socket
import struct
import sys
import threading
import time

FAULTS = {
    "reset",     # forward, send headers and half the body, then RST the connection
    "truncate",  # forward, send headers (real Content-Length) and part of the body, then FIN
    "500",       # answer 500 with a distribution error body, without forwarding
    "429",       # answer 429 with Retry-After: 1, without forwarding
    "slow",      # forward, dribble the body at 64 KiB every 50 ms (completes)
    "corrupt",   # forward, flip one byte in the middle of the body (same length)
    "405",       # answer 405 without forwarding: the registry refuses this upload method
    "pass",      # forward unchanged; only logged (to count requests of a kind)
    "redirect",  # answer 307 to the same path on "localhost" (another origin), like blob storage
}
STORAGE = "/__storage__"  # where redirected requests arrive; they log whether credentials came
CHUNK = 64 << 10
# Hop-by-hop headers belong to one connection, not to the message (RFC 9110 7.6.1).
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade"}


class Rules:
    """The SPEC rules with their remaining counts, shared by all handler threads."""

    def __init__(self, spec):
        self.lock = threading.Lock()
        self.rules = []
        for item in filter(None, spec.split(",")):
            # MATCH may itself contain ':' (e.g. "sha256:..."), so split KIND and COUNT off the ends.
            kind, rest = item.split(":", 1)
            match, count = rest.rsplit(":", 1)
            if kind not in FAULTS:
                sys.exit(f"fault_proxy: unknown fault kind {kind!r}")
            self.rules.append([kind, match, int(count)])

    def take(self, request_line):
        with self.lock:
            for rule in self.rules:
                if rule[1] in request_line and rule[2] > 0:
                    rule[2] -= 1
                    return rule[0]
        return None


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as clients reuse connections to registries
    rules = None
    upstream = None
    storage_auth = None

    def log_message(self, *args):  # stderr is reserved for the fault log
        pass

    def handle_any(self):
        if self.path.startswith(STORAGE):
            return self.serve_storage()
        line = f"{self.command} {self.path}"
        fault = self.rules.take(line)
        if fault:
            rng = self.headers.get("Range")
            print(f"fault_proxy: {fault} {line}" + (f" range={rng}" if rng else ""), file=sys.stderr, flush=True)
        if fault == "redirect":
            self.drain_body()
            self.send_response_only(307)
            self.send_header("Location", f"http://localhost:{self.server.server_address[1]}{STORAGE}{self.path}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if fault in ("500", "429", "405"):
            self.drain_body()  # read the upload first so the connection stays usable
            return self.error(int(fault))
        conn = http.client.HTTPConnection(self.upstream, timeout=120)
        try:
            self.forward_request(conn)
            self.relay_response(conn.getresponse(), None if fault == "pass" else fault)
        finally:
            conn.close()

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

    def serve_storage(self):
        # The client followed a redirect to another origin: it must not have sent the
        # registry's credentials here. The proxy reaches the registry with its own.
        carried = "yes" if self.headers.get("Authorization") else "no"
        print(f"fault_proxy: storage authorization={carried} {self.command} {self.path}", file=sys.stderr, flush=True)
        self.path = self.path[len(STORAGE):]
        del self.headers["Authorization"]
        if self.storage_auth:
            self.headers["Authorization"] = "Basic " + base64.b64encode(self.storage_auth.encode()).decode()
        conn = http.client.HTTPConnection(self.upstream, timeout=120)
        try:
            self.forward_request(conn)
            self.relay_response(conn.getresponse(), None)
        finally:
            conn.close()

    def error(self, status):
        body = b'{"errors":[{"code":"UNKNOWN","message":"injected"}]}'
        self.send_response_only(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if status == 429:
            self.send_header("Retry-After", "1")
        self.end_headers()
        if self.command != "HEAD":  # a HEAD answer announces the length but carries no body
            self.wfile.write(body)

    def body_chunks(self):
        """Yields the raw request body: Content-Length bytes, or chunked framing verbatim."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            while True:
                size_line = self.rfile.readline()
                yield size_line
                size = int(size_line.split(b";")[0], 16)
                if size == 0:
                    while True:  # trailers, up to the blank line
                        trailer = self.rfile.readline()
                        yield trailer
                        if trailer in (b"\r\n", b"\n", b""):
                            return
                yield self.rfile.read(size + 2)  # data and its CRLF
        left = int(self.headers.get("Content-Length") or 0)
        while left > 0:
            data = self.rfile.read(min(CHUNK, left))
            if not data:
                return
            left -= len(data)
            yield data

    def drain_body(self):
        for _ in self.body_chunks():
            pass

    def forward_request(self, conn):
        conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
        for name, value in self.headers.items():
            if name.lower() in HOP_BY_HOP:
                continue
            # The registry builds Location from Host; it names the upstream, rewritten below.
            conn.putheader(name, self.upstream if name.lower() == "host" else value)
        conn.endheaders()
        for data in self.body_chunks():
            conn.send(data)

    def relay_response(self, resp, fault):
        self.send_response_only(resp.status, resp.reason)
        length = resp.getheader("Content-Length")
        has_body = self.command != "HEAD" and resp.status not in (204, 304)
        chunked = has_body and length is None  # re-frame bodies of unknown length as chunked
        for name, value in resp.getheaders():
            if name.lower() in HOP_BY_HOP or name.lower() == "transfer-encoding":
                continue
            if name.lower() == "location" and value.startswith(f"http://{self.upstream}"):
                value = f"http://{self.headers.get('Host')}" + value[len(f"http://{self.upstream}"):]
            self.send_header(name, value)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if not has_body:
            return
        total = int(length) if length is not None else 0
        cut = total // 2 if fault in ("reset", "truncate") else None  # bytes to send before cutting
        flip = total // 2 if fault == "corrupt" else None             # offset of the flipped byte
        sent = 0
        while True:
            data = resp.read(CHUNK)
            if not data:
                break
            if cut is not None and sent + len(data) >= cut:
                self.wfile.write(data[: cut - sent])
                return self.cut_connection(fault)
            if flip is not None and sent <= flip < sent + len(data):
                data = bytearray(data)
                data[flip - sent] ^= 0xFF
                data = bytes(data)
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
            sent += len(data)
            if fault == "slow":
                time.sleep(0.05)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    def cut_connection(self, fault):
        self.close_connection = True
        if fault == "reset":
            # SO_LINGER with a zero timeout makes close() send RST instead of FIN: the client
            # sees "connection reset by peer" mid-body. The rfile holds a reference to the
            # socket, so close it first or close() would not release the descriptor.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.rfile.close()
            self.connection.close()
        # truncate: returning with close_connection set ends the connection with a normal FIN.


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--listen", type=int, required=True)
    ap.add_argument("--upstream", required=True, help="HOST:PORT of the registry")
    ap.add_argument("--faults", default="", help="KIND:MATCH:COUNT,...")
    ap.add_argument("--storage-auth", default="", help="USER:PASS the redirect target uses upstream")
    args = ap.parse_args()
    Proxy.storage_auth = args.storage_auth
    Proxy.rules = Rules(args.faults)
    Proxy.upstream = args.upstream
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.listen), Proxy)
    server.daemon_threads = True  # in-flight requests must not delay the exit
    # SystemExit from the handler unwinds serve_forever in the main thread.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("ready", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
