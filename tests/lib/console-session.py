#!/usr/bin/env python3
"""console-session.py — drive an interactive serial console the way a person
at `make run` would: start QEMU with the serial line on our pipes, wait for
each expected text, type each reply, and report one PASS/FAIL line.

  console-session.py --name NAME --timeout S --log FILE
                     [--step EXPECT_REGEX SEND | --keys EXPECT_REGEX KEYS]...
                     [--final REGEX] -- <qemu args>

Each --step waits (within the overall timeout) for EXPECT_REGEX in the
output received since the previous step, then types SEND followed by a
newline (typed slowly: a serial console has no flow control).  --keys is
the same without the newline, and KEYS may hold Python escapes for control
keys ('\x1d' is Ctrl+], which detaches `xl console`).  --final is
the last text to wait for (e.g. the hypervisor reporting dom0's poweroff).
QEMU is started with -nographic -no-reboot unless given, is our child, and is
killed at the end whatever happens.  The log has every byte received.
"""
import argparse
import os
import re
import select
import signal
import subprocess
import sys
import time


class _Step(argparse.Action):
    """--step EXPECT SEND types SEND + newline; --keys EXPECT KEYS types KEYS
    (escapes decoded) as they are."""

    def __call__(self, parser, ns, values, option_string=None):
        expect, send = values
        if option_string == "--keys":
            send = send.encode("latin-1").decode("unicode_escape")
        else:
            send = send + "\n"
        getattr(ns, self.dest).append((expect, send))


def main(argv):
    if "--" not in argv:
        print("usage: console-session.py --name N --timeout S --log F [--step RE SEND]... "
              "[--final RE] -- <qemu args>", file=sys.stderr)
        return 2
    i = argv.index("--")
    ap = argparse.ArgumentParser()
    ap.add_argument("--name", required=True)
    ap.add_argument("--timeout", type=float, required=True)
    ap.add_argument("--log", required=True)
    # --step and --keys share one list so they run in the order given.
    ap.add_argument("--step", nargs=2, action=_Step, dest="steps", default=[],
                    metavar=("EXPECT", "SEND"))
    ap.add_argument("--keys", nargs=2, action=_Step, dest="steps", default=[],
                    metavar=("EXPECT", "KEYS"))
    ap.add_argument("--final")
    a = ap.parse_args(argv[:i])
    qargs = argv[i + 1:]
    cmd = ["qemu-system-x86_64"]
    for opt, extra in (("-nographic", []), ("-no-reboot", []), ("-accel", ["tcg"]),
                       ("-cpu", ["qemu64,+rdrand"])):
        if opt not in qargs:
            cmd += [opt] + extra
    cmd += qargs

    t0 = time.monotonic()
    log = open(a.log, "wb")
    log.write(("# console-session %s: %s\n" % (a.name, " ".join(cmd))).encode())
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True)
    buf = b""
    steps = [(re.compile(e.encode()), s) for e, s in a.steps]
    if a.final:
        steps.append((re.compile(a.final.encode()), None))
    ok, why = True, ""
    try:
        for n, (rx, send) in enumerate(steps):
            while not rx.search(buf):
                left = a.timeout - (time.monotonic() - t0)
                if left <= 0:
                    raise TimeoutError("timeout waiting for %r (step %d)" % (rx.pattern.decode(), n + 1))
                r, _, _ = select.select([p.stdout], [], [], min(left, 1.0))
                if r:
                    chunk = os.read(p.stdout.fileno(), 65536)
                    if not chunk:
                        raise EOFError("QEMU exited while waiting for %r" % rx.pattern.decode())
                    buf += chunk
                    log.write(chunk)
                    log.flush()
            buf = buf[rx.search(buf).end():]
            if send is not None:
                for ch in send.encode():
                    p.stdin.write(bytes([ch]))
                    p.stdin.flush()
                    time.sleep(0.02)
    except (TimeoutError, EOFError) as e:
        ok, why = False, str(e)
    finally:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        p.wait()
        log.close()
    t = time.monotonic() - t0
    if ok:
        print("PASS: %s (%.2fs)" % (a.name, t))
    else:
        print("FAIL: %s %s (%.2fs)" % (a.name, why, t))
        with open(a.log, "rb") as f:
            tail = f.read().decode(errors="replace").splitlines()[-15:]
        print("--- %s: last console lines (full log: %s)" % (a.name, a.log), file=sys.stderr)
        for line in tail:
            print("    " + line, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
