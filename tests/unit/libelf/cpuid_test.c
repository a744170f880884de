/*
 * cpuid_test.c — Criterion tests for the PV CPUID policy
 * (hypervisor/arch/x86/pv/cpuid_policy.c): the Xen leaves Linux looks for,
 * and that every feature a PV guest must not see stays hidden even on a
 * made-up host that reports every bit set.
 */
#include <criterion/criterion.h>
#include <string.h>

#include <asm/cpuid_policy.h>

/* A host with every feature bit set, max basic leaf 0x1f, max ext 0x80000021. */
static void host_all_ones(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
    (void)sub;
    r->a = r->b = r->c = r->d = 0xffffffffu;
    if (leaf == 0) {
        r->a = 0x1f;
        r->b = 0x756e6547; r->d = 0x49656e69; r->c = 0x6c65746e;    /* GenuineIntel */
    } else if (leaf == 0x80000000u) {
        r->a = 0x80000021u;
    } else if (leaf == 7 && sub == 0) {
        r->a = 2;
    }
}

/* Roughly QEMU's qemu64,+rdrand model. */
static void host_qemu64(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
    (void)sub;
    memset(r, 0, sizeof(*r));
    switch (leaf) {
    case 0: r->a = 0xd; r->b = 0x68747541; r->d = 0x69746e65; r->c = 0x444d4163; break;
    case 1: r->a = 0x663; r->b = 0x00000800; r->c = 0xc0802001; r->d = 0x078bfbfd; break;
    case 0x80000000u: r->a = 0x80000008u; break;
    case 0x80000001u: r->a = 0x663; r->c = 0x00000001; r->d = 0x20100800; break;
    case 0x80000008u: r->a = 0x00003028; break;
    }
}

static struct pv_cpuid_policy pol;

static void setup(cpuid_host_fn fn, bool dom0)
{
    memset(&pol, 0, sizeof(pol));
    pol.host = fn;
    pol.dom0 = dom0;
    pol.xen_major = 4;
    pol.xen_minor = 17;
    pol.tsc_khz = 2500000;
    pol.host_khz = 2500000;
    pol.maddr_bits = 36;
    pv_cpuid_policy_init(&pol);
}

Test(cpuid, xen_signature_and_leaves)
{
    struct cpuid_regs r;
    char sig[13];

    setup(host_qemu64, false);
    pv_cpuid(&pol, 0x40000000u, 0, &r);
    cr_expect_geq(r.a, 0x40000002u);
    memcpy(sig, &r.b, 4);
    memcpy(sig + 4, &r.c, 4);
    memcpy(sig + 8, &r.d, 4);
    sig[12] = '\0';
    cr_expect_str_eq(sig, "XenVMMXenVMM");

    pv_cpuid(&pol, 0x40000001u, 0, &r);
    cr_expect_eq(r.a, 0x00040011u);
    pv_cpuid(&pol, 0x40000002u, 0, &r);
    cr_expect_eq(r.a, 1, "one hypercall page");
    cr_expect_eq(r.b, 0x40000000u, "hypercall MSR");
    cr_expect_eq(r.c & XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD, XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD);
    pv_cpuid(&pol, 0x40000003u, 0, &r);
    cr_expect_eq(r.c, 2500000);
    cr_expect_eq(r.a, 0, "TSC not declared safe unless the policy says so");
    pol.tsc_reliable = true;
    pv_cpuid(&pol, 0x40000003u, 0, &r);
    cr_expect_eq(r.a, 1u << 1);
    pv_cpuid(&pol, 0x40000003u, 2, &r);
    cr_expect_eq(r.a, 2500000, "host kHz");
    pv_cpuid(&pol, 0x40000004u, 0, &r);
    cr_expect_eq(r.a | r.b | r.c | r.d, 0);
    pv_cpuid(&pol, 0x40000005u, 0, &r);
    cr_expect_eq(r.b, 36);
    pv_cpuid(&pol, 0x40000006u, 0, &r);        /* past the Xen range */
    cr_expect_eq(r.a | r.b | r.c | r.d, 0);
}

