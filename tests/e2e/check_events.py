#!/usr/bin/env python3
"""Validates ebpfshield-bcc's --output json events against tests/e2e/ecs_events.schema.json.

usage: check_events.py SCHEMA FILE...

Every line of every FILE must be one whole JSON object (the last one ended by a newline)
of one of the schema's kinds, picked by event.action: dns-query, dns-response,
dns-unparsed (a DNS message ldns could not parse), connection-attempted,
inbound- or forward-dropped or -detected (--inbound), or any event.kind "alert" (a hit: a
domain hit when it has dns, else an address hit). Prints, per file, the count of each
kind ("dns N", "dns_unparsed N", "connection N", "hit N", "inbound N"),
then every violation as "FILE:LINE: PATH: what", then "violations N". Exit status 0 when
there is none.

Beyond the schema, what it cannot say across fields: payload_hex holds the first
min(payload_bytes, 128) bytes; resolved_omitted comes with 64 addresses listed;
questions_omitted with other_questions, other_questions with dns.question; a line is
shorter than 48 KiB (journald's limit).

Python 3 standard library only: the schema's keywords (type, required, properties,
additionalProperties, enum, items, pattern, minItems, maxItems, minProperties,
maxProperties, minimum, maximum and local $ref) are checked here. When the jsonschema package is importable (Debian's
python3-jsonschema), each object is also validated by it against the whole schema (its
oneOf of the kinds), and what it finds counts too."""
import json
import re
import sys

try:
    import jsonschema  # optional: a second opinion
except ImportError:
    jsonschema = None

KIND_OF_ACTION = {
    "dns-query": ("dns", "dns_query"),
    "dns-response": ("dns", "dns_answer"),
    "dns-unparsed": ("dns_unparsed", "dns_unparsed"),
    "connection-attempted": ("connection", "connection"),
    "inbound-dropped": ("inbound", "inbound"),
    "inbound-detected": ("inbound", "inbound"),
    "forward-dropped": ("inbound", "inbound"),
    "forward-detected": ("inbound", "inbound"),
    "outgoing-dropped": ("inbound", "inbound"),
    "outgoing-detected": ("inbound", "inbound"),
}
TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}
KNOWN = {"type", "required", "properties", "additionalProperties", "enum", "items", "pattern",
         "minItems", "maxItems", "minProperties", "maxProperties", "minimum", "maximum", "$ref",
         "title", "description"}


class Validator:
    def __init__(self, schema):
        self.root = schema

    def resolve(self, ref):
        if not ref.startswith("#/"):
            raise ValueError(f"only local $ref: {ref}")
        node = self.root
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def errors(self, value, schema, path="$"):
        """Every violation of value against schema, as (path, message)."""
        unknown = set(schema) - KNOWN
        if unknown:
            raise ValueError(f"schema keyword(s) not implemented: {sorted(unknown)}")
        if "$ref" in schema:
            yield from self.errors(value, self.resolve(schema["$ref"]), path)
        if "type" in schema:
            types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if not any(TYPES[t](value) for t in types):
                yield path, f"{json.dumps(value)[:80]} is not of type {'/'.join(types)}"
                return
        if "enum" in schema and value not in schema["enum"]:
            yield path, f"{json.dumps(value)[:80]} is not one of {schema['enum']}"
        if isinstance(value, str) and "pattern" in schema:
            if not re.search(schema["pattern"], value):
                yield path, f"{json.dumps(value)[:80]} does not match {schema['pattern']}"
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                yield path, f"{value} is less than {schema['minimum']}"
            if "maximum" in schema and value > schema["maximum"]:
                yield path, f"{value} is more than {schema['maximum']}"
        if isinstance(value, list):
            if "minItems" in schema and len(value) < schema["minItems"]:
                yield path, f"{len(value)} item(s), fewer than {schema['minItems']}"
            if "maxItems" in schema and len(value) > schema["maxItems"]:
                yield path, f"{len(value)} item(s), more than {schema['maxItems']}"
            if "items" in schema:
                for i, item in enumerate(value):
                    yield from self.errors(item, schema["items"], f"{path}[{i}]")
        if isinstance(value, dict):
            if "minProperties" in schema and len(value) < schema["minProperties"]:
                yield path, f"{len(value)} field(s), fewer than {schema['minProperties']}"
            if "maxProperties" in schema and len(value) > schema["maxProperties"]:
                yield path, f"{len(value)} field(s), more than {schema['maxProperties']}"
            props = schema.get("properties", {})
            for key in schema.get("required", []):
                if key not in value:
                    yield path, f"required field {key!r} missing"
            for key, item in value.items():
                if key in props:
                    yield from self.errors(item, props[key], f"{path}.{key}")
                elif schema.get("additionalProperties", True) is False:
                    yield path, f"field {key!r} not in the schema"


