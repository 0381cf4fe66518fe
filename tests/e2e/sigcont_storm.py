#!/usr/bin/env python3
"""An accomplice: SIGCONT to PID as fast as it can for SECONDS (or until PID is gone),
then "sent N refused M" to OUT: N the SIGCONTs the kernel took, M those it refused
(EPERM).

usage: sigcont_storm.py PID SECONDS OUT"""
import errno
import os
import signal
import sys
import time


def main():
    pid, seconds, out = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
    sent = refused = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            os.kill(pid, signal.SIGCONT)
            sent += 1
        except OSError as e:
            if e.errno != errno.EPERM:
                break
            refused += 1
    with open(out, "w") as f:
        f.write(f"sent {sent} refused {refused}\n")


main()
