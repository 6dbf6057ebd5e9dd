#!/usr/bin/env python3
"""A strict Apache Atlas v2 / Microsoft Purview Data Map server for purvey's tests.

It is at least as strict as the real servers (../shared/reference/FACTS.md,
part B, and Apache Atlas's AtlasErrorCode): a request it accepts would be
accepted there too. Standard library only; listens on 127.0.0.1.

    atlas_server.py [options]            serve (see --help)
    atlas_server.py dump STATE_FILE      print the canonical dump of a state file

The same API is served under /api/atlas/v2/ (Apache Atlas),
/catalog/api/atlas/v2/ and /datamap/api/atlas/v2/ (Purview; api-version is
accepted). Test helpers: GET /_test/dump (canonical state), GET /_test/log.
"""
import argparse
import base64
import copy
import hashlib
import http.server
import json
import os
import re
import secrets
import socket
import ssl
import sys
import threading
import time
import urllib.parse
import uuid

PREFIXES = ("/api/atlas/v2/", "/catalog/api/atlas/v2/", "/datamap/api/atlas/v2/")
PURVIEW_SCOPE = "https://purview.azure.net/.default"


class AtlasError(Exception):
    """An error Atlas reports as {"errorCode","errorMessage"} with an HTTP status."""

    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def err_type_name_invalid(kind, name):
    return AtlasError(400, "ATLAS-400-00-014", "Type %s with name %s does not exist" % (kind, name))


def err_unknown_attribute(attr, type_name):
    return AtlasError(400, "ATLAS-400-00-023", "Attribute %s not found for type %s" % (attr, type_name))


def err_mandatory(type_name, attr):
    return AtlasError(404, "ATLAS-404-00-007",
                      "Invalid instance creation/updation parameters passed : %s.%s: mandatory attribute value missing in type %s"
                      % (type_name, attr, type_name))


def err_ref_not_found(ref):
    return AtlasError(404, "ATLAS-404-00-00A", "Referenced entity %s is not found" % object_id_text(ref))


def err_bad_value(type_name, attr, why):
    return AtlasError(404, "ATLAS-404-00-007",
                      "Invalid instance creation/updation parameters passed : %s.%s: %s" % (type_name, attr, why))


def object_id_text(ref):
    return "AtlasObjectId{guid='%s', typeName='%s', uniqueAttributes={%s}}" % (
        ref.get("guid"), ref.get("typeName"),
        ", ".join("%s:%s" % kv for kv in sorted((ref.get("uniqueAttributes") or {}).items())))


# ---------------------------------------------------------------- types

def attr(name, typ, optional=True, unique=False):
    return {"name": name, "typeName": typ, "isOptional": optional, "isUnique": unique,
            "cardinality": "SET" if typ.startswith("array<") else "SINGLE"}


def base_types():
    """The Atlas base model and the Purview storage types lineage points at."""
    t = {
        "Referenceable": {"category": "ENTITY", "name": "Referenceable", "superTypes": [],
                          "attributeDefs": [attr("qualifiedName", "string", False, True)]},
        "Asset": {"category": "ENTITY", "name": "Asset", "superTypes": ["Referenceable"],
                  "attributeDefs": [attr("name", "string", False), attr("description", "string"),
                                    attr("owner", "string"), attr("displayName", "string"),
                                    attr("userDescription", "string")]},
        "DataSet": {"category": "ENTITY", "name": "DataSet", "superTypes": ["Asset"], "attributeDefs": []},
        "Infrastructure": {"category": "ENTITY", "name": "Infrastructure", "superTypes": ["Asset"],
                           "attributeDefs": []},
        "Process": {"category": "ENTITY", "name": "Process", "superTypes": ["Asset"],
                    "attributeDefs": [attr("inputs", "array<DataSet>"), attr("outputs", "array<DataSet>")]},
    }
    for name in ("azure_storage_account", "azure_blob_container", "azure_blob_path",
                 "azure_datalake_gen2_filesystem", "azure_datalake_gen2_path",
                 "azure_datalake_gen2_resource_set", "azure_file", "azure_file_share",
                 "azure_datalake_gen1_path", "azure_sql_table"):
        t[name] = {"category": "ENTITY", "name": name, "superTypes": ["DataSet"], "attributeDefs": [],
                   "serviceType": "Azure Storage", "builtin": True}
    for d in t.values():
        d["builtin"] = True
    return t


