/*
 * cpuid.c — forced-emulation CPUID (ud2; "xen"; cpuid): the hypervisor
 * leaves at 0x40000000 ("XenVMMXenVMM", max leaf >= 0x40000002; 0x40000001
 * is the version xen_version reports; 0x40000002 one hypercall page), and
 * the features a PV guest must not see are masked in leaf 1 and leaf 7
 * (MONITOR, VMX, PCID, SMEP, SMAP, INVPCID) through both forced and plain
 * CPUID.
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

static void check_masks(const char *how, struct cpuid_res l1, struct cpuid_res l7)
{
    printk("%s: leaf1 ecx %#x edx %#x, leaf7 ebx %#x ecx %#x\n", how, l1.c, l1.d, l7.b, l7.c);
    if (l1.c & (1u << 3))
        test_fail("%s: MONITOR visible", how);
    if (l1.c & (1u << 5))
        test_fail("%s: VMX visible", how);
    if (l1.c & (1u << 17))
        test_fail("%s: PCID visible", how);
    if (l7.b & (1u << 7))
        test_fail("%s: SMEP visible", how);
    if (l7.b & (1u << 20))
        test_fail("%s: SMAP visible", how);
    if (l7.b & (1u << 10))
        test_fail("%s: INVPCID visible", how);
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

    check_masks("forced", forced(1, 0), forced(7, 0));
    check_masks("plain", plain(1, 0), plain(7, 0));

    r = plain(0x40000000, 0);
    printk("plain leaf 0x40000000: eax %#x ebx %#x\n", r.a, r.b);
}
