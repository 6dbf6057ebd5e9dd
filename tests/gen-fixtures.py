#!/usr/bin/env python3
"""Writes the binary inputs of the extract fixture cases (archives, damaged
files), reproducibly: fixed times, no host names. Run from the top folder
after changing it; the files it writes are committed.

    python3 tests/gen-fixtures.py
"""
import gzip
import io
import json
import os
import tarfile
import zipfile

CASES = "fixtures/extract/cases"
WS = ("/subscriptions/0b5e8a52-1c7d-4f3e-9a61-2d8c4b7e9f10/resourceGroups/rg-fix"
      "/providers/Microsoft.MachineLearningServices/workspaces/ws-fix")


def model(name, ver):
    return {"id": "%s/models/%s/versions/%s" % (WS, name, ver), "name": ver,
            "type": "Microsoft.MachineLearningServices/workspaces/models/versions",
            "properties": {"modelUri": "azureml://datastores/workspaceblobstore/paths/m/%s" % name,
                           "modelType": "CustomModel"},
            "systemData": {"createdAt": "2026-01-02T03:04:05Z"}}


def js(obj):
    return (json.dumps(obj, indent=1) + "\n").encode()


def gz(data):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename="") as f:
        f.write(data)
    return buf.getvalue()


def tar(members, compress=None):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            info.uname = info.gname = ""
            t.addfile(info, io.BytesIO(data))
    raw = buf.getvalue()
    return gz(raw) if compress == "gz" else raw


def zipped(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data,
                       compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def write(case, name, data):
    d = os.path.join(CASES, case)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main():
    a, b, c = js(model("a", "1")), js(model("b", "1")), js(model("c", "1"))
    # a gzip stream cut in the middle
    big = js({"value": [model("m%d" % i, "1") for i in range(200)], "nextLink": None})
    write("truncated-gzip", "models.json.gz", gz(big)[:1500])
    # a zip whose first member fails its CRC; the second is fine
    z = bytearray(zipped([("a.json", a), ("b.json", b)]))
    z[z.index(b"PK\x03\x04") + 30 + len("a.json") + 5] ^= 0x55
    write("bad-zip-data", "export.zip", bytes(z))
    # a stored (uncompressed) member with one byte changed: only the CRC tells
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for name, data in (("a.json", a), ("b.json", b)):
            zf.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data)
    z = bytearray(buf.getvalue())
    i = z.index(b'"modelType": "CustomModel"')
    z[i + 16] = ord("K")
    write("bad-zip-crc", "export.zip", bytes(z))
    write("not-an-archive", "snapshot.tar.gz", b"this is not an archive\n")
    write("member-too-large", "export.tar", tar([("small.json", a), ("big.json", big), ("after.json", c)]))
    # 3 MB of blanks inside a JSON document: compresses about 1000:1
    write("compression-ratio", "bomb.json.gz", gz(b'{"value":[' + b" " * (3 << 20) + b"]}\n"))
    write("empty-archive", "empty.tar", tar([]))
    write("tar-damaged-member", "export.tar",
          tar([("a.json", a), ("b.json.gz", gz(b)[:40]), ("c.json", c)]))
    inner = tar([("ws/models.json", a)], "gz")
    write("nested-archive", "outer.zip", zipped([("inner.tar.gz", inner), ("top.json", b)]))
    write("nested-too-deep", "outer.zip", zipped([("inner.tar.gz", inner)]))
    write("stdin-tgz", "snapshot.tar.gz", tar([("a.json", a), ("b.json", b)], "gz"))
    write("stdin-zip", "snapshot.zip", zipped([("a.json", a), ("b.json", b)]))
    write("invalid-utf8", "models.json", b'[{"id": "' + WS.encode() + b'/models/x\xff/versions/1"}]\n')
    write("bom", "models.json", b"\xef\xbb\xbf" + a)
    write("ndjson-gz", "models.ndjson.gz",
          gz(b"".join(json.dumps(model("n%d" % i, "1")).encode() + b"\n" for i in range(3))))


if __name__ == "__main__":
    main()
