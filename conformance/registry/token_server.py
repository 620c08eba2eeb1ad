#!/usr/bin/python3
"""A small Docker registry token server for the interop suites (run it with /usr/bin/python3).

Serves GET /token?service=S&scope=repository:NAME:ACTIONS (scope repeatable) with optional
HTTP Basic credentials, and POST /token (OAuth2 form: grant_type=password with
username/password, or grant_type=refresh_token with the --refresh-token value), and answers
{"token", "access_token", "expires_in": 300, "issued_at"} with an ES256 JWT carrying
iss, sub, aud (= service), exp, nbf, iat, jti and access: [{type, name, actions}].

Policy:
  - the one user given with --user/--password gets pull and push on every requested repository;
  - anonymous requests get pull on every repository except those under private/, and nothing
    there (no push anywhere);
  - wrong credentials: HTTP 401.
Other actions (delete, *) and non-repository scopes are never granted.

The signing key is a self-signed P-256 certificate (--cert/--key: loaded when both exist,
otherwise generated and written there); give the certificate to docker-registry as
`rootcertbundle`. The JWT header names the key by its libtrust kid (default) or carries the
certificate in x5c (--x5c).

Every token request is appended to --log as one line:
  METHOD user=<name or -> service=<service> scopes=<s1> <s2>... granted=<name>:<actions>;...
Prints "ready PORT" on stdout once it listens on 127.0.0.1:PORT (--port 0: any free port).
"""
import argparse
import base64
import datetime
import hashlib
import hmac
import json
import os
import sys
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

TTL = 300


def load_or_make_key(cert_path, key_path):
    if os.path.exists(cert_path) and os.path.exists(key_path):
        with open(key_path, "rb") as f:
            key = serialization.load_pem_private_key(f.read(), password=None)
        with open(cert_path, "rb") as f:
            cert = x509.load_pem_x509_certificate(f.read())
        return key, cert
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "export-center test token signer")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert


def libtrust_kid(public_key):
    """libtrust key ID: base32(sha256(SPKI DER)[:30]), unpadded, in 12 groups of 4."""
    spki = public_key.public_bytes(serialization.Encoding.DER,
                                   serialization.PublicFormat.SubjectPublicKeyInfo)
    b32 = base64.b32encode(hashlib.sha256(spki).digest()[:30]).decode().rstrip("=")
    return ":".join(b32[i:i + 4] for i in range(0, len(b32), 4))


def parse_scope(scope):
    """repository:NAME:ACTIONS -> (type, name, [actions]); the name may hold a colon."""
    typ, sep, rest = scope.partition(":")
    name, sep2, actions = rest.rpartition(":")
    if not sep or not sep2 or not name:
        return None
    return typ, name, [a for a in actions.split(",") if a]


class TokenServer(ThreadingHTTPServer):
    daemon_threads = True


def make_handler(args, key, cert):
    kid = libtrust_kid(key.public_key())
    x5c = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
    headers = {"x5c": [x5c]} if args.x5c else {"kid": kid}

    def grant(user, typ, name, actions):
        if typ != "repository":
            return []
        if user is not None:
            allowed = {"pull", "push"}
        elif name == "private" or name.startswith("private/"):
            allowed = set()
        else:
            allowed = {"pull"}
        return [a for a in actions if a in allowed]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):  # quiet: the suites read --log instead
            pass

        def reply(self, status, body, extra=()):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in extra:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def unauthorized(self, why):
            self.reply(401, {"errors": [{"code": "UNAUTHORIZED", "message": why}]},
                       [("WWW-Authenticate", 'Basic realm="ec-token"')])

        def check_password(self, user, password):
            return (args.user is not None and hmac.compare_digest(user, args.user)
                    and hmac.compare_digest(password, args.password or ""))

        def basic_user(self):
            """(ok, user): user None for anonymous; ok False for bad credentials."""
            auth = self.headers.get("Authorization")
            if not auth:
                return True, None
            scheme, _, value = auth.partition(" ")
            if scheme.lower() != "basic":
                return False, None
            try:
                user, _, password = base64.b64decode(value.strip(), validate=True).decode().partition(":")
            except Exception:
                return False, None
            return (True, user) if self.check_password(user, password) else (False, None)

        def issue(self, user, service, scopes):
            access, granted = [], []
            for s in scopes:
                parsed = parse_scope(s)
                if parsed is None:
                    continue
                actions = grant(user, *parsed)
                granted.append(f"{parsed[1]}:{','.join(actions) or '-'}")
                if actions:
                    access.append({"type": parsed[0], "name": parsed[1], "actions": actions})
            now = int(datetime.datetime.now(datetime.timezone.utc).timestamp())
            claims = {"iss": args.issuer, "sub": user or "", "aud": service, "exp": now + TTL,
                      "nbf": now - 10, "iat": now, "jti": uuid.uuid4().hex, "access": access}
            token = jwt.encode(claims, key, algorithm="ES256", headers=headers)
            if args.log:
                with open(args.log, "a") as f:
                    f.write(f"{self.command} user={user or '-'} service={service} "
                            f"scopes={' '.join(scopes) or '-'} granted={';'.join(granted) or '-'}\n")
            issued = datetime.datetime.fromtimestamp(now, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            self.reply(200, {"token": token, "access_token": token, "expires_in": TTL, "issued_at": issued})

        def do_GET(self):
            url = urlsplit(self.path)
            if url.path != "/token":
                return self.reply(404, {"errors": [{"code": "NOT_FOUND", "message": url.path}]})
            query = parse_qs(url.query)
            ok, user = self.basic_user()
            if not ok:
                return self.unauthorized("bad credentials")
            self.issue(user, query.get("service", [""])[0], query.get("scope", []))

        def do_POST(self):
            url = urlsplit(self.path)
            if url.path != "/token":
                return self.reply(404, {"errors": [{"code": "NOT_FOUND", "message": url.path}]})
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode())
            field = lambda k: form.get(k, [""])[0]
            grant_type = field("grant_type")
            if grant_type == "password":
                if not self.check_password(field("username"), field("password")):
                    return self.unauthorized("bad credentials")
                user = field("username")
            elif grant_type == "refresh_token":
                if not args.refresh_token or not hmac.compare_digest(field("refresh_token"), args.refresh_token):
                    return self.unauthorized("bad refresh token")
                user = args.user
            else:
                return self.reply(400, {"errors": [{"code": "UNSUPPORTED", "message": "grant_type"}]})
            scopes = [s for v in form.get("scope", []) for s in v.split(" ") if s]
            self.issue(user, field("service"), scopes)

    return Handler


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--cert", required=True, help="PEM certificate (generated when missing)")
    p.add_argument("--key", required=True, help="PEM private key (generated when missing)")
    p.add_argument("--issuer", required=True)
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--refresh-token", help="identity token accepted by POST grant_type=refresh_token")
    p.add_argument("--log", help="append one line per token request")
    p.add_argument("--x5c", action="store_true", help="put the certificate in the JWT header instead of a kid")
    args = p.parse_args()
    key, cert = load_or_make_key(args.cert, args.key)
    server = TokenServer(("127.0.0.1", args.port), make_handler(args, key, cert))
    print(f"ready {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
