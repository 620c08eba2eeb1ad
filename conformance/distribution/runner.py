#!/usr/bin/env python3
"""Conformance runner for the OCI distribution-spec v1.1 HTTP API (standard library only).

Pushes its own random content to two repositories of any registry and checks the registry's
answers: pull (blobs, ranges, manifests), push (every upload flavour, mounts, manifests of
every kind), content discovery (tags, catalog, referrers), content management (deletes) and
error reporting. Each check has a stable id; see README.md next to this file for the list and
for what counts as a pass where the spec leaves room.

    runner.py --url http://127.0.0.1:5000 [--repo1 conformance/one] [--repo2 conformance/two]
              [--username U --password P] [--insecure] [--expect-fail ID[,ID...]]
              [--only ID-prefix[,ID-prefix...]] [--verbose]

Defaults come from the upstream suite's variables: OCI_REGISTRY (+ OCI_TLS) or OCI_ROOT_URL,
OCI_REPO1 / OCI_NAMESPACE, OCI_REPO2 / OCI_CROSSMOUNT_NAMESPACE, OCI_USERNAME, OCI_PASSWORD.

Output: one line per check (ok / FAIL / xfail / XPASS), then "N passed, N failed, N expected
differences". The exit status is non-zero when a check FAILed or XPASSed (passed although it
was listed in --expect-fail, so the list of expected differences has to stay accurate).
"""
import argparse
import base64
import hashlib
import http.client
import json
import os
import re
import ssl
import sys
import urllib.parse

# ---------------------------------------------------------------------------------------------
# Media types, digests and the spec's error codes

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar"
OCI_EMPTY = "application/vnd.oci.empty.v1+json"
EMPTY_JSON_DIGEST = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
MANIFEST_ACCEPT = ", ".join([OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST])
ARTIFACT_TYPE = "application/vnd.example.conformance.v1"
ARTIFACT_LAYER = "application/vnd.example.conformance.layer.v1"
MIB = 1024 * 1024

# distribution-spec "Error Codes" table. Legacy docker codes (TAG_INVALID, MANIFEST_UNVERIFIED)
# are deliberately absent: error-body-json wants the spec's codes.
KNOWN_ERROR_CODES = {
    "BLOB_UNKNOWN", "BLOB_UPLOAD_INVALID", "BLOB_UPLOAD_UNKNOWN", "DIGEST_INVALID",
    "MANIFEST_BLOB_UNKNOWN", "MANIFEST_INVALID", "MANIFEST_UNKNOWN", "NAME_INVALID",
    "NAME_UNKNOWN", "SIZE_INVALID", "UNAUTHORIZED", "DENIED", "UNSUPPORTED", "TOOMANYREQUESTS",
}


def digest_of(data, alg="sha256"):
    return f"{alg}:{hashlib.new(alg, data).hexdigest()}"


def descriptor(media_type, data, **extra):
    return {"mediaType": media_type, "digest": digest_of(data), "size": len(data), **extra}


def dumps(obj):
    return json.dumps(obj, indent=2).encode()


class Fail(Exception):
    """A check's verdict: the registry did not behave as required."""


def expect(cond, why):
    if not cond:
        raise Fail(why)


def short(items, limit=6):
    """A list for a message: the first few items and how many more."""
    items = list(items or [])
    more = f", ... +{len(items) - limit} more" if len(items) > limit else ""
    return "[" + ", ".join(map(str, items[:limit])) + more + "]"


# ---------------------------------------------------------------------------------------------
# HTTP session with registry auth


class Response:
    def __init__(self, method, url, status, headers, body):
        self.method, self.url, self.status, self.headers, self.body = method, url, status, headers, body

    def header(self, name):
        """Header value (names compare case-insensitively: Go servers send Oci-Subject)."""
        return self.headers.get(name)

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def error_codes(self):
        """The codes of a spec error body, or None when the body is not one."""
        doc = self.json()
        if not isinstance(doc, dict) or not isinstance(doc.get("errors"), list) or not doc["errors"]:
            return None
        if not all(isinstance(e, dict) and isinstance(e.get("code"), str) for e in doc["errors"]):
            return None
        return [e["code"] for e in doc["errors"]]

    def describe(self):
        body = self.body[:160].decode("utf-8", "replace").strip().replace("\n", " ")
        return f"{self.method} {urllib.parse.urlsplit(self.url).path} -> {self.status} {body}".rstrip()


def parse_challenge(value):
    """WWW-Authenticate -> (scheme lower-cased, {param: value}) for the first challenge.
    Quoted values are consumed whole, so a realm URL with its own query stays intact."""
    scheme, _, rest = value.strip().partition(" ")
    params = {}
    for m in re.finditer(r'([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s"]*))', rest):
        params[m.group(1).lower()] = m.group(2) if m.group(2) is not None else m.group(3)
    return scheme.lower(), params


def merge_scopes(scopes):
    """Union the actions of scopes naming the same resource: 'repository:a:pull' and
    'repository:a:push,delete' -> 'repository:a:pull,push,delete'."""
    merged = {}
    for scope in scopes:
        resource, _, actions = scope.rpartition(":")
        known = merged.setdefault(resource, [])
        known += [a for a in actions.split(",") if a and a not in known]
    return [f"{resource}:{','.join(actions)}" for resource, actions in merged.items()]


class Session:
    """One registry: absolute URLs, redirects, anonymous / Basic / Bearer auth.

    Bearer tokens are requested for the scopes a request needs (derived from its path and
    method, plus whatever the challenge names) and cached per scope set; a 401 on a cached
    token drops it and authenticates once more. Basic credentials are sent from the first
    Basic challenge on. Authorization never follows a redirect to another host."""

    def __init__(self, base_url, username=None, password=None, insecure=False, verbose=False):
        self.base = base_url.rstrip("/")
        self.username, self.password = username, password
        self.verbose = verbose
        self.ssl = ssl.create_default_context()
        if insecure:
            self.ssl.check_hostname = False
            self.ssl.verify_mode = ssl.CERT_NONE
        self.basic = None          # "Basic ..." once the registry asked for it
        self.bearer = None         # {"realm", "service"} once the registry asked for a token
        self.tokens = {}           # tuple(sorted scopes) -> token

    def url(self, path):
        return path if "://" in path else self.base + path

    # -- raw HTTP ----------------------------------------------------------------------------
    def _send(self, method, url, body, headers):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme == "https":
            conn = http.client.HTTPSConnection(parts.netloc, timeout=120, context=self.ssl)
        else:
            conn = http.client.HTTPConnection(parts.netloc, timeout=120)
        target = parts.path + ("?" + parts.query if parts.query else "")
        try:
            try:
                conn.request(method, target, body=body, headers=headers)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server answered before reading the whole body (e.g. a size limit)
            resp = conn.getresponse()
            try:
                data, framing = resp.read(), None
            except http.client.IncompleteRead as e:
                # Content-Length promised more than the server sent: clients see a broken answer.
                data = e.partial
                framing = f"Content-Length {resp.getheader('Content-Length')} but {len(data)} bytes of body"
            result = Response(method, url, resp.status, resp.headers, data)
            if framing:
                raise Fail(f"{result.describe()}: broken HTTP framing: {framing}")
            return result
        finally:
            conn.close()

    # -- auth ----------------------------------------------------------------------------------
    @staticmethod
    def _scopes(method, url):
        path = urllib.parse.urlsplit(url).path
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
        if path.rstrip("/") == "/v2/_catalog":
            return ["registry:catalog:*"]
        m = re.match(r"^/v2/(.+?)/(blobs|manifests|tags|referrers)/", path)
        if not m:
            return []
        # pull,push for everything (what the upstream suite asks for; token servers grant the
        # subset they allow), so one token serves a repository's reads and writes.
        actions = "pull,push,delete" if method == "DELETE" else "pull,push"
        scopes = [f"repository:{m.group(1)}:{actions}"]
        for source in query.get("from", []):
            scopes.append(f"repository:{source}:pull")
        return scopes

    def _fetch_token(self, scopes):
        params = [("service", self.bearer.get("service", ""))] if "service" in self.bearer else []
        params += [("scope", s) for s in scopes]
        realm = self.bearer["realm"]
        url = realm + ("&" if "?" in realm else "?") + urllib.parse.urlencode(params)
        headers = {}
        if self.username is not None:
            cred = f"{self.username}:{self.password or ''}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(cred).decode()
        resp = self._send("GET", url, None, headers)
        if self.verbose:
            print(f"       # token {resp.status} for {' '.join(scopes)}", file=sys.stderr)
        doc = resp.json() if resp.status == 200 else None
        token = (doc or {}).get("token") or (doc or {}).get("access_token")
        if not token:
            raise Fail(f"token request to {realm} failed: {resp.status}")
        self.tokens[tuple(sorted(scopes))] = token
        return token

    def _auth_header(self, url, scopes):
        if urllib.parse.urlsplit(url).netloc != urllib.parse.urlsplit(self.base).netloc:
            return None
        if self.bearer is not None:
            key = tuple(sorted(scopes))
            return "Bearer " + (self.tokens.get(key) or self._fetch_token(scopes))
        return self.basic

    def _authenticate(self, resp, scopes):
        """React to a 401; returns the scopes to retry with, or None when we cannot do better."""
        challenge = resp.header("WWW-Authenticate")
        if not challenge:
            return None
        scheme, params = parse_challenge(challenge)
        if scheme == "basic":
            if self.username is None or self.basic is not None:
                return None
            cred = f"{self.username}:{self.password or ''}".encode()
            self.basic = "Basic " + base64.b64encode(cred).decode()
            return scopes
        if scheme == "bearer" and "realm" in params:
            self.bearer = {k: v for k, v in params.items() if k in ("realm", "service")}
            wanted = merge_scopes(scopes + params.get("scope", "").split())
            self.tokens.pop(tuple(sorted(scopes)), None)
            self.tokens.pop(tuple(sorted(wanted)), None)
            return wanted
        return None

    # -- public ------------------------------------------------------------------------------
    def request(self, method, path, body=None, headers=None, follow=True):
        url = self.url(path)
        headers = dict(headers or {})
        scopes = self._scopes(method, url)
        for attempt in range(2):
            h = dict(headers)
            auth = self._auth_header(url, scopes)
            if auth:
                h["Authorization"] = auth
            resp = self._send(method, url, body, h)
            if self.verbose:
                print(f"       # {method} {url} -> {resp.status}", file=sys.stderr)
            if resp.status != 401 or attempt == 1:
                break
            retry = self._authenticate(resp, scopes)
            if retry is None:
                break
            scopes = retry
        # Blob GETs may be redirected to storage; follow without carrying Authorization along
        # (_auth_header only authenticates requests to the registry's own host).
        hops = 0
        while follow and method in ("GET", "HEAD") and resp.status in (301, 302, 303, 307, 308) \
                and resp.header("Location") and hops < 5:
            url = urllib.parse.urljoin(url, resp.header("Location"))
            h = dict(headers)
            auth = self._auth_header(url, scopes)
            if auth:
                h["Authorization"] = auth
            resp = self._send(method, url, None, h)
            hops += 1
        return resp