LINE_MAX = 48 * 1024  # journald's line limit; dns_decode.h's budget keeps an event under 40 KiB


def cross_errors(obj, kind):
    """Violations across fields, which the schema cannot express."""
    ext = obj.get("ebpfshield", {}).get("dns", {}) if isinstance(obj.get("ebpfshield"), dict) else {}
    if not isinstance(ext, dict):
        return
    if kind == "dns_unparsed":
        size, shown = ext.get("payload_bytes"), ext.get("payload_hex")
        if isinstance(size, int) and isinstance(shown, str) and len(shown) != 2 * min(size, 128):
            yield "$.ebpfshield.dns.payload_hex", (f"{len(shown) // 2} byte(s) in hex, want "
                                                    f"min(payload_bytes {size}, 128)")
    if kind == "dns_answer" and "resolved_omitted" in ext:
        if len(obj.get("dns", {}).get("resolved_ip", [])) != 64:
            yield "$.dns.resolved_ip", "resolved_omitted with fewer than 64 addresses listed"
    if kind == "inbound":
        action = obj.get("event", {}).get("action", "")
        side = "egress" if action.startswith("outgoing-") else "ingress"
        if side not in obj.get("observer", {}):
            yield "$.observer", f"{action} without observer.{side}"
    if "questions_omitted" in ext and "other_questions" not in ext:
        yield "$.ebpfshield.dns", "questions_omitted without other_questions"
    if "other_questions" in ext and "question" not in obj.get("dns", {}):
        yield "$.ebpfshield.dns", "other_questions without dns.question"


def kind_of(obj):
    """(kind counted, $defs entry) of an event, or None."""
    event = obj.get("event") if isinstance(obj, dict) else None
    if not isinstance(event, dict):
        return None
    if event.get("action") in KIND_OF_ACTION:
        return KIND_OF_ACTION[event["action"]]
    if event.get("kind") == "alert":  # a domain hit has the queried name in dns.question
        return ("hit", "domain_hit" if "dns" in obj else "hit")
    return None


def check_file(name, validator, full_schema, out):
    counts = {"dns": 0, "dns_unparsed": 0, "connection": 0, "hit": 0, "inbound": 0}
    violations = []
    with open(name, "rb") as f:
        data = f.read()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    elif data:
        violations.append((len(lines), "$", "the last line is not ended by a newline (cut short)"))
    for n, raw in enumerate(lines, 1):
        if len(raw) + 1 >= LINE_MAX:
            violations.append((n, "$", f"a line of {len(raw) + 1} bytes, journald's limit is {LINE_MAX}"))
        try:
            obj = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            violations.append((n, "$", f"not one whole JSON object: {e}"))
            continue
        kind = kind_of(obj)
        if kind is None:
            violations.append((n, "$.event", "no known kind (event.action / event.kind)"))
            continue
        counts[kind[0]] += 1
        for path, msg in validator.errors(obj, {"$ref": f"#/$defs/{kind[1]}"}):
            violations.append((n, path, msg))
        for path, msg in cross_errors(obj, kind[1]):
            violations.append((n, path, msg))
        if full_schema is not None:
            root, cls = full_schema
            for err in cls(dict(root, oneOf=[{"$ref": f"#/$defs/{kind[1]}"}])).iter_errors(obj):
                for e in (err.context or [err]):  # oneOf: the branch's own errors
                    where = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}"
                                          for p in e.absolute_path)
                    violations.append((n, where, f"jsonschema: {e.message[:160]}"))
            if not cls(root).is_valid(obj):
                violations.append((n, "$", "jsonschema: not exactly one kind of the schema's oneOf"))
    for kind, count in counts.items():
        print(f"{name}: {kind} {count}", file=out)
    for n, path, msg in sorted(violations, key=lambda v: v[0]):
        print(f"{name}:{n}: {path}: {msg}", file=out)
    return len(violations)


def main():
    if len(sys.argv) < 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    validator = Validator(schema)
    full = None
    if jsonschema is not None and hasattr(jsonschema, "Draft202012Validator"):
        full = (schema, jsonschema.Draft202012Validator)
    total = sum(check_file(name, validator, full, sys.stdout) for name in sys.argv[2:])
    print(f"violations {total}" + ("" if full else " (jsonschema not installed: own checks only)"))
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
