#!/usr/bin/env python3
"""Validates NDJSON lines against a JSON Schema (the subset purvey's schemas use).

usage: jsonschema.py SCHEMA [FILE...]   (no FILE: standard input)

Standard library only. Supports type, enum, const, properties, required,
additionalProperties, items, pattern, minimum, minLength, allOf, anyOf,
oneOf, if/then/else and local $ref. Prints one line per invalid line and
exits 1 if there was any; exits 0 when every line is valid.
"""
import json
import re
import sys

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


class Validator:
    def __init__(self, root):
        self.root = root

    def resolve(self, ref):
        if not ref.startswith("#/"):
            raise ValueError("only local $ref supported: " + ref)
        node = self.root
        for part in ref[2:].split("/"):
            node = node[part]
        return node

    def errors(self, s, v, path="$"):
        """Yields (path, message) for every way v fails schema s."""
        if s is True or s == {}:
            return
        if s is False:
            yield path, "not allowed"
            return
        if "$ref" in s:
            yield from self.errors(self.resolve(s["$ref"]), v, path)
        if "type" in s:
            types = s["type"] if isinstance(s["type"], list) else [s["type"]]
            if not any(TYPES[t](v) for t in types):
                yield path, "expected %s, got %s" % ("/".join(types), json.dumps(v)[:60])
                return
        if "const" in s and v != s["const"]:
            yield path, "expected %s" % json.dumps(s["const"])
        if "enum" in s and v not in s["enum"]:
            yield path, "%s not one of %s" % (json.dumps(v)[:60], s["enum"])
        if isinstance(v, str):
            if "pattern" in s and not re.search(s["pattern"], v):
                yield path, "%s does not match %s" % (json.dumps(v)[:80], s["pattern"])
            if "minLength" in s and len(v) < s["minLength"]:
                yield path, "shorter than %d" % s["minLength"]
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            if "minimum" in s and v < s["minimum"]:
                yield path, "less than %s" % s["minimum"]
        if isinstance(v, dict):
            for k in s.get("required", []):
                if k not in v:
                    yield path, "missing required '%s'" % k
            props = s.get("properties", {})
            for k, x in v.items():
                if k in props:
                    yield from self.errors(props[k], x, "%s.%s" % (path, k))
                elif "additionalProperties" in s:
                    yield from self.errors(s["additionalProperties"], x, "%s.%s" % (path, k))
        if isinstance(v, list) and "items" in s:
            for i, x in enumerate(v):
                yield from self.errors(s["items"], x, "%s[%d]" % (path, i))
        for sub in s.get("allOf", []):
            yield from self.errors(sub, v, path)
        if "anyOf" in s and not any(self.ok(sub, v) for sub in s["anyOf"]):
            yield path, "matches none of anyOf"
        if "oneOf" in s:
            n = sum(1 for sub in s["oneOf"] if self.ok(sub, v))
            if n != 1:
                best = min((list(self.errors(sub, v, path)) for sub in s["oneOf"]), key=len)
                yield path, "matches %d of oneOf (want 1)%s" % (
                    n, "; closest: %s: %s" % best[0] if n == 0 and best else "")
        if "if" in s:
            branch = s.get("then") if self.ok(s["if"], v) else s.get("else")
            if branch is not None:
                yield from self.errors(branch, v, path)

    def ok(self, s, v):
        return next(iter(self.errors(s, v)), None) is None


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    with open(argv[1]) as f:
        schema = json.load(f)
    val = Validator(schema)
    bad = 0
    files = argv[2:] or ["-"]
    for name in files:
        f = sys.stdin if name == "-" else open(name)
        for n, line in enumerate(f, 1):
            try:
                v = json.loads(line)
            except ValueError as e:
                print("%s:%d: not JSON: %s" % (name, n, e))
                bad += 1
                continue
            for path, msg in val.errors(schema, v):
                print("%s:%d: %s: %s" % (name, n, path, msg))
                bad += 1
                break
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