Test(cpuid, hidden_features_on_a_host_with_everything)
{
    struct cpuid_regs r;

    setup(host_all_ones, false);
    pv_cpuid(&pol, 1, 0, &r);
    cr_expect_eq(r.c & CPUID1_ECX_HV, CPUID1_ECX_HV, "hypervisor bit");
    cr_expect_eq(r.d & (CPUID1_EDX_PSE | CPUID1_EDX_PSE36 | CPUID1_EDX_PGE | CPUID1_EDX_MTRR |
                        CPUID1_EDX_VME | CPUID1_EDX_MCE | CPUID1_EDX_MCA | CPUID1_EDX_APIC |
                        CPUID1_EDX_HTT | CPUID1_EDX_DS | CPUID1_EDX_ACPI), 0, "edx %#x", r.d);
    cr_expect_eq(r.c & (CPUID1_ECX_PCID | CPUID1_ECX_MONITOR | CPUID1_ECX_VMX | CPUID1_ECX_XSAVE |
                        CPUID1_ECX_OSXSAVE | CPUID1_ECX_AVX | CPUID1_ECX_FMA | CPUID1_ECX_F16C |
                        CPUID1_ECX_X2APIC | CPUID1_ECX_TSCDL), 0, "ecx %#x", r.c);
    cr_expect_eq(r.b >> 16, 0, "APIC id / logical count leaked");
    /* what must stay: Linux needs these */
    cr_expect_eq(r.d & (CPUID1_EDX_FPU | CPUID1_EDX_TSC | CPUID1_EDX_CX8 | CPUID1_EDX_CMOV |
                        CPUID1_EDX_FXSR | CPUID1_EDX_SSE2 | CPUID1_EDX_PAT),
                 CPUID1_EDX_FPU | CPUID1_EDX_TSC | CPUID1_EDX_CX8 | CPUID1_EDX_CMOV |
                 CPUID1_EDX_FXSR | CPUID1_EDX_SSE2 | CPUID1_EDX_PAT);
    cr_expect_eq(r.c & CPUID1_ECX_RDRAND, CPUID1_ECX_RDRAND, "rdrand (entropy for dom0)");

    pv_cpuid(&pol, 0x80000001u, 0, &r);
    cr_expect_eq(r.d & (CPUIDE1_EDX_PAGE1GB | CPUIDE1_EDX_RDTSCP), 0, "edx %#x", r.d);
    cr_expect_eq(r.d & (CPUIDE1_EDX_LM | CPUIDE1_EDX_NX | CPUIDE1_EDX_SYSCALL),
                 CPUIDE1_EDX_LM | CPUIDE1_EDX_NX | CPUIDE1_EDX_SYSCALL);
    cr_expect_eq(r.d & (CPUID1_EDX_PSE | CPUID1_EDX_PGE | CPUID1_EDX_MTRR), 0,
                 "AMD mirror bits leaked: %#x", r.d);
    cr_expect_eq(r.c & CPUIDE1_ECX_SVM, 0);

    pv_cpuid(&pol, 7, 0, &r);
    cr_expect_eq(r.a, 1);
    cr_expect_eq(r.b & (CPUID7_EBX_FSGSBASE | CPUID7_EBX_SMEP | CPUID7_EBX_SMAP |
                        CPUID7_EBX_INVPCID | CPUID7_EBX_AVX2 | CPUID7_EBX_AVX512F |
                        CPUID7_EBX_HLE | CPUID7_EBX_RTM), 0, "ebx %#x", r.b);
    cr_expect_eq(r.c & (CPUID7_ECX_UMIP | CPUID7_ECX_PKU | CPUID7_ECX_OSPKE | CPUID7_ECX_LA57 |
                        CPUID7_ECX_RDPID), 0, "ecx %#x", r.c);
    cr_expect_eq(r.d & (CPUID7_EDX_IBRSB | CPUID7_EDX_ARCH_CAPS), 0, "edx %#x", r.d);
    pv_cpuid(&pol, 7, 1, &r);
    cr_expect_eq(r.a & ~(CPUID7S1_EAX_FZRM | CPUID7S1_EAX_FSRS | CPUID7S1_EAX_FSRCS), 0);
    pv_cpuid(&pol, 7, 2, &r);
    cr_expect_eq(r.a | r.b | r.c | r.d, 0);

    /* XSAVE, MONITOR, perfmon, topology, power leaves: empty */
    static const uint32_t empty[] = { 3, 5, 6, 0xa, 0xb, 0xd, 0x80000007u };
    for (unsigned int i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
        pv_cpuid(&pol, empty[i], 0, &r);
        cr_expect_eq(r.a | r.b | r.c | r.d, 0, "leaf %#x not empty", empty[i]);
    }
    /* beyond the clamped limits */
    pv_cpuid(&pol, 0, 0, &r);
    cr_expect_eq(r.a, 0xd);
    cr_expect_eq(r.b, 0x756e6547, "vendor kept");
    pv_cpuid(&pol, 0x14, 0, &r);
    cr_expect_eq(r.a | r.b | r.c | r.d, 0);
    pv_cpuid(&pol, 0x80000000u, 0, &r);
    cr_expect_eq(r.a, 0x80000008u);
    pv_cpuid(&pol, 0x80000021u, 0, &r);
    cr_expect_eq(r.a | r.b | r.c | r.d, 0);
}

