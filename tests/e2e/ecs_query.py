#!/usr/bin/env python3
"""Counts or reads events of an --output json file (one object per line; lines that do
not parse are skipped: tests/e2e/check_events.py reports them).

usage: ecs_query.py count FILE COND...      prints how many events match every COND
       ecs_query.py get PATH FILE COND...   prints PATH of each matching event, one a line
       ecs_query.py line FILE COND...       prints each matching event's line as it is

PATH is dotted (dns.question.name, @timestamp); a segment ending in [] walks every item
of a list (dns.answers[].data). COND: PATH=VALUE (some value of PATH is VALUE; numbers
compare as their decimal text), PATH~ERE (some value matches, re.search), PATH! (PATH is
absent), PATH#N (PATH is a list of N items). Paths work the same in every kind of event,
the ebpfshield.dns.* extensions included (ebpfshield.dns.other_questions[].name,
ebpfshield.dns.payload_hex of a dns-unparsed event)."""
import json
import re
import sys

COND = re.compile(r"^([A-Za-z0-9@_.\[\]]+?)(=|~|!|#)(.*)$", re.S)


def values(obj, path):
    nodes = [obj]
    for seg in path.split("."):
        walk = seg.endswith("[]")
        key = seg[:-2] if walk else seg
        nxt = []
        for node in nodes:
            if isinstance(node, dict) and key in node:
                v = node[key]
                if walk:
                    nxt.extend(v if isinstance(v, list) else [])
                else:
                    nxt.append(v)
        nodes = nxt
    return nodes


def text(v):
    if isinstance(v, str):
        return v
    return json.dumps(v, separators=(",", ":"))


def matches(obj, cond):
    path, op, arg = cond
    vals = values(obj, path)
    if op == "!":
        return not vals
    if op == "#":
        return len(vals) == 1 and isinstance(vals[0], list) and len(vals[0]) == int(arg)
    if op == "=":
        return any(text(v) == arg for v in vals)
    return any(re.search(arg, text(v)) for v in vals)


def events(name):
    """(object, line without its newline) of each event of the file."""
    with open(name, "rb") as f:
        for raw in f:
            try:
                obj = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                continue
            if isinstance(obj, dict):
                yield obj, raw.rstrip(b"\n").decode("utf-8")


def main():
    args = sys.argv[1:]
    if len(args) < 2 or args[0] not in ("count", "get", "line") or (args[0] == "get" and len(args) < 3):
        print(__doc__, file=sys.stderr)
        return 2
    get = args[1] if args[0] == "get" else None
    rest = args[2:] if get else args[1:]
    conds = []
    for c in rest[1:]:
        m = COND.match(c)
        if not m:
            print(f"bad condition: {c}", file=sys.stderr)
            return 2
        conds.append(m.groups())
    n = 0
    for obj, line in events(rest[0]):
        if all(matches(obj, c) for c in conds):
            n += 1
            if get:
                print(",".join(text(v) for v in values(obj, get)))
            elif args[0] == "line":
                print(line)
    if args[0] == "count":
        print(n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