# ---------------------------------------------------------------------------------------------
# Registry operations shared by the checks


def with_query(url, **params):
    """Append query parameters to an upload Location that may already carry some (?_state=)."""
    parts = urllib.parse.urlsplit(url)
    extra = urllib.parse.urlencode(params, safe=":")
    query = parts.query + ("&" if parts.query else "") + extra
    return urllib.parse.urlunsplit(parts._replace(query=query))


def range_end(value):
    """'0-99' or 'bytes=0-99' -> 99; None when absent or malformed."""
    m = re.fullmatch(r"(?:bytes=)?0-(\d+)", (value or "").strip())
    return int(m.group(1)) if m else None


def next_link(resp):
    """The rel="next" target of a Link header, resolved against the request URL."""
    value = resp.header("Link")
    if not value:
        return None
    for part in value.split(","):
        m = re.match(r'\s*<([^>]*)>\s*;(.*)', part)
        if m and re.search(r'rel="?next"?', m.group(2)):
            return urllib.parse.urljoin(resp.url, m.group(1))
    return None


class Image:
    """A manifest (image, index or artifact) as pushed: its bytes, type, blobs, and the PUT's
    response when it was pushed."""

    def __init__(self, body, media_type, blobs):
        self.body, self.media_type, self.blobs = body, media_type, blobs
        self.digest = digest_of(body)
        self.put_response = None

    def desc(self, **extra):
        return {"mediaType": self.media_type, "digest": self.digest, "size": len(self.body), **extra}


class Context:
    def __init__(self, session, repo1, repo2):
        self.s, self.repo1, self.repo2 = session, repo1, repo2
        self._fixtures = {}

    def fixture(self, name, make):
        """Content several read-only checks share (made once; a setup failure fails each)."""
        if name not in self._fixtures:
            try:
                self._fixtures[name] = (True, make())
            except Fail as e:
                self._fixtures[name] = (False, e)
        ok, value = self._fixtures[name]
        if not ok:
            raise Fail(f"setup: {value}")
        return value

    # -- blobs ---------------------------------------------------------------------------------
    def start_upload(self, repo, what="POST upload"):
        resp = self.s.request("POST", f"/v2/{repo}/blobs/uploads/", body=b"")
        expect(resp.status == 202 and resp.header("Location"),
               f"{what}: got {resp.status} Location={resp.header('Location')!r}, want 202 + Location")
        return urllib.parse.urljoin(resp.url, resp.header("Location"))

    def push_blob(self, repo, data, alg="sha256"):
        """POST + monolithic PUT; returns the digest."""
        dig = digest_of(data, alg)
        loc = self.start_upload(repo)
        resp = self.s.request("PUT", with_query(loc, digest=dig), body=data,
                              headers={"Content-Type": "application/octet-stream"})
        expect(resp.status == 201, f"blob PUT {dig[:19]}: got {resp.status}, want 201 ({resp.describe()})")
        return dig

    def blob(self, repo, dig, method="GET", headers=None):
        return self.s.request(method, f"/v2/{repo}/blobs/{dig}", headers=headers)

    # -- manifests -----------------------------------------------------------------------------
    def put_manifest(self, repo, ref, body, media_type):
        return self.s.request("PUT", f"/v2/{repo}/manifests/{ref}", body=body,
                              headers={"Content-Type": media_type})

    def push_manifest(self, repo, ref, body, media_type):
        resp = self.put_manifest(repo, ref, body, media_type)
        expect(resp.status == 201, f"manifest PUT {ref}: got {resp.status}, want 201 ({resp.describe()})")
        return resp

    def manifest(self, repo, ref, method="GET", accept=MANIFEST_ACCEPT):
        return self.s.request(method, f"/v2/{repo}/manifests/{ref}", headers={"Accept": accept})

    def new_image(self, repo, tag=None, push=True, layers=1, **fields):
        """An OCI image with a random config and random layers; blobs pushed, manifest pushed
        under `tag` (or its digest) unless push=False. Extra manifest fields via **fields."""
        config = dumps({"architecture": "amd64", "os": "linux",
                        "rootfs": {"type": "layers", "diff_ids": []},
                        "conformance": os.urandom(8).hex()})
        layer_data = [os.urandom(256) for _ in range(layers)]
        blobs = [config] + layer_data
        for data in blobs:
            self.push_blob(repo, data)
        manifest = {"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                    "config": descriptor(OCI_CONFIG, config),
                    "layers": [descriptor(OCI_LAYER, d) for d in layer_data], **fields}
        image = Image(dumps(manifest), OCI_MANIFEST, blobs)
        if push:
            image.put_response = self.push_manifest(repo, tag or image.digest, image.body, OCI_MANIFEST)
        return image

    def new_index(self, repo, children, tag=None, **fields):
        body = dumps({"schemaVersion": 2, "mediaType": OCI_INDEX,
                      "manifests": [c.desc(platform={"os": "linux", "architecture": arch})
                                    for c, arch in zip(children, ["amd64", "arm64", "s390x"])],
                      **fields})
        index = Image(body, OCI_INDEX, [])
        index.put_response = self.push_manifest(repo, tag or index.digest, body, OCI_INDEX)
        return index

    def push_empty_config(self, repo):
        expect(digest_of(b"{}") == EMPTY_JSON_DIGEST, "runner bug: empty JSON digest")
        self.push_blob(repo, b"{}")
        return {"mediaType": OCI_EMPTY, "digest": EMPTY_JSON_DIGEST, "size": 2}

    def new_artifact(self, repo, tag=None, subject=None, artifact_type=ARTIFACT_TYPE, annotations=None):
        """An artifact manifest: artifactType, the empty config, one custom-typed layer."""
        layer = os.urandom(128)
        self.push_blob(repo, layer)
        manifest = {"schemaVersion": 2, "mediaType": OCI_MANIFEST, "artifactType": artifact_type,
                    "config": self.push_empty_config(repo),
                    "layers": [descriptor(ARTIFACT_LAYER, layer)]}
        if subject is not None:
            manifest["subject"] = subject
        manifest["annotations"] = {"org.example.conformance.nonce": os.urandom(8).hex(),
                                   **(annotations or {})}
        art = Image(dumps(manifest), OCI_MANIFEST, [layer])
        art.put_response = self.push_manifest(repo, tag or art.digest, art.body, OCI_MANIFEST)
        return art

    def tags(self, repo, query=""):
        resp = self.s.request("GET", f"/v2/{repo}/tags/list{query}")
        expect(resp.status == 200, f"tag list{query}: got {resp.status}, want 200 ({resp.describe()})")
        doc = resp.json()
        expect(isinstance(doc, dict), f"tag list{query}: body is not a JSON object")
        return resp, doc