class Model:
    """Types and entities; the whole state of the server."""

    def __init__(self):
        self.types = base_types()
        self.entities = {}      # guid -> entity
        self.by_qn = {}         # (typeName, qualifiedName) -> guid
        self.type_guids = {}

    def fork(self):
        """A copy to apply one request to: entities are copied only when changed (BulkRequest.apply)."""
        m = Model.__new__(Model)
        m.types, m.type_guids = self.types, self.type_guids
        m.entities, m.by_qn = dict(self.entities), dict(self.by_qn)
        return m

    # -- type helpers
    def is_subtype(self, t, ancestor):
        if t == ancestor:
            return True
        d = self.types.get(t)
        return bool(d) and any(self.is_subtype(s, ancestor) for s in d.get("superTypes", []))

    def lineage(self, t):
        """t and its supertypes, nearest first."""
        out, todo = [], [t]
        while todo:
            x = todo.pop(0)
            if x not in out and x in self.types:
                out.append(x)
                todo.extend(self.types[x].get("superTypes", []))
        return out

    def attribute_defs(self, t):
        defs = {}
        for x in reversed(self.lineage(t)):
            for a in self.types[x].get("attributeDefs", []):
                defs[a["name"]] = a
        return defs

    def relationship_ends(self, t):
        """Relationship attribute name -> (relationshipDef, my end, other end) for type t."""
        ends = {}
        for d in self.types.values():
            if d["category"] != "RELATIONSHIP":
                continue
            for mine, other in (("endDef1", "endDef2"), ("endDef2", "endDef1")):
                if self.is_subtype(t, d[mine]["type"]):
                    ends[d[mine]["name"]] = (d, d[mine], d[other])
        return ends


def element_type(typ):
    m = re.fullmatch(r"(array|set)<(.+)>", typ)
    return m.group(2) if m else None


PRIMITIVES = {"string", "int", "long", "short", "byte", "float", "double", "boolean", "date",
              "biginteger", "bigdecimal"}


def check_typedefs(model, body, update):
    """Validates a typedefs request against model; returns the defs to install."""
    out = []
    new_names = set()
    for key, cat in (("enumDefs", "ENUM"), ("structDefs", "STRUCT"), ("classificationDefs", "CLASSIFICATION"),
                     ("entityDefs", "ENTITY"), ("relationshipDefs", "RELATIONSHIP"),
                     ("businessMetadataDefs", "BUSINESS_METADATA")):
        for d in body.get(key) or []:
            if not isinstance(d, dict) or not isinstance(d.get("name"), str) or not d["name"]:
                raise AtlasError(400, "ATLAS-400-00-011", "Invalid type definition %s" % json.dumps(d)[:200])
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_ ]*", d["name"]):
                raise AtlasError(400, "ATLAS-400-00-019",
                                 "%s: invalid name for %s.  Names must consist of a letter followed by a sequence of letter, number, or '_' characters"
                                 % (d["name"], cat.lower()))
            existing = model.types.get(d["name"])
            if existing and not update:
                raise AtlasError(409, "ATLAS-409-00-001", "Given type %s already exists" % d["name"])
            if not existing and update:
                raise AtlasError(404, "ATLAS-404-00-001", "Given typename %s was invalid" % d["name"])
            if existing and existing.get("builtin"):
                raise AtlasError(400, "ATLAS-400-00-024", "%s is a System-type" % d["name"])
            d = copy.deepcopy(d)
            d["category"] = cat
            out.append(d)
            new_names.add(d["name"])
    known = set(model.types) | new_names
    for d in out:
        for s in d.get("superTypes") or []:
            if s not in known:
                raise AtlasError(400, "ATLAS-400-00-00A", "%s: Unknown/invalid typename" % s)
        for a in d.get("attributeDefs") or []:
            t = a.get("typeName", "")
            m = re.fullmatch(r"map<(.+),(.+)>", t)
            inner = [m.group(1), m.group(2)] if m else [element_type(t) or t]
            for x in inner:
                if x not in PRIMITIVES and x not in known:
                    raise AtlasError(400, "ATLAS-400-00-001", "Unknown type %s for %s.%s" % (x, d["name"], a.get("name")))
        if d["category"] == "RELATIONSHIP":
            e1, e2 = d.get("endDef1"), d.get("endDef2")
            if not isinstance(e1, dict) or not isinstance(e2, dict):
                raise AtlasError(400, "ATLAS-400-00-02C", "relationshipDef %s creation attempted without 2 ends" % d["name"])
            for e in (e1, e2):
                if e.get("type") not in known:
                    raise AtlasError(404, "ATLAS-404-00-00E", "RelationshipDef %s endDef typename %s cannot be found"
                                     % (d["name"], e.get("type")))
            cat = d.get("relationshipCategory", "ASSOCIATION")
            containers = [e.get("isContainer", False) for e in (e1, e2)]
            if all(containers):
                raise AtlasError(400, "ATLAS-400-00-02D",
                                 "relationshipDef %s creation attempted with both ends as containers" % d["name"])
            if cat == "COMPOSITION" and not any(containers):
                raise AtlasError(400, "ATLAS-400-00-031",
                                 "COMPOSITION relationshipDef %s creation attempted without an end specifying isContainer" % d["name"])
            if cat == "ASSOCIATION" and any(containers):
                raise AtlasError(400, "ATLAS-400-00-030",
                                 "ASSOCIATION relationshipDef %s creation attempted with an end specifying isContainer" % d["name"])
            for e in (e1, e2):
                if e.get("cardinality") == "LIST":
                    raise AtlasError(400, "ATLAS-400-00-034", "relationshipDef %s cannot have a LIST cardinality on an end" % d["name"])
            if cat == "COMPOSITION":
                child = e2 if e1.get("isContainer") else e1
                if child.get("cardinality") == "SET":
                    raise AtlasError(400, "ATLAS-400-00-033",
                                     "COMPOSITION relationshipDef %s can only have one parent; so cannot have SET cardinality on children" % d["name"])
    return out


