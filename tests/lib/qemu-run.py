#!/usr/bin/env python3
"""qemu-run.py — run one QEMU integration test and print exactly one verdict line.

Usage:
  qemu-run.py --name NAME --timeout SECONDS --log FILE [--expect REGEX]...
              [--reject REGEX]... [--mark REGEX] [--exit-on-mark] [--grace S]
              -- [qemu-binary] <qemu args>

What it does:
  * starts QEMU (qemu-system-x86_64 unless the first argument after -- is a
    program), adding what a test needs unless the caller already gave it:
    -device isa-debug-exit,iobase=0xf4,iosize=0x04, -nographic (or
    -display none when -serial is given), -no-reboot, -accel tcg,
    -cpu qemu64,+rdrand;
  * timestamps every serial line with the host monotonic clock (t=0 just
    before QEMU is spawned) into --log as "[   1.234] text";
  * watches for the verdict line "Test result: SUCCESS|FAILURE|SKIP|ERROR"
    (anywhere in a line, e.g. after the hypervisor's "(XEN) " prefix); a
    second verdict line is an error;
  * stops on: QEMU exiting, the verdict plus a grace period (QEMU normally
    exits by itself through isa-debug-exit), the --mark line with
    --exit-on-mark, the timeout, or SIGTERM (a failure unless a verdict
    came); QEMU is our child and is killed by PID;
  * cross-checks QEMU's exit status when it exited by itself after a
    verdict: isa-debug-exit makes it (code << 1) | 1 with SUCCESS=0,
    FAILURE=1, SKIP=2, ERROR=3 (see hypervisor/include/xen/shutdown.h);
    status 0 (a reset or power-off under -no-reboot, e.g. real Xen
    rebooting after dom0 shut down) is accepted;
  * prints one line on stdout:
        PASS: NAME (1.23s)[ first-output=0.110s][ mark=0.140s]
        FAIL: NAME <why>
        SKIP: NAME <why>
    FAILURE, ERROR, no verdict, a timeout, a missing --expect or a present
    --reject pattern are failures; on failure the last serial lines go to
    stderr.
Exit status: 0 for PASS/SKIP, 1 for FAIL, 2 for bad usage.  Standard library only.
"""
import argparse
import os
import re
import select
import signal
import subprocess
import sys
import time

VERDICT_RE = re.compile(r"Test result: (SUCCESS|FAILURE|SKIP|ERROR)\b(.*)")
VERDICT_CODE = {"SUCCESS": 0, "FAILURE": 1, "SKIP": 2, "ERROR": 3}
ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1bc")


def parse_args(argv):
    if "--" not in argv:
        print("usage: qemu-run.py --name NAME --timeout S --log FILE [options] -- <qemu args>",
              file=sys.stderr)
        sys.exit(2)
    i = argv.index("--")
    ap = argparse.ArgumentParser(prog="qemu-run.py")
    ap.add_argument("--name", required=True)
    ap.add_argument("--timeout", type=float, required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--expect", action="append", default=[],
                    help="regex that must appear in the serial output (repeatable)")
    ap.add_argument("--reject", action="append", default=[],
                    help="regex that must not appear (repeatable)")
    ap.add_argument("--mark", help="report the time of the first line matching this regex")
    ap.add_argument("--exit-on-mark", action="store_true",
                    help="stop once --mark is seen; the mark is the verdict (benchmarks)")
    ap.add_argument("--grace", type=float, default=3.0,
                    help="seconds to wait for QEMU to exit after the verdict")
    ap.add_argument("--tail", type=int, default=25, help="serial lines shown on failure")
    opts = ap.parse_args(argv[:i])
    qargs = argv[i + 1:]
    if opts.exit_on_mark and not opts.mark:
        ap.error("--exit-on-mark needs --mark")
    return opts, qargs


def build_cmd(qargs):
    if qargs and not qargs[0].startswith("-"):
        cmd, rest = [qargs[0]], qargs[1:]
    else:
        cmd, rest = [os.environ.get("QEMU", "qemu-system-x86_64")], list(qargs)
    joined = " ".join(rest)
    extra = []
    if "isa-debug-exit" not in joined:
        extra += ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    if "-nographic" not in rest:
        if "-serial" in rest:
            if "-display" not in rest:
                extra += ["-display", "none"]
        else:
            extra += ["-nographic"]
    if "-no-reboot" not in rest:
        extra += ["-no-reboot"]
    if "-accel" not in rest and "-enable-kvm" not in rest and "-machine" not in joined:
        extra += ["-accel", "tcg"]
    if "-cpu" not in rest:
        extra += ["-cpu", "qemu64,+rdrand"]
    return cmd + extra + rest