def expect_error(resp, statuses, code, what):
    """Status in `statuses` and a spec error body naming `code`."""
    statuses = (statuses,) if isinstance(statuses, int) else statuses
    want = "/".join(map(str, statuses))
    expect(resp.status in statuses, f"{what}: got {resp.status}, want {want} {code} ({resp.describe()})")
    codes = resp.error_codes()
    expect(codes is not None, f"{what}: {resp.status} body is not a JSON error body, want code {code} "
                              f"({resp.describe()})")
    expect(code in codes, f"{what}: got codes {codes}, want {code}")


def random_blob(ctx, name, size):
    """A shared random blob of `size` bytes in repo1: (data, digest)."""
    def make():
        data = os.urandom(size)
        return data, ctx.push_blob(ctx.repo1, data)
    return ctx.fixture(name, make)


def check_blob_range(ctx, spec, want_status, lo=None, hi=None):
    """GET a 4000-byte blob with `Range: bytes=<spec>`; on 206 the body must be data[lo:hi+1]."""
    data, dig = random_blob(ctx, "range-blob", 4000)
    resp = ctx.blob(ctx.repo1, dig, headers={"Range": f"bytes={spec}"})
    expect(resp.status in want_status, f"Range bytes={spec} on a 4000-byte blob: got {resp.status}, "
                                       f"want {'/'.join(map(str, want_status))}")
    if resp.status == 206:
        want_cr = f"bytes {lo}-{hi}/4000"
        expect(resp.header("Content-Range") == want_cr,
               f"Content-Range: got {resp.header('Content-Range')!r}, want {want_cr!r}")
        expect(resp.body == data[lo:hi + 1], f"206 body: got {len(resp.body)} bytes, want bytes {lo}-{hi}")
    elif resp.status == 200:
        expect(resp.body == data, "200 body is not the whole blob")
    elif resp.status == 416:
        cr = resp.header("Content-Range")
        expect(cr in (None, "bytes */4000"), f"416 Content-Range: got {cr!r}, want 'bytes */4000'")


# ---------------------------------------------------------------------------------------------
# Checks: one function each, registered in order. A check raises Fail with the reason.

CHECKS = []


def check(check_id, description):
    def register(fn):
        CHECKS.append((check_id, description, fn))
        return fn
    return register


@check("ping", "GET /v2/ answers 200")
def _(ctx):
    resp = ctx.s.request("GET", "/v2/")
    expect(resp.status == 200, f"got {resp.status}, want 200 ({resp.describe()})")


# -- pull: blobs -------------------------------------------------------------------------------

def pulled_blob(ctx):
    return random_blob(ctx, "pull-blob", 1500)


@check("blob-head", "HEAD blob: 200, Content-Length, no body")
def _(ctx):
    data, dig = pulled_blob(ctx)
    resp = ctx.blob(ctx.repo1, dig, "HEAD")
    expect(resp.status == 200, f"got {resp.status}, want 200")
    expect(resp.header("Content-Length") == str(len(data)),
           f"Content-Length: got {resp.header('Content-Length')!r}, want {len(data)}")
    expect(resp.body == b"", "HEAD returned a body")


@check("blob-get", "GET blob: 200 with the exact bytes")
def _(ctx):
    data, dig = pulled_blob(ctx)
    resp = ctx.blob(ctx.repo1, dig)
    expect(resp.status == 200, f"got {resp.status}, want 200")
    expect(resp.body == data, f"body differs ({len(resp.body)} bytes, want {len(data)})")


@check("blob-digest-header", "GET and HEAD blob carry Docker-Content-Digest = the blob digest (SHOULD)")
def _(ctx):
    _, dig = pulled_blob(ctx)
    for method in ("GET", "HEAD"):
        got = ctx.blob(ctx.repo1, dig, method).header("Docker-Content-Digest")
        expect(got == dig, f"{method}: got {got!r}, want {dig}")


@check("blob-get-missing", "GET/HEAD of an absent blob: 404 (BLOB_UNKNOWN)")
def _(ctx):
    dig = digest_of(os.urandom(32))
    expect_error(ctx.blob(ctx.repo1, dig), 404, "BLOB_UNKNOWN", "GET")
    resp = ctx.blob(ctx.repo1, dig, "HEAD")
    expect(resp.status == 404, f"HEAD: got {resp.status}, want 404")


@check("blob-range-500-1499", "Range bytes=500-1499: 206, Content-Range, exact slice")
def _(ctx):
    check_blob_range(ctx, "500-1499", (206,), 500, 1499)


@check("blob-range-500-", "Range bytes=500- (open end): 206 up to the last byte")
def _(ctx):
    check_blob_range(ctx, "500-", (206,), 500, 3999)


@check("blob-range-suffix-500", "Range bytes=-500 (suffix): 206 with the last 500 bytes")
def _(ctx):
    check_blob_range(ctx, "-500", (206,), 3500, 3999)


@check("blob-range-2000-5000", "Range bytes=2000-5000 (end past the size): 206 clamped to the last byte")
def _(ctx):
    check_blob_range(ctx, "2000-5000", (206,), 2000, 3999)


@check("blob-range-past-end", "Range bytes=5000-10000 (starts past the end): 416")
def _(ctx):
    check_blob_range(ctx, "5000-10000", (416,))


@check("blob-range-invalid", "Range bytes=500-0 (last < first): ignored (200, whole blob) or 416")
def _(ctx):
    # RFC 9110 14.1.1: such a range-spec is invalid; 14.2: a server MAY ignore or reject it.
    check_blob_range(ctx, "500-0", (200, 416))


# -- push: blob uploads ------------------------------------------------------------------------

def assert_stored(ctx, repo, dig, data, what):
    resp = ctx.blob(repo, dig)
    expect(resp.status == 200 and resp.body == data,
           f"{what}: GET blob afterwards: got {resp.status} ({len(resp.body)} bytes), want 200 with the bytes")


@check("blob-post-put", "POST (202 + Location) then monolithic PUT ?digest= (201 + Location)")
def _(ctx):
    data = os.urandom(700)
    dig = digest_of(data)
    loc = ctx.start_upload(ctx.repo1)
    resp = ctx.s.request("PUT", with_query(loc, digest=dig), body=data,
                         headers={"Content-Type": "application/octet-stream"})
    expect(resp.status == 201, f"PUT: got {resp.status}, want 201 ({resp.describe()})")
    expect(resp.header("Location"), "PUT 201 without Location")
    assert_stored(ctx, ctx.repo1, dig, data, "PUT")


@check("blob-post-digest", "single POST ?digest=: 201 stored, or 202 + a session that a PUT completes")
def _(ctx):
    # The spec: registries MAY support the single POST; those that do not SHOULD answer 202 with
    # a Location and the client continues with PUT. Both are conformant; blob-post-only asks
    # for the optional 201.
    data = os.urandom(600)
    dig = digest_of(data)
    resp = ctx.s.request("POST", with_query(f"/v2/{ctx.repo1}/blobs/uploads/", digest=dig), body=data,
                         headers={"Content-Type": "application/octet-stream"})
    if resp.status == 201:
        expect(resp.header("Location"), "201 without Location")
    else:
        expect(resp.status == 202 and resp.header("Location"),
               f"got {resp.status}, want 201, or 202 + Location ({resp.describe()})")
        loc = urllib.parse.urljoin(resp.url, resp.header("Location"))
        put = ctx.s.request("PUT", with_query(loc, digest=dig), body=data,
                            headers={"Content-Type": "application/octet-stream"})
        expect(put.status == 201, f"202 then PUT: got {put.status}, want 201 ({put.describe()})")
    assert_stored(ctx, ctx.repo1, dig, data, f"POST {resp.status}")


@check("blob-post-only", "single POST ?digest= stores the blob itself: 201 + Location (optional feature)")
def _(ctx):
    data = os.urandom(600)
    dig = digest_of(data)
    resp = ctx.s.request("POST", with_query(f"/v2/{ctx.repo1}/blobs/uploads/", digest=dig), body=data,
                         headers={"Content-Type": "application/octet-stream"})
    expect(resp.status == 201, f"got {resp.status}, want 201 (202 = single POST not supported)")
    expect(resp.header("Location"), "201 without Location")
    assert_stored(ctx, ctx.repo1, dig, data, "POST")


