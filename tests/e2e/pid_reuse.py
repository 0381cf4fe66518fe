#!/usr/bin/env python3
"""The pid reuse of a dump victim, as an attacker with a root daemon's help would make it:
a child (as UID) connects to ADDR:PORT and is stopped by the guard; its parent kills and
reaps it at once, and a root process is forked onto its pid (ns_last_pid, where the
attacker would burn pids), all within a few ms of the refusal. Prints "VICTIM SLEEPER"
(the root process sleeps 60 s); exits 3 when the pid could not be taken."""
import os
import signal
import socket
import sys


def victim(uid, addr, port):
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    s = socket.socket()
    try:
        s.connect((addr, port))
    except OSError:
        pass
    os._exit(0)  # not stopped: the parent sees an exit, not a stop


def main():
    uid, addr, port = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    pid = os.fork()
    if pid == 0:
        victim(uid, addr, port)
    _, status = os.waitpid(pid, os.WUNTRACED)
    if not os.WIFSTOPPED(status):
        print("victim not stopped", file=sys.stderr)
        sys.exit(2)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    for _ in range(20):
        with open("/proc/sys/kernel/ns_last_pid", "w") as f:
            f.write(str(pid - 1))
        sleeper = os.fork()
        if sleeper == 0:
            os.execv("/bin/sleep", ["sleep", "60"])
        if sleeper == pid:
            print(pid, sleeper, flush=True)
            return
        os.kill(sleeper, signal.SIGKILL)
        os.waitpid(sleeper, 0)
    sys.exit(3)


main()