Test(cpuid, dom0_sees_apic)
{
    struct cpuid_regs r;
    struct pv_cpuid_masks m;

    setup(host_all_ones, true);
    pv_cpuid(&pol, 1, 0, &r);
    cr_expect_eq(r.d & CPUID1_EDX_APIC, CPUID1_EDX_APIC);
    pv_cpuid_masks(&pol, &m);
    cr_expect_eq(m.l1_edx & CPUID1_EDX_APIC, CPUID1_EDX_APIC);
    setup(host_all_ones, false);
    pv_cpuid_masks(&pol, &m);
    cr_expect_eq(m.l1_edx & CPUID1_EDX_APIC, 0);
}

Test(cpuid, qemu64_view)
{
    struct cpuid_regs r;

    setup(host_qemu64, false);
    pv_cpuid(&pol, 1, 0, &r);
    cr_expect_eq(r.a, 0x663, "family/model/stepping passed through");
    cr_expect_eq(r.c, CPUID1_ECX_SSE3 | CPUID1_ECX_CX16 | CPUID1_ECX_POPCNT | CPUID1_ECX_RDRAND |
                      CPUID1_ECX_HV, "ecx %#x", r.c);
    cr_expect_eq(r.d & CPUID1_EDX_PSE, 0);
    pv_cpuid(&pol, 0x80000008u, 0, &r);
    cr_expect_eq(r.a, 0x3028, "address sizes passed through");
    pv_cpuid(&pol, 7, 0, &r);                   /* host has leaf 7 but nothing in it */
    cr_expect_eq(r.a | r.b | r.c | r.d, 0);
}

Test(cpuid, masks_agree_with_emulated_view)
{
    struct cpuid_regs r1, e1, r7;
    struct pv_cpuid_masks m;

    setup(host_all_ones, false);
    pv_cpuid_masks(&pol, &m);
    pv_cpuid(&pol, 1, 0, &r1);
    pv_cpuid(&pol, 0x80000001u, 0, &e1);
    pv_cpuid(&pol, 7, 0, &r7);
    cr_expect_eq(r1.c, m.l1_ecx);
    cr_expect_eq(r1.d, m.l1_edx);
    cr_expect_eq(e1.c, m.e1_ecx);
    cr_expect_eq(e1.d, m.e1_edx);
    cr_expect_eq(r7.b, m.l7_ebx);
    cr_expect_eq(r7.c, m.l7_ecx);
    cr_expect_eq(r7.d, m.l7_edx);
}

Test(cpuid, no_host_callback)
{
    struct cpuid_regs r;

    setup(NULL, false);
    pv_cpuid(&pol, 1, 0, &r);
    cr_expect_eq(r.a | r.b | r.d, 0);
    cr_expect_eq(r.c, 0, "leaf 1 is beyond a zero max leaf");
    pv_cpuid(&pol, 0x40000000u, 0, &r);
    cr_expect_eq(r.b, 0x566e6558u);
}