@check("blob-patch-stream", "streamed upload: one PATCH without Content-Range (202 + Range), then PUT")
def _(ctx):
    data = os.urandom(3000)
    dig = digest_of(data)
    loc = ctx.start_upload(ctx.repo1)
    resp = ctx.s.request("PATCH", loc, body=data, headers={"Content-Type": "application/octet-stream"})
    expect(resp.status == 202, f"PATCH: got {resp.status}, want 202 ({resp.describe()})")
    expect(resp.header("Location"), "PATCH 202 without Location")
    expect(range_end(resp.header("Range")) == len(data) - 1,
           f"PATCH Range: got {resp.header('Range')!r}, want 0-{len(data) - 1}")
    loc = urllib.parse.urljoin(resp.url, resp.header("Location"))
    resp = ctx.s.request("PUT", with_query(loc, digest=dig), body=b"")
    expect(resp.status == 201, f"PUT: got {resp.status}, want 201 ({resp.describe()})")
    assert_stored(ctx, ctx.repo1, dig, data, "streamed upload")


def open_chunked(ctx):
    """POST with Content-Length: 0 -> (location, chunk size): 1 KiB, or the registry's
    OCI-Chunk-Min-Length when that is larger."""
    resp = ctx.s.request("POST", f"/v2/{ctx.repo1}/blobs/uploads/", body=b"")
    expect(resp.status == 202 and resp.header("Location"), f"POST: got {resp.status}, want 202 + Location")
    min_length = resp.header("OCI-Chunk-Min-Length") or "0"
    expect(min_length.isdigit(), f"OCI-Chunk-Min-Length is not a number: {min_length!r}")
    return urllib.parse.urljoin(resp.url, resp.header("Location")), max(1024, int(min_length))


def patch_chunk(ctx, loc, chunk, start):
    """PATCH one chunk at `start`; requires 202 + Location + Range 0-<end>; returns the next location."""
    end = start + len(chunk) - 1
    resp = ctx.s.request("PATCH", loc, body=chunk, headers={
        "Content-Type": "application/octet-stream", "Content-Range": f"{start}-{end}"})
    expect(resp.status == 202, f"PATCH {start}-{end}: got {resp.status}, want 202 ({resp.describe()})")
    expect(resp.header("Location"), f"PATCH {start}-{end}: 202 without Location")
    expect(range_end(resp.header("Range")) == end,
           f"PATCH {start}-{end}: Range {resp.header('Range')!r}, want 0-{end}")
    return urllib.parse.urljoin(resp.url, resp.header("Location"))


def chunked_upload(ctx, put_last):
    """A blob of three chunks less 5 bytes, PATCHed in order; the last chunk goes in a PATCH or
    in the closing PUT. Returns (data, digest)."""
    loc, size = open_chunked(ctx)
    data = os.urandom(3 * size - 5)
    dig = digest_of(data)
    chunks = [data[i:i + size] for i in range(0, len(data), size)]
    last = chunks.pop() if put_last else b""
    for n, chunk in enumerate(chunks):
        loc = patch_chunk(ctx, loc, chunk, n * size)
    headers = {"Content-Type": "application/octet-stream"}
    if last:
        headers["Content-Range"] = f"{len(data) - len(last)}-{len(data) - 1}"
    resp = ctx.s.request("PUT", with_query(loc, digest=dig), body=last, headers=headers)
    expect(resp.status == 201, f"closing PUT: got {resp.status}, want 201 ({resp.describe()})")
    expect(resp.header("Location"), "closing PUT 201 without Location")
    return data, dig


@check("blob-patch-chunked", "chunked upload: PATCHes with Content-Range (202, Range 0-<end>), empty PUT")
def _(ctx):
    data, dig = chunked_upload(ctx, put_last=False)
    assert_stored(ctx, ctx.repo1, dig, data, "chunked upload")


@check("blob-patch-chunked-put-last", "chunked upload whose last chunk travels in the closing PUT")
def _(ctx):
    data, dig = chunked_upload(ctx, put_last=True)
    assert_stored(ctx, ctx.repo1, dig, data, "chunked upload")


@check("blob-patch-out-of-order-416", "a PATCH whose Content-Range skips ahead: 416, session keeps 0-<end>")
def _(ctx):
    loc, size = open_chunked(ctx)
    data = os.urandom(3 * size)
    loc = patch_chunk(ctx, loc, data[:size], 0)
    resp = ctx.s.request("PATCH", loc, body=data[2 * size:], headers={
        "Content-Type": "application/octet-stream", "Content-Range": f"{2 * size}-{3 * size - 1}"})
    expect(resp.status == 416, f"PATCH {2 * size}-{3 * size - 1} after 0-{size - 1}: got {resp.status}, want 416")
    # The rejected chunk must not have been appended: the status still ends where it did.
    status = ctx.s.request("GET", loc)
    expect(status.status == 204 and range_end(status.header("Range")) == size - 1,
           f"upload status after the 416: got {status.status} Range {status.header('Range')!r}, "
           f"want 204 Range 0-{size - 1}")


@check("blob-upload-status", "GET <location> of an open upload: 204 + Location + Range 0-<end>")
def _(ctx):
    loc = ctx.start_upload(ctx.repo1)
    resp = ctx.s.request("PATCH", loc, body=os.urandom(1000), headers={
        "Content-Type": "application/octet-stream", "Content-Range": "0-999"})
    expect(resp.status == 202, f"PATCH: got {resp.status}, want 202")
    loc = urllib.parse.urljoin(resp.url, resp.header("Location"))
    resp = ctx.s.request("GET", loc)
    expect(resp.status == 204, f"GET upload: got {resp.status}, want 204 ({resp.describe()})")
    expect(range_end(resp.header("Range")) == 999, f"Range: got {resp.header('Range')!r}, want 0-999")
    expect(resp.header("Location"), "204 without Location")


@check("blob-upload-cancel", "DELETE <location> cancels an upload; then GET: 404 BLOB_UPLOAD_UNKNOWN")
def _(ctx):
    # Upload cancel is spelled out after v1.1.1 (end-14); it answers 204, and 200/202 are
    # tolerated since v1.1 registries predate the wording.
    loc = ctx.start_upload(ctx.repo1)
    resp = ctx.s.request("DELETE", loc)
    expect(resp.status in (200, 202, 204), f"DELETE upload: got {resp.status}, want 204 ({resp.describe()})")
    expect_error(ctx.s.request("GET", loc), 404, "BLOB_UPLOAD_UNKNOWN", "GET after cancel")


@check("blob-put-digest-mismatch", "closing PUT with a digest of other bytes: 400 DIGEST_INVALID, not stored")
def _(ctx):
    data = os.urandom(500)
    wrong = digest_of(data + b"oh no")
    loc = ctx.start_upload(ctx.repo1)
    resp = ctx.s.request("PUT", with_query(loc, digest=wrong), body=data,
                         headers={"Content-Type": "application/octet-stream"})
    expect_error(resp, 400, "DIGEST_INVALID", "PUT")
    head = ctx.blob(ctx.repo1, wrong, "HEAD")
    expect(head.status == 404, f"HEAD of the claimed digest: got {head.status}, want 404")


@check("invalid-digest-format", "malformed digests: upload PUT 400 DIGEST_INVALID; manifest PUT 400; GET 400/404")
def _(ctx):
    # A PUT carrying a malformed digest must be refused as a bad request; a GET of one may
    # equally say "bad request" or "not found".
    bad = "sha256:baddigeststring"
    loc = ctx.start_upload(ctx.repo1)
    resp = ctx.s.request("PUT", with_query(loc, digest=bad), body=b"x",
                         headers={"Content-Type": "application/octet-stream"})
    expect_error(resp, 400, "DIGEST_INVALID", "upload PUT ?digest=" + bad)
    image = ctx.new_image(ctx.repo1, push=False)
    resp = ctx.put_manifest(ctx.repo1, bad, image.body, OCI_MANIFEST)
    expect(resp.status == 400, f"manifest PUT at {bad}: got {resp.status}, want 400 ({resp.describe()})")
    resp = ctx.manifest(ctx.repo1, bad)
    expect(resp.status in (400, 404), f"manifest GET {bad}: got {resp.status}, want 400 or 404")
    resp = ctx.blob(ctx.repo1, bad)
    expect(resp.status in (400, 404), f"blob GET {bad}: got {resp.status}, want 400 or 404")


@check("blob-mount-from", "POST ?mount=&from=<repo2> of a blob in repo2: 201 + Location, blob readable")
def _(ctx):
    data = os.urandom(400)
    dig = ctx.push_blob(ctx.repo2, data)
    resp = ctx.s.request("POST", with_query(f"/v2/{ctx.repo1}/blobs/uploads/", mount=dig, **{"from": ctx.repo2}),
                         body=b"")
    expect(resp.status == 201, f"got {resp.status}, want 201 ({resp.describe()})")
    expect(resp.header("Location"), "201 without Location")
    assert_stored(ctx, ctx.repo1, dig, data, "mount")