# ---------------------------------------------------------------- entities

class BulkRequest:
    """Applies one entity/bulk request to a copy of the model: all or nothing."""

    def __init__(self, model, strict, collection):
        self.m = model
        self.strict = strict
        self.collection = collection
        self.assign = {}        # placeholder -> real guid
        self.created, self.updated = [], []
        self.new_guids = set()  # entities this request creates

    def resolve(self, ref, expect_type, attr_name, owner_type):
        """The guid a reference in an attribute names; checks the type it must have."""
        if not isinstance(ref, dict):
            raise err_bad_value(owner_type, attr_name, "invalid reference %s" % json.dumps(ref)[:100])
        guid = ref.get("guid")
        if isinstance(guid, str) and guid:
            if guid.startswith("-"):
                if not re.fullmatch(r"-\d+", guid):
                    raise AtlasError(400, "ATLAS-400-00-021", "ObjectId is not valid %s" % object_id_text(ref))
                if guid not in self.assign:
                    raise err_ref_not_found(ref)
                target = self.assign[guid]
            elif guid in self.m.entities:
                target = guid
            else:
                raise err_ref_not_found(ref)
        else:
            ua = ref.get("uniqueAttributes")
            t = ref.get("typeName")
            if not isinstance(ua, dict) or not isinstance(t, str) or "qualifiedName" not in ua:
                raise AtlasError(400, "ATLAS-400-00-021", "ObjectId is not valid %s" % object_id_text(ref))
            if t not in self.m.types:
                raise err_type_name_invalid("entity", t)
            target = self.m.by_qn.get((t, ua["qualifiedName"]))
            # uniqueAttributes name what exists before the request, never what it creates
            if target is None or target in self.new_guids:
                raise err_ref_not_found(ref)
        actual = self.m.entities[target]["typeName"]
        if expect_type and not self.m.is_subtype(actual, expect_type):
            if expect_type == "DataSet":
                raise AtlasError(400, "ATLAS-400-00-036",
                                 "invalid relationshipDef: %s.%s: end type 1: %s, end type 2: %s"
                                 % (owner_type, attr_name, expect_type, actual))
            raise AtlasError(400, "ATLAS-400-00-045",
                             "Invalid entity-type for relationship attribute \u2018%s\u2019: entity specified (guid=%s) is of type \u2018%s\u2019, but expected type is \u2018%s\u2019"
                             % (attr_name, target, actual, expect_type))
        return target

    def value(self, typ, v, name, owner):
        """Checks v against attribute type typ; returns the value to store."""
        el = element_type(typ)
        if v is None:
            return None
        if el is not None:
            if not isinstance(v, list):
                raise err_bad_value(owner, name, "expected an array")
            return [self.value(el, x, name, owner) for x in v]
        m = re.fullmatch(r"map<(.+),(.+)>", typ)
        if m:
            if not isinstance(v, dict):
                raise err_bad_value(owner, name, "expected a map")
            return {k: self.value(m.group(2), x, name, owner) for k, x in v.items()}
        if typ == "string":
            if not isinstance(v, str):
                raise err_bad_value(owner, name, "expected a string")
            return v
        if typ in ("int", "long", "short", "byte", "date", "biginteger"):
            if isinstance(v, bool) or not isinstance(v, int):
                raise err_bad_value(owner, name, "expected an integer")
            return v
        if typ in ("float", "double", "bigdecimal"):
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise err_bad_value(owner, name, "expected a number")
            return v
        if typ == "boolean":
            if not isinstance(v, bool):
                raise err_bad_value(owner, name, "expected a boolean")
            return v
        d = self.m.types.get(typ)
        if d and d["category"] == "ENTITY":
            return {"$ref": self.resolve(v, typ, name, owner)}
        if d and d["category"] == "ENUM":
            if v not in [e.get("value") for e in d.get("elementDefs", [])]:
                raise err_bad_value(owner, name, "invalid enum value %s" % v)
            return v
        return v  # structs: accepted as given

    def prepare(self, entities):
        """First pass: type checks and guid assignment, so references may point forward."""
        for e in entities:
            if not isinstance(e, dict):
                raise AtlasError(400, "ATLAS-400-00-01A", "invalid parameters: entity is not an object")
            t = e.get("typeName")
            d = self.m.types.get(t)
            if not d or d["category"] != "ENTITY":
                raise err_type_name_invalid("entity", t)
            attrs = e.get("attributes") or {}
            qn = attrs.get("qualifiedName")
            guid = e.get("guid")
            existing = None
            if isinstance(guid, str) and guid and not guid.startswith("-"):
                if guid not in self.m.entities:
                    raise AtlasError(404, "ATLAS-404-00-005", "Given instance guid %s is invalid/not found" % guid)
                existing = guid
            elif isinstance(qn, str):
                existing = self.m.by_qn.get((t, qn))
            if isinstance(guid, str) and guid.startswith("-"):
                if not re.fullmatch(r"-\d+", guid):
                    raise AtlasError(400, "ATLAS-400-00-021", "ObjectId is not valid %s" % object_id_text(e))
                if guid in self.assign:
                    raise AtlasError(400, "ATLAS-400-00-01A", "invalid parameters: duplicate guid %s" % guid)
                self.assign[guid] = existing or str(uuid.uuid4())
            e["_target"] = existing or (self.assign.get(guid) if isinstance(guid, str) else None) or str(uuid.uuid4())
            e["_new"] = existing is None
            if e["_new"]:
                self.new_guids.add(e["_target"])
            if e["_new"] and isinstance(qn, str):
                if (t, qn) in self.m.by_qn:
                    raise AtlasError(409, "ATLAS-409-00-003", "failed to update entity: %s" % qn)
                self.m.by_qn[(t, qn)] = e["_target"]
                self.m.entities[e["_target"]] = {"typeName": t, "attributes": {"qualifiedName": qn},
                                                 "relationshipAttributes": {}, "guid": e["_target"]}

    def apply(self, e):
        t = e["typeName"]
        defs = self.m.attribute_defs(t)
        rels = self.m.relationship_ends(t)
        target = dict(self.m.entities[e["_target"]])  # copy on write: the fork shares the rest
        target["relationshipAttributes"] = dict(target["relationshipAttributes"])
        self.m.entities[e["_target"]] = target
        attrs = e.get("attributes") or {}
        if not isinstance(attrs, dict):
            raise AtlasError(400, "ATLAS-400-00-01A", "invalid parameters: attributes is not an object")
        stored = dict(target["attributes"]) if not e["_new"] else {}
        for k, v in attrs.items():
            if k in defs:
                stored[k] = self.value(defs[k]["typeName"], v, k, t)
            elif k in rels:
                self.relationship(target, rels[k], k, v, t)
            elif self.strict:
                raise err_unknown_attribute(k, t)
        for k, v in (e.get("relationshipAttributes") or {}).items():
            if k not in rels:
                raise err_unknown_attribute(k, t)
            self.relationship(target, rels[k], k, v, t)
        for name, a in defs.items():
            if not a.get("isOptional", True) and stored.get(name) in (None, ""):
                raise err_mandatory(t, name)
        target["attributes"] = stored
        for key in ("labels", "customAttributes", "status"):
            if key in e:
                target[key] = e[key]
        cattrs = e.get("customAttributes")
        if cattrs is not None and (not isinstance(cattrs, dict) or
                                   not all(isinstance(v, str) for v in cattrs.values())):
            raise err_bad_value(t, "customAttributes", "expected a map of strings")
        if self.collection is not None:
            target["collectionId"] = self.collection
        header = {"typeName": t, "guid": e["_target"], "status": "ACTIVE",
                  "attributes": {"qualifiedName": stored.get("qualifiedName")},
                  "displayText": stored.get("name")}
        (self.created if e["_new"] else self.updated).append(header)

    def relationship(self, target, end, name, v, owner):
        rdef, mine, other = end
        many = mine.get("cardinality") in ("SET", "LIST")
        if many:
            if not isinstance(v, list):
                raise err_bad_value(owner, name, "expected an array of references")
            target["relationshipAttributes"][name] = [
                {"$ref": self.resolve(x, other["type"], name, owner)} for x in v]
        else:
            if isinstance(v, list):
                raise err_bad_value(owner, name, "expected one reference")
            target["relationshipAttributes"][name] = (
                None if v is None else {"$ref": self.resolve(v, other["type"], name, owner)})

    def run(self, body):
        if not isinstance(body, dict) or not isinstance(body.get("entities"), list):
            raise AtlasError(400, "ATLAS-400-00-01A", "invalid parameters: no entities")
        entities = [dict(e) if isinstance(e, dict) else e for e in body["entities"]]
        self.prepare(entities)
        for e in entities:
            self.apply(e)
        resp = {"mutatedEntities": {}, "guidAssignments": dict(sorted(self.assign.items()))}
        if self.created:
            resp["mutatedEntities"]["CREATE"] = self.created
        if self.updated:
            resp["mutatedEntities"]["UPDATE"] = self.updated
        return resp


