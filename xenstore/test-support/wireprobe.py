#!/usr/bin/env python3
"""wireprobe.py - send a fixed list of raw xenstore requests (valid, invalid,
edge cases) over a xenstored unix socket and print one normalised line per
reply, so transcripts from our daemon and Debian's C xenstored can be diffed.

usage: wireprobe.py SOCKET
Values that legitimately differ between daemons (transaction ids,
DIRECTORY_PART generations, the usage figures of CONTROL quota <domid>)
are masked; CONTROL help and the quota tables are compared byte for byte.  Probes
whose name ends in "!" are known, documented differences (docs/xenstore.md).
"""
import re
import socket
import struct
import sys

TYPES = {0: "CONTROL", 1: "DIRECTORY", 2: "READ", 3: "GET_PERMS", 4: "WATCH",
         5: "UNWATCH", 6: "TRANSACTION_START", 7: "TRANSACTION_END",
         8: "INTRODUCE", 9: "RELEASE", 10: "GET_DOMAIN_PATH", 11: "WRITE",
         12: "MKDIR", 13: "RM", 14: "SET_PERMS", 15: "WATCH_EVENT",
         16: "ERROR", 17: "IS_DOMAIN_INTRODUCED", 18: "RESUME",
         19: "SET_TARGET", 21: "RESET_WATCHES", 22: "DIRECTORY_PART"}


class Conn:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        self.s.settimeout(2)
        self.req = 0
        self.buf = b""

    def recv_msg(self):
        while len(self.buf) < 16 or len(self.buf) < 16 + struct.unpack("<4I", self.buf[:16])[3]:
            d = self.s.recv(65536)
            if not d:
                return None
            self.buf += d
        t, r, tx, ln = struct.unpack("<4I", self.buf[:16])
        p = self.buf[16:16 + ln]
        self.buf = self.buf[16 + ln:]
        return t, r, tx, p

    def talk(self, typ, payload, tx=0):
        self.req += 1
        self.s.sendall(struct.pack("<4I", typ, self.req, tx, len(payload)) + payload)
        out = []
        while True:
            try:
                m = self.recv_msg()
            except socket.timeout:
                return out + ["TIMEOUT"]
            except ConnectionResetError:
                return out + ["CLOSED"]
            if m is None:
                return out + ["CLOSED"]
            t, r, rtx, p = m
            if t == 15:
                out.append("EVENT " + fmt(p))
                continue
            return out + [TYPES.get(t, str(t)) + " " + fmt(p)], p


def fmt(p):
    return repr(p)[2:-1]


