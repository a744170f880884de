# hang-inspect.py — gdb script (gdb -x) for a dom0 stuck under our
# hypervisor: attached to QEMU's gdbstub with build/hypervisor.elf loaded,
# it prints each dom0 vCPU's scheduling and event state, its saved guest
# registers, and the kernel-text words of its guest stack, symbolized with a
# kallsyms dump (KSYMS env: "addr type name" lines, e.g. /proc/kallsyms of
# the same kernel; Debian's linux-image System.map is only a stub).
# Guest virtual addresses are read through the guest's own page tables
# (v->arch.guest_table) and the hypervisor's direct map.
import bisect
import os
import gdb

DIRECTMAP = 0xffff830000000000
ksyms = []
if os.environ.get("KSYMS"):
    with open(os.environ["KSYMS"]) as f:
        for line in f:
            p = line.split()
            if len(p) >= 3 and p[1] in "tTwW":
                ksyms.append((int(p[0], 16), p[2]))
    ksyms.sort()
kaddrs = [a for a, _ in ksyms]
inf = gdb.selected_inferior()


def sym(a):
    i = bisect.bisect_right(kaddrs, a) - 1
    if i < 0 or a - kaddrs[i] > 0x10000:
        return None
    return "%s+%#x" % (ksyms[i][1], a - kaddrs[i])


def rq(pa):
    return int.from_bytes(bytes(inf.read_memory(DIRECTMAP + pa, 8)), "little")


def walk(l4mfn, va):
    t = l4mfn << 12
    for level, shift in ((4, 39), (3, 30), (2, 21), (1, 12)):
        e = rq(t + ((va >> shift) & 511) * 8)
        if not e & 1:
            return None
        if level in (3, 2) and e & 0x80:
            return (e & 0x000ffffffffff000 & ~((1 << shift) - 1)) | (va & ((1 << shift) - 1))
        t = e & 0x000ffffffffff000
    return t | (va & 0xfff)


def gread(l4, va):
    pa = walk(l4, va)
    return None if pa is None else rq(pa)


d = gdb.parse_and_eval("hardware_domain")
print("dom0 max_vcpus", int(d["max_vcpus"]))
for i in range(int(d["max_vcpus"])):
    v = d["vcpu"][i]
    if int(v) == 0:
        continue
    a = v["arch"]
    r = a["user_regs"]
    vi = v["vcpu_info"]
    ports = [int(v["poll_ports"][j]) for j in range(min(int(v["poll_nr"]), 4))]
    print("d0v%d pause_flags %#x pause_count %d is_running %d processor %d poll_nr %d ports %s"
          " upcall_pending %d upcall_mask %d kernel_mode %d"
          % (i, int(v["pause_flags"]), int(v["pause_count"]), int(v["is_running"]),
             int(v["processor"]), int(v["poll_nr"]), ports, int(vi["evtchn_upcall_pending"]),
             int(vi["evtchn_upcall_mask"]), int(a["kernel_mode"])))
    rip, rsp = int(r["rip"]), int(r["rsp"])
    print("  rip %#x %s rsp %#x rflags %#x rax %#x rdi %#x rsi %#x rbx %#x rbp %#x"
          % (rip, sym(rip), rsp, int(r["rflags"]), int(r["rax"]), int(r["rdi"]),
             int(r["rsi"]), int(r["rbx"]), int(r["rbp"])))
    l4 = int(a["guest_table"])
    depth = int(os.environ.get("STACK_WORDS", "400"))
    for k in range(depth):
        va = rsp + 8 * k
        try:
            w = gread(l4, va)
        except gdb.MemoryError:
            w = None
        if w is None:
            print("  [%#x] unmapped" % va)
            break
        s = sym(w)
        if s and w >= 0xffffffff81000000:
            print("  [%#x] %#x %s" % (va, w, s))

# dom0's ports in use (first bucket): state, vCPU notified, VIRQ/PIRQ, and
# the FIFO event word (P pending, M masked, L linked, B busy, link).
STATES = {0: "free", 1: "reserved", 2: "unbound", 3: "interdomain", 4: "pirq", 5: "virq", 6: "ipi"}
fifo = d["evtchn_fifo"]
bucket = d["evtchn_bucket"][0]
for port in range(1, 128):
    c = bucket[port]
    st = int(c["state"])
    if st == 0:
        continue
    extra = ""
    if st == 5:
        extra = " virq %d" % int(c["u"]["virq"])
    elif st == 4:
        extra = " pirq %d" % int(c["u"]["pirq"])
    w = ""
    if int(fifo) != 0 and port < int(fifo["num_evtchns"]):
        word = int(fifo["event_array"][port // 1024][port % 1024])
        w = " word %#x %s%s%s%s link %d" % (word, "P" if word >> 31 & 1 else "-",
                                             "M" if word >> 30 & 1 else "-",
                                             "L" if word >> 29 & 1 else "-",
                                             "B" if word >> 28 & 1 else "-", word & 0x1ffff)
    print("port %3d %-11s vcpu %d prio %d last v%d/p%d%s%s"
          % (port, STATES.get(st, str(st)), int(c["notify_vcpu_id"]), int(c["priority"]),
             int(c["last_vcpu_id"]), int(c["last_priority"]), extra, w))
for i in range(int(d["max_vcpus"])):
    v = d["vcpu"][i]
    f = v["evtchn_fifo"]
    if int(f) == 0:
        continue
    cb = f["control_block"]
    ready = int(cb["ready"]) if int(cb) != 0 else -1
    qs = []
    for p in range(16):
        q = f["queue"][p]
        head = int(q["head"].dereference()) if int(q["head"]) != 0 else -1
        if head or int(q["tail"]):
            qs.append("q%d head %d tail %d" % (p, head, int(q["tail"])))
    print("d0v%d FIFO ready %#x %s" % (i, ready, "; ".join(qs)))