def header_of(model, guid):
    e = model.entities[guid]
    return {"typeName": e["typeName"], "guid": guid, "status": "ACTIVE",
            "attributes": {"qualifiedName": e["attributes"].get("qualifiedName"), "name": e["attributes"].get("name")},
            "displayText": e["attributes"].get("name")}


def entity_view(model, guid):
    """An entity as GET returns it: references as AtlasObjectIds."""
    e = model.entities[guid]

    def ref(v):
        if isinstance(v, list):
            return [ref(x) for x in v]
        if isinstance(v, dict) and "$ref" in v:
            t = model.entities.get(v["$ref"])
            return {"guid": v["$ref"], "typeName": t["typeName"] if t else None,
                    "uniqueAttributes": {"qualifiedName": t["attributes"].get("qualifiedName") if t else None}}
        if isinstance(v, dict):
            return {k: ref(x) for k, x in v.items()}
        return v
    out = {"typeName": e["typeName"], "guid": guid, "status": "ACTIVE",
           "attributes": ref(e["attributes"]), "relationshipAttributes": ref(e["relationshipAttributes"])}
    for k in ("labels", "customAttributes", "collectionId"):
        if k in e:
            out[k] = e[k]
    return out


def canonical_dump(model):
    """The state without guids: types by name, entities by (type, qualifiedName)."""
    def by_qn(v):
        if isinstance(v, list):
            return [by_qn(x) for x in v]
        if isinstance(v, dict) and "$ref" in v:
            t = model.entities.get(v["$ref"])
            return {"typeName": t["typeName"], "qualifiedName": t["attributes"].get("qualifiedName")} if t else None
        if isinstance(v, dict):
            return {k: by_qn(x) for k, x in v.items()}
        return v
    types = sorted((d for d in model.types.values() if not d.get("builtin")), key=lambda d: d["name"])
    ents = []
    for guid, e in model.entities.items():
        item = {"typeName": e["typeName"], "attributes": by_qn(e["attributes"]),
                "relationshipAttributes": by_qn({k: v for k, v in e["relationshipAttributes"].items()})}
        for k in ("labels", "customAttributes", "collectionId", "status"):
            if k in e:
                item[k] = e[k]
        ents.append(item)
    ents.sort(key=lambda x: (x["typeName"], x["attributes"].get("qualifiedName") or ""))
    return json.dumps({"types": types, "entities": ents}, sort_keys=True, separators=(",", ":")) + "\n"


