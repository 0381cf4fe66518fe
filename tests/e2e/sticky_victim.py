#!/usr/bin/env python3
"""A victim that tries to run on after the guard stops it. It writes a tick count to
TICKS every 10 ms, connects to ADDR:PORT after 0.3 s (STICKY_CONNECT_AFTER: other
seconds) (refused and stopped under
suspend/dump), writes TICKS.after at once if it runs again, then ticks on if it can. Its
pid goes to PIDFILE.

usage: sticky_victim.py plain|traced ADDR PORT TICKS PIDFILE
plain: a sibling of the same user may SIGCONT it (the test does);
traced: the victim is traced by its parent (PTRACE_TRACEME), which lets it go on at
every stop without the signal, as an accomplice would suppress the SIGSTOP."""
import ctypes
import os
import socket
import sys
import time

PTRACE_TRACEME, PTRACE_CONT = 0, 7


def tick_and_connect(addr, port, ticks):
    n, start, tried = 0, time.monotonic(), False
    after = float(os.environ.get("STICKY_CONNECT_AFTER", "0.3"))
    while True:
        n += 1
        # Whole or not at all: a victim frozen between a truncation and its write would
        # leave an empty count behind.
        with open(ticks + ".new", "w") as f:
            f.write(str(n))
        os.replace(ticks + ".new", ticks)
        if not tried and time.monotonic() - start > after:
            tried = True
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                s.connect((addr, port))
            except OSError:
                pass
            # Its next syscall: whatever resumes it for long enough shows here.
            os.close(os.open(ticks + ".after", os.O_CREAT | os.O_WRONLY, 0o644))
        time.sleep(0.01)


def main():
    mode, addr, port, ticks, pidfile = sys.argv[1:6]
    if mode == "plain":
        with open(pidfile, "w") as f:
            f.write(str(os.getpid()))
        tick_and_connect(addr, int(port), ticks)
    libc = ctypes.CDLL(None, use_errno=True)
    pid = os.fork()
    if pid == 0:
        libc.ptrace(PTRACE_TRACEME, 0, 0, 0)
        tick_and_connect(addr, int(port), ticks)
    with open(pidfile, "w") as f:
        f.write(str(pid))
    while True:  # the accomplice: every stop continued without its signal
        _, status = os.waitpid(pid, 0)
        if not os.WIFSTOPPED(status):
            return
        libc.ptrace(PTRACE_CONT, pid, 0, 0)


main()