def main(argv):
    opts, qargs = parse_args(argv)
    cmd = build_cmd(qargs)
    expects = [(e, re.compile(e)) for e in opts.expect]
    rejects = [(r, re.compile(r)) for r in opts.reject]
    mark_re = re.compile(opts.mark) if opts.mark else None
    seen = set()
    rejected = None
    verdicts = []              # (time, word, rest)
    first_output = mark_at = None
    lines = []
    log_dir = os.path.dirname(os.path.abspath(opts.log))
    os.makedirs(log_dir, exist_ok=True)
    # Line-buffered: someone watching a slow boot's log (tail -f) must see
    # each line as it comes, not a block every few KiB (a silent log was
    # taken for a hung guest and killed).
    log = open(opts.log, "w", encoding="utf-8", errors="replace", buffering=1)
    log.write("# qemu-run %s: %s\n" % (opts.name, " ".join(cmd)))

    t0 = time.monotonic()
    try:
        p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, bufsize=0, start_new_session=True)
    except OSError as e:
        print("FAIL: %s cannot start QEMU: %s" % (opts.name, e))
        return 1
    os.set_blocking(p.stdout.fileno(), False)
    deadline = t0 + opts.timeout
    stop_at = None
    buf = b""
    timed_out = exited = False
    # SIGTERM (a suite giving up on this machine, e.g. the receiver of a
    # migration whose sender failed) ends the run as a timeout does: QEMU,
    # in its own session, would otherwise outlive us.
    terminated = []
    signal.signal(signal.SIGTERM, lambda signum, frame: terminated.append(signum))

    def handle_line(text, tnow):
        nonlocal first_output, mark_at, rejected
        text = ANSI_RE.sub("", text)
        lines.append(text)
        log.write("[%9.3f] %s\n" % (tnow, text))
        if first_output is None and text.strip():
            first_output = tnow
        if mark_re and mark_at is None and mark_re.search(text):
            mark_at = tnow
        for src, rx in expects:
            if src not in seen and rx.search(text):
                seen.add(src)
        for src, rx in rejects:
            if rejected is None and rx.search(text):
                rejected = (src, text.strip())
        m = VERDICT_RE.search(text)
        if m:
            verdicts.append((tnow, m.group(1), m.group(2).strip()))

    while True:
        now = time.monotonic()
        if now >= deadline or terminated:
            timed_out = True
            break
        if stop_at is not None and now >= stop_at:
            break
        wait = min(deadline, stop_at or deadline) - now
        r, _, _ = select.select([p.stdout], [], [], min(0.05, max(wait, 0)))
        if r:
            try:
                chunk = p.stdout.read(65536)
            except BlockingIOError:
                chunk = None
            if chunk is None:
                continue
            if not chunk:
                exited = True
                break
            tnow = time.monotonic() - t0
            buf += chunk
            while b"\n" in buf:
                raw, buf = buf.split(b"\n", 1)
                handle_line(raw.decode("utf-8", "replace").rstrip("\r"), tnow)
            # Marks may sit in a line not yet terminated (banner timing).
            if mark_re and mark_at is None and mark_re.search(buf.decode("utf-8", "replace")):
                mark_at = tnow
            if mark_at is not None and opts.exit_on_mark and stop_at is None:
                stop_at = time.monotonic()
            if verdicts and stop_at is None:
                stop_at = time.monotonic() + opts.grace
        elif p.poll() is not None:
            exited = True
            break
    elapsed = time.monotonic() - t0
    if buf:
        handle_line(buf.decode("utf-8", "replace").rstrip("\r"), elapsed)

    status = None
    if exited:
        try:
            status = p.wait(5)
        except subprocess.TimeoutExpired:
            exited = False
    if status is None:
        try:
            os.killpg(p.pid, signal.SIGTERM)     # our own child's session only
        except ProcessLookupError:
            pass
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    log.write("# end: %.3fs, %s\n" % (elapsed, "exit status %s" % status if status is not None
                                      else "killed by the runner"))
    log.close()

    extras = ""
    if first_output is not None:
        extras += " first-output=%.3fs" % first_output
    if mark_at is not None:
        extras += " mark=%.3fs" % mark_at
    why = None
    skip = None
    if opts.exit_on_mark:
        if mark_at is None:
            why = "mark /%s/ not seen" % opts.mark
    elif len(verdicts) > 1:
        why = "%d verdict lines (%s)" % (len(verdicts), ", ".join(v[1] for v in verdicts))
    elif not verdicts:
        if terminated:
            why = "stopped by SIGTERM after %.0fs without a verdict" % elapsed
        elif timed_out:
            why = "timeout after %.0fs without a verdict" % opts.timeout
        elif status is not None and status & 1 and status >> 1 in VERDICT_CODE.values():
            why = "QEMU exited with status %d but no verdict line was printed" % status
        else:
            why = "QEMU exited (status %s) without a verdict" % status
    else:
        word, rest = verdicts[0][1], verdicts[0][2]
        if word in ("FAILURE", "ERROR"):
            why = "verdict %s%s" % (word, (" " + rest) if rest else "")
        elif status not in (None, 0, (VERDICT_CODE[word] << 1) | 1) and \
                "isa-debug-exit" in " ".join(cmd):
            why = "verdict %s but QEMU exit status %d (expected %d)" % (
                word, status, (VERDICT_CODE[word] << 1) | 1)
        elif word == "SKIP":
            skip = rest or "the test reported SKIP"
    if why is None:
        missing = [src for src, _ in expects if src not in seen]
        if missing:
            why = "expected output not seen: " + "; ".join("/%s/" % m for m in missing)
        elif rejected:
            why = "unwanted output /%s/: %s" % (rejected[0], rejected[1][:100])

    if why:
        print("FAIL: %s %s (%.2fs)" % (opts.name, why, elapsed))
        sys.stderr.write("--- %s: last serial lines (full log: %s)\n" % (opts.name, opts.log))
        for line in lines[-opts.tail:]:
            sys.stderr.write("    %s\n" % line)
        return 1
    if skip:
        print("SKIP: %s %s" % (opts.name, skip))
        return 0
    print("PASS: %s (%.2fs)%s" % (opts.name, elapsed, extras))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
