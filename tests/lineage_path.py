#!/usr/bin/env python3
"""Checks that an Atlas lineage answer holds a path through the given nodes.

usage: lineage_path.py LINEAGE.json 'TYPE QN-REGEX' ...

Each argument is a type name and, optionally, a regular expression the
qualifiedName must match (in full); consecutive arguments must be joined by a
relation (from -> to). Exits 0 if such a path exists, else 1 with the reason.
"""
import json
import re
import sys


def main(argv):
    with open(argv[1]) as f:
        lin = json.load(f)
    nodes = lin["guidEntityMap"]
    edges = {}
    for r in lin["relations"]:
        edges.setdefault(r["fromEntityId"], set()).add(r["toEntityId"])
    want = [a.split(" ", 1) for a in argv[2:]]

    def match(guid, w):
        h = nodes[guid]
        return h["typeName"] == w[0] and (len(w) == 1 or re.fullmatch(w[1], h["attributes"]["qualifiedName"]))

    paths = [[g] for g in nodes if match(g, want[0])]
    for w in want[1:]:
        paths = [p + [n] for p in paths for n in edges.get(p[-1], ()) if match(n, w)]
    if not paths:
        print("no path through: %s" % " -> ".join(" ".join(w) for w in want))
        for r in lin["relations"]:
            a, b = nodes[r["fromEntityId"]], nodes[r["toEntityId"]]
            print("  %s %s -> %s %s" % (a["typeName"], a["attributes"]["qualifiedName"][-50:],
                                       b["typeName"], b["attributes"]["qualifiedName"][-50:]))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
