#!/usr/bin/env python3
"""inbound.sh's check of an --inbound JSON event: exactly one in OUT, its ECS fields those
of 192.0.2.7's pings dropped at IFACE under --block deny.

usage: inbound_json.py OUT IFACE"""
import json
import sys


def get(event, path):
    for key in path.split("."):
        event = event[key]
    return event


def main():
    events = [json.loads(line) for line in open(sys.argv[1]) if "inbound-dropped" in line]
    want = {"event.kind": "alert", "event.action": "inbound-dropped", "event.outcome": "success",
            "source.ip": "192.0.2.7", "network.transport": "icmp", "network.type": "ipv4",
            "network.direction": "ingress", "network.packets": 1,
            "observer.ingress.interface.name": sys.argv[2],
            "threat.indicator.ip": "192.0.2.7", "threat.indicator.type": "ipv4-addr",
            "threat.feed.name": "inbound.txt", "ebpfshield.block": "deny"}
    if len(events) != 1:
        print(f"{len(events)} inbound events, want 1")
        return 1
    bad = {}
    for path, value in want.items():
        try:
            got = get(events[0], path)
        except (KeyError, TypeError):
            got = None
        if got != value:
            bad[path] = got
    if bad:
        print("unexpected:", bad)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