@check("blob-mount-anonymous", "POST ?mount= without from: 201 (mounted) or 202 (a usable upload session)")
def _(ctx):
    data = os.urandom(400)
    dig = ctx.push_blob(ctx.repo2, data)
    resp = ctx.s.request("POST", with_query(f"/v2/{ctx.repo1}/blobs/uploads/", mount=dig), body=b"")
    expect(resp.status in (201, 202) and resp.header("Location"),
           f"got {resp.status} Location={resp.header('Location')!r}, want 201 or 202 with Location")
    if resp.status == 202:
        # Not mounted: the Location must be a real session that a monolithic PUT completes.
        loc = urllib.parse.urljoin(resp.url, resp.header("Location"))
        put = ctx.s.request("PUT", with_query(loc, digest=dig), body=data,
                            headers={"Content-Type": "application/octet-stream"})
        expect(put.status == 201, f"202 then PUT: got {put.status}, want 201 ({put.describe()})")
    assert_stored(ctx, ctx.repo1, dig, data, f"mount {resp.status}")


@check("blob-mount-missing", "POST ?mount=&from= of an absent blob: 202 + a usable upload session")
def _(ctx):
    data = os.urandom(400)
    dig = digest_of(data)
    resp = ctx.s.request("POST", with_query(f"/v2/{ctx.repo1}/blobs/uploads/", mount=dig, **{"from": ctx.repo2}),
                         body=b"")
    expect(resp.status == 202 and resp.header("Location"),
           f"got {resp.status} Location={resp.header('Location')!r}, want 202 + Location")
    loc = urllib.parse.urljoin(resp.url, resp.header("Location"))
    put = ctx.s.request("PUT", with_query(loc, digest=dig), body=data,
                        headers={"Content-Type": "application/octet-stream"})
    expect(put.status == 201, f"PUT into the session: got {put.status}, want 201 ({put.describe()})")
    assert_stored(ctx, ctx.repo1, dig, data, "session")


@check("blob-sha512", "upload and pull a blob addressed by sha512")
def _(ctx):
    data = os.urandom(900)
    dig = ctx.push_blob(ctx.repo1, data, alg="sha512")
    head = ctx.blob(ctx.repo1, dig, "HEAD")
    expect(head.status == 200 and head.header("Content-Length") == str(len(data)),
           f"HEAD: got {head.status} Content-Length {head.header('Content-Length')!r}")
    assert_stored(ctx, ctx.repo1, dig, data, "sha512 upload")


@check("blob-empty", "a zero-byte blob: upload, HEAD (Content-Length 0), GET (empty body)")
def _(ctx):
    dig = ctx.push_blob(ctx.repo1, b"")
    head = ctx.blob(ctx.repo1, dig, "HEAD")
    expect(head.status == 200 and head.header("Content-Length") == "0",
           f"HEAD: got {head.status} Content-Length {head.header('Content-Length')!r}, want 200 0")
    assert_stored(ctx, ctx.repo1, dig, b"", "empty blob")


# -- manifests ---------------------------------------------------------------------------------

def tagged_image(ctx):
    return ctx.fixture("tagged-image", lambda: ctx.new_image(ctx.repo1, "fixture-image"))


@check("manifest-put-get-tag", "PUT manifest by tag: 201 + Location; GET by tag returns it")
def _(ctx):
    image = ctx.new_image(ctx.repo1, push=False)
    resp = ctx.put_manifest(ctx.repo1, "put-get-tag", image.body, OCI_MANIFEST)
    expect(resp.status == 201, f"PUT: got {resp.status}, want 201 ({resp.describe()})")
    expect(resp.header("Location"), "PUT 201 without Location")
    got = resp.header("Docker-Content-Digest")
    expect(got in (None, image.digest), f"PUT Docker-Content-Digest: got {got}, want {image.digest}")
    resp = ctx.manifest(ctx.repo1, "put-get-tag")
    expect(resp.status == 200 and resp.body == image.body,
           f"GET by tag: got {resp.status}, body {'equal' if resp.body == image.body else 'differs'}")
    expect(resp.header("Content-Type") == OCI_MANIFEST,
           f"Content-Type: got {resp.header('Content-Type')!r}, want {OCI_MANIFEST}")


@check("manifest-put-digest", "PUT manifest by digest: 201; GET by digest returns it")
def _(ctx):
    image = ctx.new_image(ctx.repo1, push=False)
    resp = ctx.put_manifest(ctx.repo1, image.digest, image.body, OCI_MANIFEST)
    expect(resp.status == 201, f"PUT: got {resp.status}, want 201 ({resp.describe()})")
    resp = ctx.manifest(ctx.repo1, image.digest)
    expect(resp.status == 200 and resp.body == image.body, f"GET by digest: got {resp.status}")


@check("manifest-get-digest", "GET manifest by digest: 200, exact bytes, Docker-Content-Digest")
def _(ctx):
    image = tagged_image(ctx)
    resp = ctx.manifest(ctx.repo1, image.digest)
    expect(resp.status == 200, f"got {resp.status}, want 200")
    expect(resp.body == image.body, "body differs from the pushed bytes")
    got = resp.header("Docker-Content-Digest")
    expect(got in (None, image.digest), f"Docker-Content-Digest: got {got}, want {image.digest}")


@check("manifest-head", "HEAD manifest by tag and digest: 200, Content-Length, Docker-Content-Digest, Content-Type")
def _(ctx):
    image = tagged_image(ctx)
    for ref in ("fixture-image", image.digest):
        resp = ctx.manifest(ctx.repo1, ref, "HEAD")
        expect(resp.status == 200, f"HEAD {ref}: got {resp.status}, want 200")
        expect(resp.header("Content-Length") == str(len(image.body)),
               f"HEAD {ref}: Content-Length {resp.header('Content-Length')!r}, want {len(image.body)}")
        expect(resp.header("Docker-Content-Digest") == image.digest,
               f"HEAD {ref}: Docker-Content-Digest {resp.header('Docker-Content-Digest')!r}, want {image.digest}")
        expect(resp.header("Content-Type") == OCI_MANIFEST,
               f"HEAD {ref}: Content-Type {resp.header('Content-Type')!r}, want {OCI_MANIFEST}")
        expect(resp.body == b"", f"HEAD {ref} returned a body")


@check("manifest-byte-exact", "a manifest with odd whitespace and key order comes back byte for byte")
def _(ctx):
    image = ctx.new_image(ctx.repo1, push=False)
    doc = json.loads(image.body)
    cfg, layer = doc["config"], doc["layers"][0]
    # Key order reversed, tabs, CRLF, spaces before colons, escaped slash, trailing newlines:
    # anything that re-serialises would change the digest.
    body = ("{\r\n\t\"layers\" : [ {\"size\":%d,  \"digest\":\"%s\",\"mediaType\":\"%s\"} ],\r\n"
            "\t\"config\":{ \"size\" : %d , \"digest\" : \"%s\" , \"mediaType\" : \"%s\" },\n"
            "  \"mediaType\":\"application\\/vnd.oci.image.manifest.v1+json\",   \"schemaVersion\" :2\n}\n\n"
            % (layer["size"], layer["digest"], layer["mediaType"],
               cfg["size"], cfg["digest"], cfg["mediaType"])).encode()
    dig = digest_of(body)
    resp = ctx.put_manifest(ctx.repo1, "byte-exact", body, OCI_MANIFEST)
    expect(resp.status == 201, f"PUT: got {resp.status}, want 201 ({resp.describe()})")
    got = resp.header("Docker-Content-Digest")
    expect(got in (None, dig), f"PUT Docker-Content-Digest: got {got}, want {dig} (digest of the sent bytes)")
    for ref in ("byte-exact", dig):
        resp = ctx.manifest(ctx.repo1, ref)
        expect(resp.status == 200, f"GET {ref}: got {resp.status}, want 200")
        expect(resp.body == body, f"GET {ref}: the registry did not return the exact bytes")


@check("manifest-missing", "GET of an absent tag or digest: 404 MANIFEST_UNKNOWN")
def _(ctx):
    expect_error(ctx.manifest(ctx.repo1, "missing-" + os.urandom(6).hex()), 404, "MANIFEST_UNKNOWN", "by tag")
    expect_error(ctx.manifest(ctx.repo1, digest_of(os.urandom(32))), 404, "MANIFEST_UNKNOWN", "by digest")
    resp = ctx.manifest(ctx.repo1, "missing-" + os.urandom(6).hex(), "HEAD")
    expect(resp.status == 404, f"HEAD by tag: got {resp.status}, want 404")