def lineage(model, guid, direction, depth):
    """Atlas's lineage answer: DataSet -> Process -> DataSet edges around guid."""
    edges = set()
    for pg, p in model.entities.items():
        if not model.is_subtype(p["typeName"], "Process"):
            continue
        for i in p["attributes"].get("inputs") or []:
            edges.add((i["$ref"], pg))
        for o in p["attributes"].get("outputs") or []:
            edges.add((pg, o["$ref"]))
    seen, rel = {guid}, set()
    for d in (("INPUT", "OUTPUT") if direction == "BOTH" else (direction,)):
        frontier = {guid}
        for _ in range(depth * 2):
            nxt = set()
            for a, b in edges:
                if d == "OUTPUT" and a in frontier:
                    rel.add((a, b)); nxt.add(b)
                if d == "INPUT" and b in frontier:
                    rel.add((a, b)); nxt.add(a)
            nxt -= seen
            seen |= nxt
            frontier = nxt
            if not frontier:
                break
    return {"baseEntityGuid": guid, "lineageDirection": direction, "lineageDepth": depth,
            "guidEntityMap": {g: header_of(model, g) for g in sorted(seen) if g in model.entities},
            "relations": [{"fromEntityId": a, "toEntityId": b, "relationshipId": None} for a, b in sorted(rel)]}


# ---------------------------------------------------------------- server

class State:
    def __init__(self, opts):
        self.opts = opts
        self.lock = threading.Lock()
        self.model = Model()
        self.count = 0
        self.tokens = {}            # token -> expiry
        self.bucket = [float(opts.rate_limit or 0), time.monotonic()]
        if opts.state and os.path.exists(opts.state):
            self.load(opts.state)

    def load(self, path):
        with open(path) as f:
            s = json.load(f)
        self.model.types.update(s["types"])
        self.model.entities = s["entities"]
        self.model.by_qn = {(e["typeName"], e["attributes"].get("qualifiedName")): g
                            for g, e in self.model.entities.items()}

    def save(self):
        if not self.opts.state:
            return
        s = {"types": {k: v for k, v in self.model.types.items() if not v.get("builtin")},
             "entities": self.model.entities}
        tmp = self.opts.state + ".tmp"
        with open(tmp, "w") as f:
            json.dump(s, f, sort_keys=True)
        os.replace(tmp, self.opts.state)  # atomic: a killed server leaves the old or the new state

    def log(self, entry):
        if not self.opts.log:
            return
        with open(self.opts.log, "a") as f:
            f.write(json.dumps(entry, sort_keys=True) + "\n")

    def take_token(self):
        """Token bucket for --rate-limit: True if this request may go on now."""
        rate = self.opts.rate_limit
        if not rate:
            return True
        now = time.monotonic()
        tokens, last = self.bucket
        tokens = min(float(rate), tokens + (now - last) * rate)
        if tokens < 1.0:
            self.bucket = [tokens, now]
            return False
        self.bucket = [tokens - 1.0, now]
        return True


