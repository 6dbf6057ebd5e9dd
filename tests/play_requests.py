#!/usr/bin/env python3
"""Plays a request stream into an Atlas server, in order, one request at a
time: the test stand-in for purvey-upload while checking transform's output.

usage: play_requests.py URL REQUESTS [--seed-storage]

--seed-storage first creates every storage entity (azure_*) the stream
references by qualifiedName, as if the sources had been scanned into
Purview. A request with "on_conflict":"put" that gets 409 is sent again as
PUT. Stops at the first failure: prints it and exits 1.
"""
import json
import sys
import urllib.error
import urllib.request


def call(url, method, path, body):
    req = urllib.request.Request(url + "/api/atlas/v2/" + path, method=method,
                                 data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def storage_refs(v, out):
    if isinstance(v, dict):
        t = v.get("typeName", "")
        if t.startswith("azure_") and "uniqueAttributes" in v:
            out.add((t, v["uniqueAttributes"]["qualifiedName"]))
        for x in v.values():
            storage_refs(x, out)
    elif isinstance(v, list):
        for x in v:
            storage_refs(x, out)


def main(argv):
    url, path = argv[1], argv[2]
    with open(path) as f:
        lines = [json.loads(line) for line in f]
    if "--seed-storage" in argv:
        refs = set()
        storage_refs(lines, refs)
        ents = [{"typeName": t, "attributes": {"qualifiedName": q, "name": q.rsplit("/", 1)[-1]}} for t, q in sorted(refs)]
        if ents:
            st, r = call(url, "POST", "entity/bulk", {"entities": ents})
            if st != 200:
                print("seeding storage failed: %s %s" % (st, r))
                return 1
    for line in lines:
        if line.get("type") != "request":
            continue
        st, r = call(url, line["method"], line["path"], line["body"])
        if st == 409 and line.get("on_conflict") == "put":
            st, r = call(url, "PUT", line["path"], line["body"])
        if st != 200:
            print("request %d (%s %s) failed: HTTP %d %s" % (line["n"], line["method"], line["path"], st, json.dumps(r)))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