@check("manifest-blob-unknown", "a manifest whose layer is absent: 400 MANIFEST_BLOB_UNKNOWN")
def _(ctx):
    # The spec lets a registry accept such a manifest ("MAY reject"), but if it rejects, the code
    # MUST be MANIFEST_BLOB_UNKNOWN. We want the rejection (blobs before manifests).
    image = ctx.new_image(ctx.repo1, push=False)
    doc = json.loads(image.body)
    doc["layers"].append(descriptor(OCI_LAYER, os.urandom(64)))
    expect_error(ctx.put_manifest(ctx.repo1, "blob-unknown", dumps(doc), OCI_MANIFEST),
                 400, "MANIFEST_BLOB_UNKNOWN", "PUT")


@check("manifest-invalid", "a non-JSON manifest body: 400 MANIFEST_INVALID")
def _(ctx):
    resp = ctx.put_manifest(ctx.repo1, "invalid", b"this is not { json", OCI_MANIFEST)
    expect_error(resp, 400, "MANIFEST_INVALID", "PUT")


@check("manifest-digest-mismatch", "PUT by digest with other bytes: 400 DIGEST_INVALID")
def _(ctx):
    image = ctx.new_image(ctx.repo1, push=False)
    resp = ctx.put_manifest(ctx.repo1, image.digest, image.body + b"  ", OCI_MANIFEST)
    expect_error(resp, 400, "DIGEST_INVALID", "PUT")


def padded_manifest(ctx, size):
    """An image manifest of exactly `size` bytes (the padding is an annotation)."""
    base = json.loads(tagged_image(ctx).body)
    base["annotations"] = {"org.example.padding": ""}
    pad = size - len(dumps(base))
    expect(pad >= 0, "runner bug: padding")
    base["annotations"]["org.example.padding"] = "p" * pad
    body = dumps(base)
    assert len(body) == size
    return body


@check("manifest-4mib", "a manifest of exactly 4 MiB is accepted (SHOULD) and read back")
def _(ctx):
    body = padded_manifest(ctx, 4 * MIB)
    resp = ctx.put_manifest(ctx.repo1, "four-mib", body, OCI_MANIFEST)
    expect(resp.status == 201, f"PUT: got {resp.status}, want 201 ({resp.describe()})")
    resp = ctx.manifest(ctx.repo1, "four-mib")
    expect(resp.status == 200 and resp.body == body, f"GET: got {resp.status}, body differs or missing")


@check("manifest-too-large", "a manifest of 4 MiB + 1 KiB: 413 (or 201 when the registry's limit is higher)")
def _(ctx):
    body = padded_manifest(ctx, 4 * MIB + 1024)
    resp = ctx.put_manifest(ctx.repo1, "too-large", body, OCI_MANIFEST)
    expect(resp.status in (201, 413), f"PUT: got {resp.status}, want 413 ({resp.describe()})")
    if resp.status == 201:
        got = ctx.manifest(ctx.repo1, "too-large")
        expect(got.status == 200 and got.body == body, "accepted, but GET does not return it")


@check("index-put-get", "an image index of two images: 201; GET returns it with the index Content-Type")
def _(ctx):
    children = [ctx.new_image(ctx.repo1), ctx.new_image(ctx.repo1)]
    index = ctx.new_index(ctx.repo1, children, tag="index")
    resp = ctx.manifest(ctx.repo1, "index")
    expect(resp.status == 200 and resp.body == index.body, f"GET: got {resp.status}, body differs or missing")
    expect(resp.header("Content-Type") == OCI_INDEX,
           f"Content-Type: got {resp.header('Content-Type')!r}, want {OCI_INDEX}")


@check("index-nested", "an index of indexes: 201; GET by tag and digest")
def _(ctx):
    inner = [ctx.new_index(ctx.repo1, [ctx.new_image(ctx.repo1), ctx.new_image(ctx.repo1)]) for _ in range(2)]
    body = dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [i.desc() for i in inner]})
    ctx.push_manifest(ctx.repo1, "index-of-index", body, OCI_INDEX)
    for ref in ("index-of-index", digest_of(body)):
        resp = ctx.manifest(ctx.repo1, ref)
        expect(resp.status == 200 and resp.body == body, f"GET {ref}: got {resp.status}, body differs or missing")


@check("index-sparse", "an index naming an absent manifest: 201 (then readable) or 400 MANIFEST_BLOB_UNKNOWN")
def _(ctx):
    # The spec: registries MAY reject a manifest referencing absent manifests or blobs, and MUST
    # then use MANIFEST_BLOB_UNKNOWN. Sparse indexes (mirrors of one platform) need the 201.
    present = ctx.new_image(ctx.repo1)
    absent = Image(os.urandom(1024), OCI_MANIFEST, [])
    body = dumps({"schemaVersion": 2, "mediaType": OCI_INDEX,
                  "manifests": [present.desc(platform={"os": "linux", "architecture": "amd64"}),
                                absent.desc(platform={"os": "linux", "architecture": "arm64"})]})
    resp = ctx.put_manifest(ctx.repo1, "sparse-index", body, OCI_INDEX)
    if resp.status == 201:
        got = ctx.manifest(ctx.repo1, "sparse-index")
        expect(got.status == 200 and got.body == body, f"accepted, but GET: {got.status}")
    else:
        expect_error(resp, 400, "MANIFEST_BLOB_UNKNOWN", "PUT")


@check("artifact-put-get", "an artifact (artifactType, empty config {}, custom layer type): 201, exact GET")
def _(ctx):
    art = ctx.new_artifact(ctx.repo1, tag="artifact")
    resp = ctx.manifest(ctx.repo1, "artifact")
    expect(resp.status == 200 and resp.body == art.body, f"GET: got {resp.status}, body differs or missing")
    head = ctx.blob(ctx.repo1, EMPTY_JSON_DIGEST, "HEAD")
    expect(head.status == 200 and head.header("Content-Length") == "2",
           f"HEAD of the empty config blob: got {head.status} Content-Length {head.header('Content-Length')!r}")


@check("manifest-custom-fields", "unknown fields and a descriptor data field are kept (exact bytes)")
def _(ctx):
    image = ctx.new_image(ctx.repo1, push=False)
    doc = json.loads(image.body)
    doc["config"]["data"] = base64.b64encode(image.blobs[0]).decode()
    doc["org.example.unknown"] = {"kept": [1, 2, 3]}
    body = dumps(doc)
    ctx.push_manifest(ctx.repo1, "custom-fields", body, OCI_MANIFEST)
    resp = ctx.manifest(ctx.repo1, "custom-fields")
    expect(resp.status == 200 and resp.body == body, f"GET: got {resp.status}, body differs or missing")


@check("manifest-subject", "a manifest with subject: 201 and OCI-Subject: <subject digest>")
def _(ctx):
    subject = ctx.new_image(ctx.repo1)
    art = ctx.new_artifact(ctx.repo1, subject=subject.desc())
    got = art.put_response.header("OCI-Subject")
    expect(got == subject.digest, f"OCI-Subject: got {got!r}, want {subject.digest}")


@check("subject-missing", "a manifest whose subject does not exist: still 201")
def _(ctx):
    absent = {"mediaType": OCI_MANIFEST, "digest": digest_of(os.urandom(64)), "size": 123}
    art = ctx.new_artifact(ctx.repo1, tag="subject-missing", subject=absent)
    resp = ctx.manifest(ctx.repo1, "subject-missing")
    expect(resp.status == 200 and resp.body == art.body, f"GET: got {resp.status}")


# -- content discovery: tags and catalog ------------------------------------------------------

# Pushed neither in lexical order nor in its reverse, so a registry listing tags in creation
# order (or backwards) or in directory order does not pass tag-list-order by chance.
LIST_TAGS = ("tl-c", "tl-f", "tl-a", "tl-e", "tl-b", "tl-d")


def lexical(tags):
    """The spec: "lexical order (i.e. case-insensitive alphanumeric order)". Byte order is
    accepted as well; the two only differ for mixed-case tags."""
    return tags == sorted(tags) or tags == sorted(tags, key=lambda t: (t.lower(), t))


def tag_fixture(ctx):
    """The LIST_TAGS on one image in repo1; returns the repository's complete tag list."""
    def make():
        image = ctx.new_image(ctx.repo1, LIST_TAGS[0])
        for tag in LIST_TAGS[1:]:
            ctx.push_manifest(ctx.repo1, tag, image.body, OCI_MANIFEST)
    ctx.fixture("tags", make)
    _, doc = ctx.tags(ctx.repo1)
    tags = doc.get("tags") or []
    expect(set(LIST_TAGS) <= set(tags), f"tag list {short(tags)} lacks some of {LIST_TAGS}")
    return tags


