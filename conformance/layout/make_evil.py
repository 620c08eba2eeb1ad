#!/usr/bin/env python3
"""Writes hostile inputs for the bad-input suite: archives whose entries escape the
destination, and a layout whose layer title is a path. Stdlib only."""
import hashlib
import io
import json
import os
import sys
import tarfile


def add_bytes(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def layout_entries():
    """A minimal valid layout (one artifact) as name -> bytes."""
    layer = b"payload"
    empty = b"{}"
    manifest = json.dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "artifactType": "application/vnd.example",
        "config": {"mediaType": "application/vnd.oci.empty.v1+json",
                   "digest": "sha256:" + hashlib.sha256(empty).hexdigest(), "size": 2},
        "layers": [{"mediaType": "application/octet-stream",
                    "digest": "sha256:" + hashlib.sha256(layer).hexdigest(), "size": len(layer),
                    "annotations": {"org.opencontainers.image.title": TITLE}}],
    }).encode()
    index = json.dumps({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": "sha256:" + hashlib.sha256(manifest).hexdigest(), "size": len(manifest),
        "annotations": {"org.opencontainers.image.ref.name": "v1"}}]}).encode()
    out = {"oci-layout": b'{"imageLayoutVersion":"1.0.0"}', "index.json": index}
    for blob in (layer, empty, manifest):
        out["blobs/sha256/" + hashlib.sha256(blob).hexdigest()] = blob
    return out


TITLE = "payload.bin"


def evil_archive(path, kind):
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in sorted(layout_entries().items()):
            add_bytes(tar, name, data)
        if kind == "dotdot":
            add_bytes(tar, "../escaped.txt", b"escaped")
        elif kind == "absolute":
            add_bytes(tar, "/tmp/ec-absolute-escape.txt", b"escaped")
        elif kind == "symlink":
            info = tarfile.TarInfo("blobs/sha256/link")
            info.type = tarfile.SYMTYPE
            info.linkname = "../../../../etc/passwd"
            tar.addfile(info)
        elif kind == "hardlink":
            info = tarfile.TarInfo("blobs/hard")
            info.type = tarfile.LNKTYPE
            info.linkname = "/etc/passwd"
            tar.addfile(info)


def evil_layout(path, title):
    global TITLE
    TITLE = title
    for name, data in layout_entries().items():
        full = os.path.join(path, name)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data)


if __name__ == "__main__":
    what, path = sys.argv[1], sys.argv[2]
    if what == "layout":
        evil_layout(path, sys.argv[3])
    else:
        evil_archive(path, what)
