#!/usr/bin/env python3
"""perf-symbolise.py LOG SYSTEM.MAP [N] — sum the hypervisor's guest RIP
samples (boot option perfsample: "perfsample <rip> <count>" lines printed when
dom0 stops) per guest kernel symbol and print the N most frequent.  Not a
benchmark of its own: the tool behind "where does Linux spend its time on
us" (docs/architecture.md, profiling)."""
import bisect, re, sys

def main():
    if len(sys.argv) < 3:
        sys.exit("usage: perf-symbolise.py LOG SYSTEM.MAP [N]")
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    syms = []
    for line in open(sys.argv[2]):
        f = line.split()
        if len(f) >= 3 and f[1] in "tTwW":
            syms.append((int(f[0], 16), f[2]))
    syms.sort()
    addrs = [a for a, _ in syms]
    counts, total, user = {}, 0, 0
    for line in open(sys.argv[1], errors="replace"):
        m = re.search(r"perfsample ([0-9a-f]+) (\d+)", line)
        if not m:
            continue
        rip, n = int(m.group(1), 16), int(m.group(2))
        total += n
        if rip < 0xffff800000000000:
            user += n
            name = "[guest user]"
        else:
            i = bisect.bisect_right(addrs, rip) - 1
            name = syms[i][1] if i >= 0 else "[unknown kernel]"
        counts[name] = counts.get(name, 0) + n
    if not total:
        sys.exit("no perfsample lines in %s (boot option perfsample)" % sys.argv[1])
    print("%d samples, %.1f%% in guest user mode" % (total, 100.0 * user / total))
    for name, n in sorted(counts.items(), key=lambda x: -x[1])[:top]:
        print("%6d %5.1f%%  %s" % (n, 100.0 * n / total, name))

main()