def main():
    path = sys.argv[1]
    c = Conn(path)
    masks = {}

    def run(name, typ, payload, tx=0, mask=None, conn=None, digits=False):
        res = (conn or c).talk(typ, payload, tx)
        if isinstance(res, tuple):
            lines, p = res
        else:
            lines, p = res, b""
        if typ == 22 and lines and lines[-1].startswith("DIRECTORY_PART "):
            # generations are daemon-specific counters
            lines[-1] = re.sub(r"^DIRECTORY_PART \d+", "DIRECTORY_PART GEN", lines[-1])
        if mask and lines and not lines[-1].startswith("ERROR"):
            lines[-1] = lines[-1].split(" ")[0] + " " + mask
        if digits and lines:
            # the layout stays, the figures go (memory accounting differs)
            lines[-1] = re.sub(r": +\d+(?=\\n)", ": N", lines[-1])
        print("%-28s %s" % (name, " | ".join(lines)))
        return p

    Z = b"\0"
    run("rm-start", 13, b"/probe" + Z)
    run("read-missing", 2, b"/probe/nope" + Z)
    run("read-empty-payload", 2, b"")
    run("read-no-nul", 2, b"/probe")
    run("read-two-args", 2, b"/probe" + Z + b"x" + Z)
    run("read-double-slash", 2, b"/probe//a" + Z)
    run("read-trailing-slash", 2, b"/probe/" + Z)
    run("read-bad-char", 2, b"/probe/a b" + Z)
    run("read-special", 2, b"@introduceDomain" + Z)
    run("write-no-nul", 11, b"/probe/a")
    run("write", 11, b"/probe/a" + Z + b"hello")
    run("write-empty", 11, b"/probe/e" + Z)
    run("write-binary", 11, b"/probe/bin" + Z + b"\x00\x01\xff")
    run("read", 2, b"/probe/a" + Z)
    run("read-binary", 2, b"/probe/bin" + Z)
    run("read-root", 2, b"/" + Z)
    run("write-deep", 11, b"/probe/x/y/z" + Z + b"d")
    run("read-implicit-parent", 2, b"/probe/x/y" + Z)
    run("mkdir-existing", 12, b"/probe/a" + Z)
    run("mkdir-new", 12, b"/probe/m/n" + Z)
    run("dir", 1, b"/probe" + Z)
    run("dir-missing", 1, b"/probe/nope" + Z)
    run("dir-leaf", 1, b"/probe/a" + Z)
    run("dirpart-0", 22, b"/probe" + Z + b"0" + Z)
    run("dirpart-end", 22, b"/probe/a" + Z + b"0" + Z)
    run("dirpart-mid", 22, b"/probe" + Z + b"2" + Z)
    run("dirpart-no-offset", 22, b"/probe" + Z)
    run("getperms", 3, b"/probe/a" + Z)
    run("getperms-missing", 3, b"/probe/nope" + Z)
    run("getperms-special!", 3, b"@releaseDomain" + Z)
    run("setperms", 14, b"/probe/a" + Z + b"n0" + Z + b"r1" + Z + b"w2" + Z + b"b3" + Z)
    run("getperms-after", 3, b"/probe/a" + Z)
    run("setperms-bad-letter", 14, b"/probe/a" + Z + b"z1" + Z)
    run("setperms-bad-domid", 14, b"/probe/a" + Z + b"rx" + Z)
    run("setperms-no-perms", 14, b"/probe/a" + Z)
    run("setperms-missing", 14, b"/probe/nope" + Z + b"n0" + Z)
    run("rm-missing-parent-ok", 13, b"/probe/nope" + Z)
    run("rm-missing-no-parent", 13, b"/probe/nope/deeper" + Z)
    run("rm-root", 13, b"/" + Z)
    run("rel-read-dom0", 2, b"probe-rel" + Z)
    run("rel-write-dom0", 11, b"probe-rel" + Z + b"r")
    run("abs-read-rel-node", 2, b"/local/domain/0/probe-rel" + Z)
    run("rm-rel", 13, b"probe-rel" + Z)
    run("watch", 4, b"/probe/w" + Z + b"tok" + Z)
    run("watch-dup", 4, b"/probe/w" + Z + b"tok" + Z)
    run("watch-one-arg", 4, b"/probe/w" + Z)
    run("watch-write-fires", 11, b"/probe/w/c" + Z + b"1")
    run("watch-rel", 4, b"relw" + Z + b"t2" + Z)
    run("watch-rel-fires", 11, b"/local/domain/0/relw/q" + Z + b"1")
    run("unwatch", 5, b"/probe/w" + Z + b"tok" + Z)
    run("unwatch-unknown", 5, b"/probe/w" + Z + b"tok" + Z)
    run("watch-special", 4, b"@releaseDomain" + Z + b"sp" + Z)
    run("reset-watches", 21, Z)
    run("write-after-reset", 11, b"/local/domain/0/relw/q" + Z + b"2")
    run("rm-rel-watch-node", 13, b"/local/domain/0/relw" + Z)
    tid = run("tx-start", 6, Z, mask="TXID")
    t = int(tid.rstrip(b"\0") or b"0")
    run("tx-nested", 6, Z, tx=t)
    run("tx-write", 11, b"/probe/t" + Z + b"in-tx", tx=t)
    run("tx-read-own", 2, b"/probe/t" + Z, tx=t)
    run("read-outside-tx", 2, b"/probe/t" + Z)
    run("tx-end-bad-arg", 7, b"X" + Z, tx=t)
    run("tx-end-commit", 7, b"T" + Z, tx=t)
    run("read-committed", 2, b"/probe/t" + Z)
    run("tx-end-unknown", 7, b"T" + Z, tx=t)
    run("read-unknown-tx", 2, b"/probe/t" + Z, tx=987654)
    tid = run("tx2-start", 6, Z, mask="TXID")
    t = int(tid.rstrip(b"\0") or b"0")
    run("tx2-read", 2, b"/probe/t" + Z, tx=t)
    run("conflicting-write", 11, b"/probe/t" + Z + b"outside")
    run("tx2-read-snapshot", 2, b"/probe/t" + Z, tx=t)
    run("tx2-write", 11, b"/probe/t" + Z + b"tx2", tx=t)
    run("tx2-commit-conflict", 7, b"T" + Z, tx=t)
    tid = run("tx3-start", 6, Z, mask="TXID")
    t = int(tid.rstrip(b"\0") or b"0")
    run("tx3-rm", 13, b"/probe/x" + Z, tx=t)
    run("tx3-read-removed", 2, b"/probe/x/y/z" + Z, tx=t)
    run("read-not-yet-removed", 2, b"/probe/x/y/z" + Z)
    run("tx3-abort", 7, b"F" + Z, tx=t)
    run("read-after-abort", 2, b"/probe/x/y/z" + Z)
    run("getdompath", 10, b"7" + Z)
    run("getdompath-bad", 10, b"abc" + Z)
    run("getdompath-self", 10, b"32752" + Z)
    run("isintro-self", 17, b"32752" + Z)
    run("resume-dom0", 18, b"0" + Z)
    run("set-target-unknown", 19, b"9" + Z + b"0" + Z)
    run("set-target-one-arg", 19, b"9" + Z)
    run("introduce-port-0", 8, b"9" + Z + b"1" + Z + b"0" + Z)
    run("release-dom0", 9, b"abc" + Z + b"x" + Z)
    run("isintro-0", 17, b"0" + Z)
    run("isintro-9", 17, b"9" + Z)
    run("release-unknown", 9, b"9" + Z)
    run("resume-unknown", 18, b"9" + Z)
    run("introduce-few-args", 8, b"9" + Z + b"1" + Z)
    run("control-check", 0, b"check" + Z)
    run("control-unknown", 0, b"no-such-cmd" + Z)
    run("control-help", 0, b"help" + Z)
    run("control-help-arg", 0, b"help" + Z + b"x" + Z)
    run("control-check-arg", 0, b"check" + Z + b"x" + Z)
    run("control-log-no-arg", 0, b"log" + Z)
    run("control-log-bad", 0, b"log" + Z + b"maybe" + Z)
    run("control-print-no-arg", 0, b"print" + Z)
    run("control-print", 0, b"print" + Z + b"probe" + Z)
    run("control-memreport-no-trace", 0, b"memreport" + Z)
    run("control-memreport-2-args", 0, b"memreport" + Z + b"a" + Z + b"b" + Z)
    run("control-logfile-no-arg", 0, b"logfile" + Z)
    run("control-lu-no-arg", 0, b"live-update" + Z)
    run("control-lu-abort", 0, b"live-update" + Z + b"-a" + Z)
    run("control-lu-start", 0, b"live-update" + Z + b"-s" + Z + b"-F" + Z)
    run("control-lu-start-bad", 0, b"live-update" + Z + b"-s" + Z + b"-x" + Z)
    run("type-20", 20, b"/probe" + Z)
    run("type-99", 99, b"/probe" + Z)
    run("type-event", 15, b"/probe" + Z + b"t" + Z)
    run("type-error", 16, b"EINVAL" + Z)
    run("write-4096-max", 11, b"/probe/big" + Z + b"v" * (4096 - 11))
    run("read-4096", 2, b"/probe/big" + Z, mask="BIG")
    run("mkdir-empty-payload", 12, b"")
    run("rm-empty-payload", 13, b"")
    run("dir-empty-payload", 1, b"")
    run("getperms-empty-payload", 3, b"")
    run("getperms-bad-path", 3, b"/probe//x" + Z)
    run("setperms-special!", 14, b"@releaseDomain" + Z + b"r5" + Z)
    run("setperms-special-bad", 14, b"@nonsense" + Z + b"r5" + Z)
    run("write-special", 11, b"@releaseDomain" + Z + b"x")
    run("watch-empty-token", 4, b"/probe/w2" + Z + Z)
    run("watch-bad-path", 4, b"/probe//w" + Z + b"t" + Z)
    run("watch-unknown-special", 4, b"@foo" + Z + b"t" + Z)
    run("unwatch-unknown-special", 5, b"@foo" + Z + b"t" + Z)
    run("isintro-bad", 17, b"abc" + Z)
    run("isintro-empty", 17, b"")
    run("release-bad", 9, b"abc" + Z)
    run("getdompath-empty", 10, b"")
    run("tx-start-empty", 6, b"", mask="TXID")
    run("tx-end-empty", 7, b"", tx=0)
    run("setperms-owner-only", 14, b"/probe/a" + Z + b"b0" + Z)
    run("dirpart-big-offset", 22, b"/probe" + Z + b"99999" + Z)
    run("dirpart-bad-offset", 22, b"/probe" + Z + b"x" + Z)
    run("control-quota", 0, b"quota" + Z)
    run("control-quota-soft", 0, b"quota-soft" + Z)
    run("control-quota-set", 0, b"quota" + Z + b"set" + Z + b"nodes" + Z + b"5000" + Z)
    run("control-quota-set-atoi", 0, b"quota" + Z + b"set" + Z + b"watches" + Z + b"64x" + Z)
    run("control-quota-set-0", 0, b"quota" + Z + b"set" + Z + b"nodes" + Z + b"0" + Z)
    run("control-quota-set-neg", 0, b"quota" + Z + b"set" + Z + b"nodes" + Z + b"-1" + Z)
    run("control-quota-set-nan", 0, b"quota" + Z + b"set" + Z + b"nodes" + Z + b"x" + Z)
    run("control-quota-set-no-val", 0, b"quota" + Z + b"set" + Z + b"nodes" + Z)
    run("control-quota-set-bogus", 0, b"quota" + Z + b"set" + Z + b"bogus" + Z + b"5" + Z)
    run("control-quota-after-set", 0, b"quota" + Z)
    run("control-quota-reset", 0, b"quota" + Z + b"set" + Z + b"nodes" + Z + b"1000" + Z)
    run("control-quota-reset-w", 0, b"quota" + Z + b"set" + Z + b"watches" + Z + b"128" + Z)
    run("control-quota-soft-set", 0, b"quota-soft" + Z + b"set" + Z + b"memory" + Z + b"3000000" + Z)
    run("control-quota-soft-after", 0, b"quota-soft" + Z)
    run("control-quota-soft-nodes", 0, b"quota-soft" + Z + b"set" + Z + b"nodes" + Z + b"5" + Z)
    run("control-quota-soft-domid", 0, b"quota-soft" + Z + b"0" + Z)
    run("control-quota-dom0", 0, b"quota" + Z + b"0" + Z, digits=True)
    run("control-quota-dom-nan", 0, b"quota" + Z + b"abc" + Z, digits=True)
    run("control-quota-dom-unknown", 0, b"quota" + Z + b"77" + Z)
    run("control-quota-2-args", 0, b"quota" + Z + b"0" + Z + b"1" + Z)
    run("introduce-dom0", 8, b"0" + Z + b"0" + Z + b"1" + Z)
    run("introduce-dom0-again", 8, b"0" + Z + b"12" + Z + b"1" + Z)
    run("introduce-dom0-nan-gfn", 8, b"0" + Z + b"abc" + Z + b"1" + Z)
    run("introduce-nan-domid", 8, b"x" + Z + b"2" + Z + b"3" + Z)
    run("introduce-dom0-port-0", 8, b"0" + Z + b"0" + Z + b"0" + Z)
    run("introduce-dom0-port-nan", 8, b"0" + Z + b"0" + Z + b"x" + Z)
    run("control-log", 0, b"log" + Z + b"off" + Z)
    run("setperms-special-reset!", 14, b"@releaseDomain" + Z + b"n0" + Z)
    run("rm-probe", 13, b"/probe" + Z)
    run("oversized-4097", 2, b"/" * 4097)


if __name__ == "__main__":
    main()
