/*
 * cpuid_policy.c — the CPUID values a PV guest sees (see
 * asm/cpuid_policy.h for the why).  Feature leaves are the host's values
 * ANDed with allow-lists: a bit we have not decided to expose stays hidden,
 * so new CPU features never leak to guests by accident.
 */
#include <asm/cpuid_policy.h>

#define MAX_BASIC_LEAF  0xdu
#define MAX_EXT_LEAF    0x80000008u

/* Leaf 1 EDX: Xen's 'A' set minus MCE/MCA/ACPI (no MSR emulation for them). */
#define ALLOW_L1_EDX (CPUID1_EDX_FPU | CPUID1_EDX_DE | CPUID1_EDX_TSC | CPUID1_EDX_MSR | \
                      CPUID1_EDX_PAE | CPUID1_EDX_CX8 | CPUID1_EDX_SEP | CPUID1_EDX_CMOV | \
                      CPUID1_EDX_PAT | CPUID1_EDX_CLFLUSH | CPUID1_EDX_MMX | CPUID1_EDX_FXSR | \
                      CPUID1_EDX_SSE | CPUID1_EDX_SSE2 | CPUID1_EDX_SS)

/* Leaf 1 ECX: no XSAVE family, no PCID/x2APIC/TSC-deadline/MONITOR/VMX. */
#define ALLOW_L1_ECX (CPUID1_ECX_SSE3 | CPUID1_ECX_PCLMUL | CPUID1_ECX_SSSE3 | CPUID1_ECX_CX16 | \
                      CPUID1_ECX_SSE41 | CPUID1_ECX_SSE42 | CPUID1_ECX_MOVBE | \
                      CPUID1_ECX_POPCNT | CPUID1_ECX_AES | CPUID1_ECX_RDRAND | CPUID1_ECX_HV)

/* AMD mirrors the leaf-1 EDX bits 0-9, 12-17, 23-24 into 0x80000001 EDX. */
#define AMD_E1_MIRROR 0x0183f3ffu
#define ALLOW_E1_EDX ((ALLOW_L1_EDX & AMD_E1_MIRROR) | CPUIDE1_EDX_SYSCALL | CPUIDE1_EDX_NX | \
                      CPUIDE1_EDX_MMXEXT | CPUIDE1_EDX_FFXSR | CPUIDE1_EDX_LM | \
                      CPUIDE1_EDX_3DNOWEXT | CPUIDE1_EDX_3DNOW)
#define ALLOW_E1_ECX (CPUIDE1_ECX_LAHF_LM | CPUIDE1_ECX_ABM | CPUIDE1_ECX_SSE4A | \
                      CPUIDE1_ECX_MISALIGNSSE | CPUIDE1_ECX_3DNOWPF | CPUIDE1_ECX_TBM)

/* Leaf 7.0: general-purpose and SSE-encodable features only. */
#define ALLOW_L7_EBX (CPUID7_EBX_BMI1 | CPUID7_EBX_FDP_EXCP_ONLY | CPUID7_EBX_BMI2 | \
                      CPUID7_EBX_ERMS | CPUID7_EBX_NO_FPU_SEL | CPUID7_EBX_RDSEED | \
                      CPUID7_EBX_ADX | CPUID7_EBX_CLFLUSHOPT | CPUID7_EBX_CLWB | CPUID7_EBX_SHA)
#define ALLOW_L7_ECX (CPUID7_ECX_PREFETCHWT1 | CPUID7_ECX_GFNI | CPUID7_ECX_CLDEMOTE)
#define ALLOW_L7_EDX (CPUID7_EDX_FSRM | CPUID7_EDX_MD_CLEAR | CPUID7_EDX_SERIALIZE)
#define ALLOW_L7S1_EAX (CPUID7S1_EAX_FZRM | CPUID7S1_EAX_FSRS | CPUID7S1_EAX_FSRCS)

/* 0x80000008 EBX: CLZERO, RSTR_FP_ERR_PTRS, SSB_NO, BTC_NO (no MSR behind them). */
#define ALLOW_E8_EBX ((1u << 0) | (1u << 2) | (1u << 26) | (1u << 29))

#define XEN_SIG_EBX XEN_CPUID_SIGNATURE_EBX
#define XEN_SIG_ECX XEN_CPUID_SIGNATURE_ECX
#define XEN_SIG_EDX XEN_CPUID_SIGNATURE_EDX

static void host(const struct pv_cpuid_policy *pol, uint32_t leaf, uint32_t sub,
                 struct cpuid_regs *r)
{
    *r = (struct cpuid_regs){ 0 };
    if (pol->host)
        pol->host(leaf, sub, r);
}

void pv_cpuid_policy_init(struct pv_cpuid_policy *pol)
{
    struct cpuid_regs r;

    host(pol, 0, 0, &r);
    pol->max_basic = r.a < MAX_BASIC_LEAF ? r.a : MAX_BASIC_LEAF;
    host(pol, 0x80000000u, 0, &r);
    if ((r.a & 0xffff0000u) != 0x80000000u)
        pol->max_ext = 0;               /* no extended leaves at all */
    else
        pol->max_ext = r.a < MAX_EXT_LEAF ? r.a : MAX_EXT_LEAF;
}

