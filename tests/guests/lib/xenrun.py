#!/usr/bin/env python3
"""xenrun.py — boot one test guest as dom0 of a Xen binary in QEMU TCG and
judge the outcome from the serial log.

The guest prints "Test result: SUCCESS|FAILURE|SKIP|ERROR" exactly once and
powers off; Xen then prints "Hardware Dom0 halted" (it halts rather than
powering QEMU off, so we stop QEMU ourselves once an end marker appears).
A guest expected to crash must instead produce the hypervisor's crash report
("Domain 0 crashed" on Xen, "crashed" from ours) and no verdict.

Prints one line: PASS: <name> (<secs>s) | FAIL: <name> <reason>, and exits 0
on PASS, 1 on FAIL.  The full serial log goes to --log.
"""
import argparse
import os
import re
import select
import signal
import subprocess
import sys
import time

VERDICT = re.compile(r"Test result: (SUCCESS|FAILURE|SKIP|ERROR)")
# Lines after which nothing more is going to happen.
END = re.compile(r"Hardware Dom0 (halted|shutdown)|Domain 0 crashed|"
                 r"Panic on CPU|FATAL TRAP|'noreboot' set|Reboot in five seconds")
CRASH = re.compile(r"Domain 0 crashed|domain_crash|Hardware Dom0 crashed|"
                   r"\bd0v0 crashed\b|\bcrashed\b")


def run(args):
    cmd = ["qemu-system-x86_64", "-accel", "tcg", "-cpu", "qemu64,+rdrand",
           "-m", str(args.mem), "-smp", str(args.smp), "-nographic",
           "-no-reboot", "-nic", "none", "-kernel", args.xen,
           "-append", args.cmdline, "-initrd", args.elf]
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True)
    buf = b""
    ended_at = None
    timed_out = False
    try:
        while True:
            now = time.monotonic()
            if now - t0 > args.timeout:
                timed_out = True
                break
            # Give Xen a moment after the end marker to finish its report.
            if ended_at is not None and now - ended_at > 0.3:
                break
            r, _, _ = select.select([p.stdout], [], [], 0.1)
            if r:
                chunk = os.read(p.stdout.fileno(), 65536)
                if not chunk:
                    break
                buf += chunk
                if ended_at is None and END.search(buf.decode("latin-1")):
                    ended_at = time.monotonic()
            elif p.poll() is not None:
                break
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
            try:
                p.wait(timeout=3)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
    secs = time.monotonic() - t0
    text = buf.decode("latin-1").replace("\r", "")
    if args.log:
        with open(args.log, "w") as f:
            f.write(" ".join(cmd) + "\n" + text)
    return text, secs, timed_out


def judge(text, expect, timed_out):
    verdicts = VERDICT.findall(text)
    if expect == "crash":
        if verdicts:
            return "guest printed a verdict (%s) instead of crashing" % verdicts[0]
        if not CRASH.search(text):
            return "no crash report from the hypervisor" + (" (timeout)" if timed_out else "")
        return None
    if not verdicts:
        tail = [l for l in text.splitlines() if l.strip()][-3:]
        why = "timeout" if timed_out else "no verdict"
        return "%s; last lines: %s" % (why, " | ".join(tail)[-300:])
    if len(verdicts) > 1:
        return "verdict printed %d times" % len(verdicts)
    if verdicts[0] != expect:
        fails = [l for l in text.splitlines()
                 if l.startswith(("Failure:", "Error:", "Skip:"))]
        return "got %s, expected %s: %s" % (verdicts[0], expect, " | ".join(fails)[:400])
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--xen", required=True)
    ap.add_argument("--elf", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--expect", default="SUCCESS")
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--mem", type=int, default=512)
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--log")
    ap.add_argument("--cmdline", default="console=com1 com1=115200 loglvl=all "
                    "guest_loglvl=all noreboot dom0_mem=64M")
    args = ap.parse_args()
    if not os.path.exists(args.elf):
        print("FAIL: %s guest image %s was not built" % (args.name, args.elf))
        return 1
    text, secs, timed_out = run(args)
    why = judge(text, args.expect, timed_out)
    if why:
        print("FAIL: %s %s" % (args.name, why))
        return 1
    print("PASS: %s (%.1fs)" % (args.name, secs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