@check("tag-list", "GET tags/list: 200 with the repository name and every pushed tag")
def _(ctx):
    tag_fixture(ctx)
    _, doc = ctx.tags(ctx.repo1)
    expect(doc.get("name") == ctx.repo1, f"name: got {doc.get('name')!r}, want {ctx.repo1!r}")
    expect(len(doc["tags"]) == len(set(doc["tags"])), f"duplicate tags in {short(doc['tags'])}")


@check("tag-list-order", "GET tags/list returns the tags in lexical order")
def _(ctx):
    tags = tag_fixture(ctx)
    expect(lexical(tags), f"not in lexical order: {short(tags)}")


@check("tag-list-n", "tags/list?n=1: one tag + Link rel=\"next\"; following Links yields the rest in order")
def _(ctx):
    full = tag_fixture(ctx)
    resp, doc = ctx.tags(ctx.repo1, "?n=1")
    got = doc.get("tags")
    expect(got == full[:1], f"n=1: got {len(got or [])} tags {short(got)}, want {full[:1]}")
    seen = list(doc["tags"])
    while True:
        link = next_link(resp)
        if link is None:
            break
        expect(len(seen) <= len(full), f"Link keeps going after {len(seen)} tags")
        resp = ctx.s.request("GET", link)
        expect(resp.status == 200, f"GET {link}: got {resp.status}")
        page = (resp.json() or {}).get("tags") or []
        expect(len(page) <= 1, f"page from {link} has {len(page)} tags, want at most n=1")
        seen += page
    expect(seen == full, f"paged tags {short(seen)} != full list {short(full)}")


@check("tag-list-last", "tags/list?n=2&last=<first tag>: the next two tags in lexical order")
def _(ctx):
    full = tag_fixture(ctx)
    _, doc = ctx.tags(ctx.repo1, "?n=2&last=" + urllib.parse.quote(full[0]))
    got = doc.get("tags")
    expect(got == full[1:3], f"got {len(got or [])} tags {short(got)}, want {full[1:3]}")


@check("tag-list-n0", "tags/list?n=0: an empty list and no Link")
def _(ctx):
    tag_fixture(ctx)
    resp, doc = ctx.tags(ctx.repo1, "?n=0")
    # "MUST return an empty list": [] (null, Go's encoding of an empty slice, is tolerated).
    expect(doc.get("tags") in ([], None), f"got {len(doc.get('tags') or [])} tags {short(doc.get('tags'))}, want []")
    expect(resp.header("Link") is None, f"Link header present: {resp.header('Link')!r}")


@check("tag-list-unknown-repo", "tags/list of a repository that does not exist: 404 NAME_UNKNOWN")
def _(ctx):
    resp = ctx.s.request("GET", f"/v2/{ctx.repo1}/absent-{os.urandom(5).hex()}/tags/list")
    expect_error(resp, 404, "NAME_UNKNOWN", "GET")


@check("catalog", "GET /v2/_catalog lists both repositories; ?n=1 pages with Link to the same list")
def _(ctx):
    # _catalog is not part of distribution-spec v1.1 (docker extension, kept by most registries).
    ctx.fixture("repo2-image", lambda: ctx.new_image(ctx.repo2, "catalog"))
    tagged_image(ctx)
    resp = ctx.s.request("GET", "/v2/_catalog")
    expect(resp.status == 200, f"GET: got {resp.status}, want 200 ({resp.describe()})")
    full = ((resp.json() or {}).get("repositories") or [])
    url = "/v2/_catalog"
    while next_link(resp):  # the unpaged answer may itself be one page of a default size
        url = next_link(resp)
        resp = ctx.s.request("GET", url)
        full += (resp.json() or {}).get("repositories") or []
    for repo in (ctx.repo1, ctx.repo2):
        expect(repo in full, f"{repo} missing from the catalog")
    expect(lexical(full), "catalog not in lexical order")
    resp = ctx.s.request("GET", "/v2/_catalog?n=1")
    paged = (resp.json() or {}).get("repositories") or []
    expect(resp.status == 200 and len(paged) == 1, f"n=1: got {resp.status} with {len(paged)} repositories")
    while next_link(resp):
        expect(len(paged) <= len(full), "Link keeps going past the full list")
        resp = ctx.s.request("GET", next_link(resp))
        page = (resp.json() or {}).get("repositories") or []
        expect(resp.status == 200 and len(page) <= 1, f"page: got {resp.status} with {len(page)} repositories")
        paged += page
    expect(paged == full, f"paged catalog ({len(paged)}) differs from the full one ({len(full)})")


# -- content discovery: referrers --------------------------------------------------------------

def referrers_fixture(ctx):
    """A subject with three referrers: an artifact (artifactType A + annotations), an image
    without artifactType (reported as its config media type) and an index with artifactType B."""
    def make():
        subject = ctx.new_image(ctx.repo1, "referrers-subject")
        art = ctx.new_artifact(ctx.repo1, subject=subject.desc(), artifact_type=ARTIFACT_TYPE + ".a",
                               annotations={"org.example.conformance": "hello referrers"})
        img = ctx.new_image(ctx.repo1, subject=subject.desc())
        idx = ctx.new_index(ctx.repo1, [], artifactType=ARTIFACT_TYPE + ".b", subject=subject.desc(),
                            annotations={"org.example.conformance": "index referrer"})
        return subject, [(art, ARTIFACT_TYPE + ".a"), (img, OCI_CONFIG), (idx, ARTIFACT_TYPE + ".b")]
    return ctx.fixture("referrers", make)


def get_referrers(ctx, dig, query=""):
    resp = ctx.s.request("GET", f"/v2/{ctx.repo1}/referrers/{dig}{query}")
    expect(resp.status == 200, f"GET referrers{query}: got {resp.status}, want 200 ({resp.describe()})")
    ctype = (resp.header("Content-Type") or "").split(";")[0].strip()
    expect(ctype == OCI_INDEX, f"Content-Type: got {resp.header('Content-Type')!r}, want {OCI_INDEX}")
    doc = resp.json()
    expect(isinstance(doc, dict) and doc.get("schemaVersion") == 2 and isinstance(doc.get("manifests"), list),
           "body is not an image index")
    manifests = list(doc["manifests"])
    while next_link(resp):  # results MAY be paginated
        resp = ctx.s.request("GET", next_link(resp))
        manifests += (resp.json() or {}).get("manifests") or []
    return resp, manifests


@check("referrers", "GET referrers/<digest>: 200 index listing each referrer with artifactType and annotations")
def _(ctx):
    subject, referrers = referrers_fixture(ctx)
    _, manifests = get_referrers(ctx, subject.digest)
    by_digest = {d.get("digest"): d for d in manifests}
    for ref, artifact_type in referrers:
        d = by_digest.get(ref.digest)
        expect(d is not None, f"referrer {ref.digest} ({ref.media_type}) not listed")
        expect(d.get("mediaType") == ref.media_type and d.get("size") == len(ref.body),
               f"{ref.digest}: mediaType/size {d.get('mediaType')}/{d.get('size')}")
        expect(d.get("artifactType") == artifact_type,
               f"{ref.digest}: artifactType {d.get('artifactType')!r}, want {artifact_type!r}")
        want = json.loads(ref.body).get("annotations") or {}
        got = d.get("annotations") or {}
        expect(all(got.get(k) == v for k, v in want.items()), f"{ref.digest}: annotations {got}, want {want}")
    expect(len(manifests) == len(referrers), f"{len(manifests)} descriptors listed, want {len(referrers)}")


@check("referrers-filter", "referrers?artifactType=: only matching descriptors and OCI-Filters-Applied: artifactType")
def _(ctx):
    subject, referrers = referrers_fixture(ctx)
    want = ARTIFACT_TYPE + ".a"
    resp, manifests = get_referrers(ctx, subject.digest, "?artifactType=" + urllib.parse.quote(want, safe=""))
    applied = [f.strip() for f in (resp.header("OCI-Filters-Applied") or "").split(",")]
    expect("artifactType" in applied, f"OCI-Filters-Applied: got {resp.header('OCI-Filters-Applied')!r}")
    expect([d.get("digest") for d in manifests] == [referrers[0][0].digest],
           f"got {[(d.get('digest'), d.get('artifactType')) for d in manifests]}, want only the {want} referrer")


@check("referrers-empty", "referrers of a digest nothing refers to: 200 with an empty manifests list")
def _(ctx):
    _, manifests = get_referrers(ctx, digest_of(os.urandom(32)))
    expect(manifests == [], f"got {len(manifests)} descriptors, want none")


# -- content management: deletes --------------------------------------------------------------