class ResetConnection(Exception):
    pass


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # headers and body go out as two writes: without this, Nagle waits for the
    # client's delayed ACK, 40 ms a response
    disable_nagle_algorithm = True
    server_version = "AtlasTestServer/1"

    def log_message(self, fmt, *args):  # quiet
        if self.server.state.opts.verbose:
            sys.stderr.write("atlas_server: " + fmt % args + "\n")

    # -- plumbing
    def send_json(self, status, obj, headers=()):
        body = (json.dumps(obj, sort_keys=True) + "\n").encode() if obj is not None else b""
        st = self.server.state
        n = getattr(self, "_n", 0)
        truncate = st.opts.truncate_every and n and n % st.opts.truncate_every == 0
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if truncate:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if st.opts.slow_body_ms:
            for i in range(0, len(body), 16):
                self.wfile.write(body[i:i + 16])
                self.wfile.flush()
                time.sleep(st.opts.slow_body_ms / 1000.0)
        else:
            self.wfile.write(body)

    def reset(self):
        """Drops the connection with no answer (an RST, as a failing proxy would)."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        except OSError:
            pass
        raise ResetConnection()

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except ResetConnection:
            self.close_connection = True
        except (ConnectionError, BrokenPipeError):
            self.close_connection = True

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_PUT(self):
        self.dispatch("PUT")

    def do_DELETE(self):
        self.dispatch("DELETE")

    # -- the request
    def dispatch(self, method):
        st = self.server.state
        raw = self.read_body()
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        entry = {"method": method, "path": url.path, "query": url.query,
                 "body_sha256": hashlib.sha256(raw).hexdigest(), "t": round(time.time(), 4)}
        if url.path.startswith("/_test/"):
            return self.test_endpoint(url.path)
        if re.fullmatch(r"/[^/]+/oauth2/v2\.0/token", url.path) and method == "POST":
            return self.token(url.path.split("/")[1], raw)
        with st.lock:
            st.count += 1
            self._n = n = st.count
        entry["n"] = n
        if st.opts.latency_ms:
            time.sleep(st.opts.latency_ms / 1000.0)
        try:
            if not self.authorized():
                entry["outcome"] = "unauthorized"
                st.log(dict(entry, status=401))
                return self.send_json(401, {"error": {"code": "Unauthorized",
                                                      "message": "missing, invalid or expired credentials"}},
                                      [("WWW-Authenticate", "Bearer" if st.opts.auth == "entra" else "Basic")])
            fault = self.fault_before(n)
            if fault:
                entry["outcome"] = fault
                st.log(dict(entry, status=0 if fault.startswith("reset") else int(fault.split("-")[1])))
                if fault == "reset-before":
                    self.reset()
                status = int(fault.split("-")[1])
                hdrs = [("Retry-After", str(st.opts.retry_after))] if status in (429, 503) else []
                return self.send_json(status, {"error": {"code": "TooManyRequests" if status == 429 else "ServiceUnavailable",
                                                         "message": "injected fault"}}, hdrs)
            if st.opts.max_body_bytes and len(raw) > st.opts.max_body_bytes:
                entry["outcome"] = "too-large"
                st.log(dict(entry, status=413))
                return self.send_json(413, {"errorCode": "ATLAS-413-00-001",
                                            "errorMessage": "request body of %d bytes is over %d" % (len(raw), st.opts.max_body_bytes)})
            api = self.api_path(url.path)
            if api is None:
                entry["outcome"] = "not-found"
                st.log(dict(entry, status=404))
                return self.send_json(404, {"errorCode": "ATLAS-404-00-004", "errorMessage": "No result found for %s" % url.path})
            with st.lock:
                status, resp, changed = self.api(method, api, query, raw)
                if changed:
                    st.save()
            entry["outcome"] = "applied" if changed else ("ok" if status < 400 else "rejected")
            if isinstance(resp, dict) and "errorCode" in resp:
                entry["errorCode"] = resp["errorCode"]
            st.log(dict(entry, status=status))
            if st.opts.reset_after and n % st.opts.reset_after == 0 and changed:
                st.log(dict(entry, status=0, outcome="reset-after"))
                self.reset()
            return self.send_json(status, resp)
        except ResetConnection:
            raise

    def fault_before(self, n):
        o = self.server.state.opts
        if o.reset_before and n % o.reset_before == 0:
            return "reset-before"
        if o.fail_every and n % o.fail_every == 0:
            return "fault-%d" % o.fail_status
        with self.server.state.lock:
            if not self.server.state.take_token():
                return "fault-429"
        return None

    def api_path(self, path):
        for p in PREFIXES:
            if path.startswith(p):
                return path[len(p):]
        return None

    def authorized(self):
        st = self.server.state
        o = st.opts
        h = self.headers.get("Authorization") or ""
        if o.auth == "none":
            return True
        if o.auth == "basic":
            want = base64.b64encode(("%s:%s" % (o.basic_user, o.basic_password)).encode()).decode()
            return h == "Basic " + want
        if not h.startswith("Bearer "):
            return False
        with st.lock:
            exp = st.tokens.get(h[len("Bearer "):])
        return exp is not None and exp > time.time()

    def token(self, tenant, raw):
        st = self.server.state
        o = st.opts
        form = urllib.parse.parse_qs(raw.decode("utf-8", "replace"))
        f = {k: v[0] for k, v in form.items()}
        st.log({"method": "POST", "path": "/%s/oauth2/v2.0/token" % tenant, "outcome": "token"})
        if o.auth != "entra":
            return self.send_json(404, {"error": "not_found"})
        if tenant != o.tenant:
            return self.send_json(400, {"error": "invalid_request",
                                        "error_description": "AADSTS90002: Tenant '%s' not found." % tenant})
        if f.get("grant_type") != "client_credentials":
            return self.send_json(400, {"error": "unsupported_grant_type",
                                        "error_description": "AADSTS70003: The grant type is not supported."})
        if f.get("client_id") != o.client_id or f.get("client_secret") != o.client_secret:
            return self.send_json(401, {"error": "invalid_client",
                                        "error_description": "AADSTS7000215: Invalid client secret provided."})
        if f.get("scope") != o.scope:
            return self.send_json(400, {"error": "invalid_scope",
                                        "error_description": "AADSTS70011: The provided value for the input parameter 'scope' is not valid."})
        tok = secrets.token_urlsafe(32)
        with st.lock:
            st.tokens[tok] = time.time() + o.token_ttl
        return self.send_json(200, {"token_type": "Bearer", "expires_in": o.token_ttl,
                                    "ext_expires_in": o.token_ttl, "access_token": tok})

    def test_endpoint(self, path):
        st = self.server.state
        with st.lock:
            if path == "/_test/dump":
                body = canonical_dump(st.model).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            if path == "/_test/expire-tokens":
                st.tokens = {k: 0 for k in st.tokens}
                return self.send_json(200, {"expired": len(st.tokens)})
        return self.send_json(404, {"error": "no such test endpoint"})

    # -- the Atlas API; called with the state lock held
    def api(self, method, path, query, raw):
        st = self.server.state
        m = st.model
        try:
            body = json.loads(raw) if raw else None
        except ValueError as e:
            return 400, {"errorCode": "ATLAS-400-00-029", "errorMessage": "invalid JSON: %s" % e}, False
        try:
            if path == "types/typedefs" and method in ("POST", "PUT"):
                defs = check_typedefs(m, body or {}, method == "PUT")
                for d in defs:
                    d["guid"] = m.type_guids.setdefault(d["name"], str(uuid.uuid5(uuid.NAMESPACE_URL, d["name"])))
                    m.types[d["name"]] = d
                out = {}
                for d in defs:
                    key = {"ENTITY": "entityDefs", "RELATIONSHIP": "relationshipDefs", "ENUM": "enumDefs",
                           "STRUCT": "structDefs", "CLASSIFICATION": "classificationDefs",
                           "BUSINESS_METADATA": "businessMetadataDefs"}[d["category"]]
                    out.setdefault(key, []).append(d)
                return 200, out, bool(defs)
            if path == "types/typedefs/headers" and method == "GET":
                return 200, [{"name": n, "category": d["category"], "guid": d.get("guid")}
                             for n, d in sorted(m.types.items())], False
            mt = re.fullmatch(r"types/typedef/name/(.+)", path)
            if mt and method == "GET":
                d = m.types.get(urllib.parse.unquote(mt.group(1)))
                if not d:
                    raise AtlasError(404, "ATLAS-404-00-001", "Given typename %s was invalid" % mt.group(1))
                return 200, d, False
            if path == "entity/bulk" and method == "POST":
                work = m.fork()
                coll = query.get("collectionId", [None])[0]
                resp = BulkRequest(work, st.opts.strict, coll).run(body)
                st.model = work
                return 200, resp, True
            if path == "entity" and method == "POST":
                work = m.fork()
                coll = query.get("collectionId", [None])[0]
                ent = (body or {}).get("entity")
                resp = BulkRequest(work, st.opts.strict, coll).run({"entities": [ent]})
                st.model = work
                return 200, resp, True
            mb = re.fullmatch(r"entity/bulk/uniqueAttribute/type/([^/]+)", path)
            if mb and method == "GET":
                t = urllib.parse.unquote(mb.group(1))
                if t not in m.types:
                    raise err_type_name_invalid("entity", t)
                qns = [v[0] for k, v in sorted(query.items(), key=lambda kv: int(re.sub(r"\D", "", kv[0]) or 0))
                       if re.fullmatch(r"attr_\d+:qualifiedName", k)]
                found = [entity_view(m, m.by_qn[(t, q)]) for q in qns if (t, q) in m.by_qn]
                return 200, {"entities": found, "referredEntities": {}}, False
            mu = re.fullmatch(r"entity/uniqueAttribute/type/([^/]+)", path)
            if mu:
                t = urllib.parse.unquote(mu.group(1))
                if t not in m.types:
                    raise err_type_name_invalid("entity", t)
                qn = query.get("attr:qualifiedName", [None])[0]
                g = m.by_qn.get((t, qn))
                if g is None:
                    raise AtlasError(404, "ATLAS-404-00-009",
                                     "Instance %s with unique attribute {qualifiedName=%s} does not exist" % (t, qn))
                if method == "GET":
                    return 200, {"entity": entity_view(m, g), "referredEntities": {}}, False
                if method == "DELETE":
                    h = header_of(m, g)
                    self.delete(m, [g])
                    return 200, {"mutatedEntities": {"DELETE": [h]}}, True
            mg = re.fullmatch(r"entity/guid/([^/]+)", path)
            if mg and method == "GET":
                g = mg.group(1)
                if g not in m.entities:
                    raise AtlasError(404, "ATLAS-404-00-005", "Given instance guid %s is invalid/not found" % g)
                return 200, {"entity": entity_view(m, g), "referredEntities": {}}, False
            if path == "entity/bulk" and method == "DELETE":
                guids = query.get("guid", [])
                for g in guids:
                    if g not in m.entities:
                        raise AtlasError(404, "ATLAS-404-00-005", "Given instance guid %s is invalid/not found" % g)
                hs = [header_of(m, g) for g in guids]
                self.delete(m, guids)
                return 200, {"mutatedEntities": {"DELETE": hs}} if hs else {}, bool(hs)
            ml = re.fullmatch(r"lineage/([^/]+)", path)
            if ml and method == "GET":
                g = ml.group(1)
                if g not in m.entities:
                    raise AtlasError(404, "ATLAS-404-00-005", "Given instance guid %s is invalid/not found" % g)
                direction = query.get("direction", ["BOTH"])[0]
                try:
                    depth = int(query.get("depth", ["3"])[0])
                except ValueError:
                    depth = -1
                if direction not in ("INPUT", "OUTPUT", "BOTH") or depth < 0:
                    raise AtlasError(400, "ATLAS-400-00-026", "Invalid lineage query parameters passed %s: %s"
                                     % (direction, depth))
                return 200, lineage(m, g, direction, depth), False
            return 404, {"errorCode": "ATLAS-404-00-004", "errorMessage": "No result found for %s %s" % (method, path)}, False
        except AtlasError as e:
            return e.status, {"errorCode": e.code, "errorMessage": e.message}, False

    @staticmethod
    def delete(m, guids):
        """Purview deletes are permanent and do not cascade: references to them go."""
        gone = set(guids)
        for g in guids:
            e = m.entities.pop(g)
            m.by_qn.pop((e["typeName"], e["attributes"].get("qualifiedName")), None)

        def drop(v):
            if isinstance(v, list):
                return [x for x in (drop(y) for y in v) if x is not None]
            if isinstance(v, dict) and "$ref" in v:
                return None if v["$ref"] in gone else v
            return v
        for e in m.entities.values():
            e["attributes"] = {k: drop(v) for k, v in e["attributes"].items()}
            e["relationshipAttributes"] = {k: drop(v) for k, v in e["relationshipAttributes"].items()}


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def parse_args(argv):
    ap = argparse.ArgumentParser(description="strict Atlas v2 / Purview test server")
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port")
    ap.add_argument("--port-file", help="write the port here once listening")
    ap.add_argument("--auth", choices=("none", "basic", "entra"), default="none")
    ap.add_argument("--basic-user", default="admin")
    ap.add_argument("--basic-password", default="admin")
    ap.add_argument("--tenant", default="test-tenant")
    ap.add_argument("--client-id", default="test-client")
    ap.add_argument("--client-secret", default="test-secret")
    ap.add_argument("--scope", default=PURVIEW_SCOPE)
    ap.add_argument("--token-ttl", type=int, default=3600, help="seconds a token lives")
    ap.add_argument("--no-strict", dest="strict", action="store_false",
                    help="accept attributes a type does not define (Atlas ignores them)")
    ap.add_argument("--state", help="persist the state here after every committed request")
    ap.add_argument("--log", help="append a line per request received (NDJSON)")
    ap.add_argument("--latency-ms", type=int, default=0)
    ap.add_argument("--rate-limit", type=float, default=0, help="requests per second; above: 429")
    ap.add_argument("--retry-after", type=int, default=1, help="seconds, in Retry-After of 429 and 503")
    ap.add_argument("--fail-every", type=int, default=0, help="every Nth request fails with --fail-status")
    ap.add_argument("--fail-status", type=int, choices=(408, 500, 502, 503, 504), default=503)
    ap.add_argument("--reset-before", type=int, default=0, help="every Nth request: drop the connection, not applied")
    ap.add_argument("--reset-after", type=int, default=0, help="every Nth request: apply it, then drop the connection")
    ap.add_argument("--slow-body-ms", type=int, default=0, help="pause between 16-byte pieces of a response")
    ap.add_argument("--truncate-every", type=int, default=0, help="every Nth response is cut in half")
    ap.add_argument("--max-body-bytes", type=int, default=0, help="refuse larger request bodies with 413")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--verbose", action="store_true")
    return ap.parse_args(argv)


def main(argv):
    if argv[:1] == ["dump"]:
        st = State(parse_args(["--state", argv[1]]))
        sys.stdout.write(canonical_dump(st.model))
        return 0
    opts = parse_args(argv)
    srv = Server(("127.0.0.1", opts.port), Handler)
    srv.state = State(opts)
    if opts.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(opts.tls_cert, opts.tls_key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    if opts.port_file:
        tmp = opts.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % srv.server_address[1])
        os.replace(tmp, opts.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
