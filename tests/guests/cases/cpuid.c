/*
 * cpuid.c — forced-emulation CPUID (ud2; "xen"; cpuid): the hypervisor
 * leaves at 0x40000000 ("XenVMMXenVMM", max leaf >= 0x40000002; 0x40000001
 * is the version xen_version reports; 0x40000002 one hypercall page), and
 * leaf 1 as a PV guest sees it: the hypervisor bit set, and PSE, SEP, PGE
 * and PSE36 hidden (each checked only when the CPU itself has it, per plain
 * CPUID).  Plain CPUID is not intercepted: QEMU's TCG offers no CPUID
 * faulting, so Xen cannot mask it and it shows the raw CPU (QEMU's own
 * "TCGTCGTCGTCG" at 0x40000000); the test checks only that it executes.
 */
#include "guest.h"

const char test_title[] = "CPUID: forced emulation and masks";

struct cpuid_res { uint32_t a, b, c, d; };

static struct cpuid_res forced(uint32_t leaf, uint32_t sub)
{
    struct cpuid_res r;

    __asm__ volatile("ud2\n .ascii \"xen\"\n cpuid"
                     : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d) : "0"(leaf), "2"(sub));
    return r;
}

static struct cpuid_res plain(uint32_t leaf, uint32_t sub)
{
    struct cpuid_res r;

    __asm__ volatile("cpuid" : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d) : "0"(leaf), "2"(sub));
    return r;
}

static void check_leaf1(struct cpuid_res raw, struct cpuid_res pv)
{
    static const struct { unsigned int bit; const char *name; } hidden[] = {
        { 3, "PSE" }, { 11, "SEP" }, { 13, "PGE" }, { 17, "PSE36" },
    };
    int checked = 0;

    printk("leaf 1: plain ecx %#x edx %#x, forced ecx %#x edx %#x\n", raw.c, raw.d, pv.c, pv.d);
    if (!(pv.c & (1u << 31)))
        test_fail("forced leaf 1: hypervisor bit (ecx 31) clear");
    if (pv.c & ((1u << 3) | (1u << 5)))
        test_fail("forced leaf 1: MONITOR or VMX visible (ecx %#x)", pv.c);
    for (unsigned int i = 0; i < ARRAY_SIZE(hidden); i++) {
        if (!(raw.d & (1u << hidden[i].bit)))
            continue;
        checked++;
        if (pv.d & (1u << hidden[i].bit))
            test_fail("forced leaf 1: %s visible", hidden[i].name);
    }
    if (!checked)
        test_skip("the CPU has none of PSE/SEP/PGE/PSE36: masks not checkable");
}

void test_main(void)
{
    struct cpuid_res r = forced(0x40000000, 0);
    char sig[13];
    long ver = hc_xen_version(XENVER_version, NULL);

    memcpy(sig, &r.b, 4);
    memcpy(sig + 4, &r.c, 4);
    memcpy(sig + 8, &r.d, 4);
    sig[12] = 0;
    printk("leaf 0x40000000: eax %#x \"%s\"\n", r.a, sig);
    if (strcmp(sig, "XenVMMXenVMM"))
        test_fail("signature \"%s\"", sig);
    if (r.a < 0x40000002)
        test_fail("max hypervisor leaf %#x", r.a);

    r = forced(0x40000001, 0);
    if ((long)r.a != ver)
        test_fail("leaf 0x40000001 eax %#x, xen_version %#lx", r.a, ver);
    r = forced(0x40000002, 0);
    printk("leaf 0x40000002: eax %#x ebx %#x\n", r.a, r.b);
    if (r.a != 1)
        test_fail("leaf 0x40000002: %u hypercall pages", r.a);

    check_leaf1(plain(1, 0), forced(1, 0));
    r = forced(7, 0);
    if (r.b & ((1u << 7) | (1u << 20) | (1u << 10)))
        test_fail("forced leaf 7: SMEP/SMAP/INVPCID visible (ebx %#x)", r.b);
    if (plain(0, 0).a < 1)
        test_fail("plain CPUID leaf 0 reports no leaf 1");

    r = plain(0x40000000, 0);
    printk("plain leaf 0x40000000: eax %#x ebx %#x\n", r.a, r.b);
}