@check("delete-tag", "DELETE manifests/<tag>: 202; the tag is gone, the manifest by digest stays")
def _(ctx):
    image = ctx.new_image(ctx.repo1, "delete-tag")
    resp = ctx.s.request("DELETE", f"/v2/{ctx.repo1}/manifests/delete-tag")
    expect(resp.status == 202, f"DELETE: got {resp.status}, want 202 ({resp.describe()})")
    resp = ctx.manifest(ctx.repo1, "delete-tag")
    expect(resp.status == 404, f"GET the deleted tag: got {resp.status}, want 404")
    resp = ctx.manifest(ctx.repo1, image.digest)
    expect(resp.status == 200, f"GET by digest after the tag delete: got {resp.status}, want 200")


@check("delete-manifest", "DELETE manifests/<digest>: 202; then 404")
def _(ctx):
    image = ctx.new_image(ctx.repo1, "delete-manifest")
    resp = ctx.s.request("DELETE", f"/v2/{ctx.repo1}/manifests/{image.digest}")
    expect(resp.status == 202, f"DELETE: got {resp.status}, want 202 ({resp.describe()})")
    expect_error(ctx.manifest(ctx.repo1, image.digest), 404, "MANIFEST_UNKNOWN", "GET after delete")


@check("delete-blob", "DELETE blobs/<digest>: 202; then HEAD and GET 404")
def _(ctx):
    dig = ctx.push_blob(ctx.repo1, os.urandom(300))
    resp = ctx.s.request("DELETE", f"/v2/{ctx.repo1}/blobs/{dig}")
    expect(resp.status == 202, f"DELETE: got {resp.status}, want 202 ({resp.describe()})")
    for method in ("HEAD", "GET"):
        resp = ctx.blob(ctx.repo1, dig, method)
        expect(resp.status == 404, f"{method} after delete: got {resp.status}, want 404")


# -- errors and names --------------------------------------------------------------------------

@check("error-body-json", "4xx bodies are {\"errors\":[{\"code\",\"message\"}]} with the spec's codes")
def _(ctx):
    # The spec allows any 4xx body but requires this shape when it is JSON; we want JSON always,
    # since clients report these messages. HEAD answers have no body and are not probed. Only
    # the body is judged here: a probe answered with a non-4xx status is the business of the
    # check for that request (blob-get-missing, manifest-missing, tag-list-unknown-repo,
    # blob-upload-cancel, manifest-invalid, blob-put-digest-mismatch, invalid-digest-format).
    rnd = os.urandom(6).hex()
    probes = [
        ("GET absent blob", lambda: ctx.blob(ctx.repo1, digest_of(os.urandom(32)))),
        ("GET absent manifest", lambda: ctx.manifest(ctx.repo1, "absent-" + rnd)),
        ("GET tags of absent repo", lambda: ctx.s.request("GET", f"/v2/{ctx.repo1}/absent-{rnd}/tags/list")),
        ("GET absent upload", lambda: ctx.s.request(
            "GET", f"/v2/{ctx.repo1}/blobs/uploads/00000000-0000-4000-8000-{rnd}")),
        ("PUT non-JSON manifest", lambda: ctx.put_manifest(ctx.repo1, "error-body", b"{", OCI_MANIFEST)),
        ("PUT upload with a wrong digest", lambda: ctx.s.request(
            "PUT", with_query(ctx.start_upload(ctx.repo1), digest=digest_of(b"other")), body=b"data")),
        ("PUT manifest at a malformed digest", lambda: ctx.put_manifest(
            ctx.repo1, "sha256:baddigeststring", tagged_image(ctx).body, OCI_MANIFEST)),
    ]
    bad = []
    for what, probe in probes:
        resp = probe()
        if not 400 <= resp.status < 500:
            continue
        codes = resp.error_codes()
        if codes is None:
            bad.append(f"{what}: {resp.status} body not an error JSON ({resp.describe()})")
        elif not set(codes) <= KNOWN_ERROR_CODES:
            bad.append(f"{what}: unknown codes {codes}")
    expect(not bad, "; ".join(bad))


@check("name-invalid", "repository names outside the grammar (UPPER, a..b, ..): 400 NAME_INVALID or 404, never 2xx")
def _(ctx):
    # The grammar is [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/...)*. A router that never matches such
    # a path answers 404 (often not JSON), which is as good as NAME_INVALID for a client. A
    # `..` path segment may also be answered by a redirect to the cleaned path (Go's mux does).
    bad = []
    for name in (ctx.repo1 + "/UPPER", ctx.repo1 + "/a..b", ctx.repo1 + "/../escape", "-leading-dash"):
        for method, path in (("GET", f"/v2/{name}/tags/list"), ("POST", f"/v2/{name}/blobs/uploads/")):
            resp = ctx.s.request(method, path, body=b"" if method == "POST" else None, follow=False)
            cleaned = resp.status in (301, 308) and "/../" in path and "/../" not in (resp.header("Location") or "/../")
            if cleaned:
                continue
            if resp.status == 400:
                codes = resp.error_codes()
                if codes is not None and "NAME_INVALID" not in codes:
                    bad.append(f"{method} {name}: 400 with {codes}, want NAME_INVALID")
            elif resp.status != 404:
                bad.append(f"{method} {name}: {resp.status}, want 400 or 404")
    expect(not bad, "; ".join(bad))


# ---------------------------------------------------------------------------------------------
# Main


def default_url():
    if os.environ.get("OCI_REGISTRY"):
        scheme = "http" if os.environ.get("OCI_TLS", "enabled") == "disabled" else "https"
        return f"{scheme}://{os.environ['OCI_REGISTRY']}"
    return os.environ.get("OCI_ROOT_URL")


def split_ids(values):
    """Repeated, comma-separated option values -> one list."""
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def parse_args(argv):
    env = os.environ.get
    p = argparse.ArgumentParser(description="OCI distribution-spec v1.1 conformance checks.")
    p.add_argument("--url", default=default_url(), help="registry base URL (OCI_REGISTRY + OCI_TLS, OCI_ROOT_URL)")
    p.add_argument("--repo1", default=env("OCI_REPO1") or env("OCI_NAMESPACE") or "conformance/one")
    p.add_argument("--repo2", default=env("OCI_REPO2") or env("OCI_CROSSMOUNT_NAMESPACE") or "conformance/two")
    p.add_argument("--username", default=env("OCI_USERNAME"))
    p.add_argument("--password", default=env("OCI_PASSWORD"))
    p.add_argument("--insecure", action="store_true", default=env("OCI_TLS") == "insecure",
                   help="do not verify the TLS certificate")
    p.add_argument("--expect-fail", action="append", default=[], metavar="ID[,ID...]",
                   help="checks known to fail on this registry (repeatable)")
    p.add_argument("--only", action="append", default=[], metavar="ID-PREFIX[,...]",
                   help="run only the checks whose id starts with one of these (repeatable)")
    p.add_argument("--list", action="store_true", help="print the check ids and exit")
    p.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = p.parse_args(argv)
    args.expect_fail, args.only = set(split_ids(args.expect_fail)), split_ids(args.only)
    if not args.list and not args.url:
        p.error("--url (or OCI_REGISTRY / OCI_ROOT_URL) is required")
    if args.url and "://" not in args.url:
        args.url = ("http://" if env("OCI_TLS") == "disabled" else "https://") + args.url
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.list:
        for check_id, description, _ in CHECKS:
            print(f"{check_id:32} {description}")
        return 0
    known = {c[0] for c in CHECKS}
    if args.only and not any(c.startswith(p) for c in known for p in args.only):
        print(f"runner.py: --only {','.join(args.only)} matches no check (see --list)", file=sys.stderr)
        return 2
    failed = passed = xfailed = 0
    for unknown in sorted(args.expect_fail - known):
        print(f"FAIL - --expect-fail names an unknown check: {unknown}")
        failed += 1
    session = Session(args.url, args.username, args.password, args.insecure, args.verbose)
    ctx = Context(session, args.repo1, args.repo2)
    for check_id, description, fn in CHECKS:
        if args.only and not any(check_id.startswith(prefix) for prefix in args.only):
            continue
        try:
            fn(ctx)
            why = None
        except Fail as e:
            why = str(e)
        except (OSError, http.client.HTTPException) as e:
            why = f"transport error: {type(e).__name__}: {e}"
        if why is None and check_id in args.expect_fail:
            print(f"XPASS - {check_id}: {description} (listed in --expect-fail; remove it)")
            failed += 1
        elif why is None:
            print(f"ok   - {check_id}: {description}")
            passed += 1
        elif check_id in args.expect_fail:
            print(f"xfail - {check_id}: {why}")
            xfailed += 1
        else:
            print(f"FAIL - {check_id}: {why}")
            failed += 1
        sys.stdout.flush()
    print(f"{passed} passed, {failed} failed, {xfailed} expected differences")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