void pv_cpuid_masks(const struct pv_cpuid_policy *pol, struct pv_cpuid_masks *m)
{
    m->l1_ecx = ALLOW_L1_ECX;
    m->l1_edx = ALLOW_L1_EDX | (pol->dom0 ? CPUID1_EDX_APIC : 0);
    m->e1_ecx = ALLOW_E1_ECX;
    m->e1_edx = ALLOW_E1_EDX | (pol->dom0 ? CPUID1_EDX_APIC : 0);
    m->l7_ebx = ALLOW_L7_EBX;
    m->l7_ecx = ALLOW_L7_ECX;
    m->l7_edx = ALLOW_L7_EDX;
    m->l7s1_eax = ALLOW_L7S1_EAX;
}

static void xen_leaf(const struct pv_cpuid_policy *pol, uint32_t idx, uint32_t sub,
                     struct cpuid_regs *r)
{
    switch (idx) {
    case 0:
        r->a = XEN_CPUID_BASE + XEN_CPUID_NR_LEAVES;
        r->b = XEN_SIG_EBX;
        r->c = XEN_SIG_ECX;
        r->d = XEN_SIG_EDX;
        break;
    case 1:
        r->a = ((uint32_t)pol->xen_major << 16) | pol->xen_minor;
        break;
    case 2:
        r->a = 1;                               /* hypercall pages */
        r->b = XEN_CPUID_MSR_HYPERCALL;
        r->c = XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD;
        break;
    case 3:                                     /* time */
        if (sub == 0) {
            /* bit 0 vtsc (never), bit 1 host TSC safe, bit 2 rdtscp (hidden) */
            r->a = pol->tsc_reliable ? 1u << 1 : 0;
            r->b = 0;                           /* tsc_mode default */
            r->c = pol->tsc_khz;
            r->d = pol->incarnation;
        } else if (sub == 2) {
            r->a = pol->host_khz;
        }
        break;
    case 4:                                     /* HVM only: empty for PV */
        break;
    case 5:                                     /* PV parameters */
        if (sub == 0)
            r->b = pol->maddr_bits;
        break;
    }
}

void pv_cpuid(const struct pv_cpuid_policy *pol, uint32_t leaf, uint32_t subleaf,
              struct cpuid_regs *out)
{
    struct pv_cpuid_masks m;
    struct cpuid_regs r = { 0 };

    pv_cpuid_masks(pol, &m);

    if (leaf - XEN_CPUID_BASE <= XEN_CPUID_NR_LEAVES) {
        xen_leaf(pol, leaf - XEN_CPUID_BASE, subleaf, &r);
        *out = r;
        return;
    }
    if (leaf >= 0x80000000u ? (leaf > pol->max_ext || !pol->max_ext) : leaf > pol->max_basic) {
        *out = r;                               /* out of range: all zero */
        return;
    }

    switch (leaf) {
    case 0:
        host(pol, 0, 0, &r);
        r.a = pol->max_basic;
        break;
    case 1:
        host(pol, 1, 0, &r);
        r.b &= 0x0000ffffu;                     /* no APIC id or logical CPU count */
        r.c = (r.c & m.l1_ecx) | CPUID1_ECX_HV;
        r.d &= m.l1_edx;
        break;
    case 2:                                     /* cache descriptors */
    case 4:                                     /* deterministic cache parameters */
        host(pol, leaf, subleaf, &r);
        if (leaf == 4)
            r.a &= 0x03ffffffu;                 /* no core-count topology */
        break;
    case 7:
        if (subleaf == 0) {
            host(pol, 7, 0, &r);
            r.a = r.a ? 1 : 0;                  /* subleaf 1 at most */
            r.b &= m.l7_ebx;
            r.c &= m.l7_ecx;
            r.d &= m.l7_edx;
        } else if (subleaf == 1) {
            struct cpuid_regs r0;

            host(pol, 7, 0, &r0);
            if (r0.a >= 1) {
                host(pol, 7, 1, &r);
                r.a &= m.l7s1_eax;
                r.b = r.c = r.d = 0;
            }
        }
        break;
    /* 3 (serial number), 5 (MONITOR), 6 (power), 0xa (perfmon), 0xb
     * (topology), 0xd (XSAVE) and anything else: hidden. */
    case 0x80000000u:
        host(pol, leaf, 0, &r);
        r.a = pol->max_ext;
        break;
    case 0x80000001u:
        host(pol, leaf, 0, &r);
        r.c &= m.e1_ecx;
        r.d &= m.e1_edx;
        break;
    case 0x80000002u:                           /* brand string */
    case 0x80000003u:
    case 0x80000004u:
    case 0x80000005u:                           /* AMD L1 cache/TLB */
    case 0x80000006u:                           /* L2/L3 cache */
        host(pol, leaf, 0, &r);
        break;
    case 0x80000008u:
        host(pol, leaf, 0, &r);
        r.b &= ALLOW_E8_EBX;
        r.c = 0;                                /* no core count */
        r.d = 0;
        break;
    }
    *out = r;
}
