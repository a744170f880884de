/*
 * asm/cpuid_policy.h — what a PV guest sees from CPUID.
 *
 * A PV kernel runs at CPL 3 and may execute CPUID two ways:
 *  - forced emulation (`ud2; .ascii "xen"; cpuid`, XEN_CPUID): the
 *    hypervisor traps it and answers from pv_cpuid(): the host's values
 *    filtered through the PV policy, plus the Xen leaves at 0x40000000
 *    ("XenVMMXenVMM", version, hypercall page MSR, time, PV parameters);
 *  - plain CPUID, which the hardware answers directly unless CPUID faulting
 *    or the vendors' feature-masking MSRs are available: pv_cpuid_masks()
 *    gives the AND masks for those MSRs.
 *
 * The policy follows Xen's PV feature set (features annotated 'A' in
 * public/arch-x86/cpufeatureset.h) minus what this hypervisor does not
 * virtualise: no XSAVE-managed state (so no AVX/AVX-512/XSAVE family), no
 * FSGSBASE, no RDTSCP/RDPID (TSC_AUX is not context-switched), no TSX, no
 * machine-check or speculation-control MSRs.  Paging features a PV guest
 * cannot use (PSE, PSE36, PGE, 1 GiB pages, PCID, INVPCID, SMEP, SMAP, UMIP,
 * PKU, LA57) and virtualisation/monitoring ones (VMX, SVM, MONITOR, MTRR,
 * x2APIC, TSC-deadline, perfmon) are hidden as Xen hides them.
 * docs/abi.md lists the differences from Xen.
 *
 * Pure code: the host's leaves come through a callback, so it is unit-
 * tested on the host with made-up CPUs.
 */
#ifndef ASM_CPUID_POLICY_H
#define ASM_CPUID_POLICY_H

#include <stdint.h>
#include <stdbool.h>
#include <public/arch-x86/cpuid.h>

struct cpuid_regs {
    uint32_t a, b, c, d;
};

/* Read the host's CPUID leaf/subleaf (the arch code wraps the instruction). */
typedef void (*cpuid_host_fn)(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out);

#define XEN_CPUID_BASE          ((uint32_t)XEN_CPUID_FIRST_LEAF)
#define XEN_CPUID_NR_LEAVES     ((uint32_t)XEN_CPUID_MAX_NUM_LEAVES)
#define XEN_CPUID_MSR_HYPERCALL 0x40000000u     /* write a GPA to get the hypercall page */

struct pv_cpuid_policy {
    cpuid_host_fn host;
    bool dom0;                  /* hardware domain: sees the APIC bit */
    uint16_t xen_major, xen_minor;
    uint32_t tsc_khz;           /* guest TSC frequency (0x40000003) */
    uint32_t host_khz;          /* physical CPU frequency (0x40000003.2) */
    uint32_t incarnation;       /* bumped on migration/restore (0x40000003) */
    bool tsc_reliable;          /* host TSC invariant and synchronised (0x40000003 EAX bit 1) */
    uint8_t maddr_bits;         /* machine address width (0x40000005 EBX) */
    /* filled in by pv_cpuid_policy_init() */
    uint32_t max_basic, max_ext;
};

/* AND masks for plain CPUID (vendor feature-masking MSRs / CPUID faulting). */
struct pv_cpuid_masks {
    uint32_t l1_ecx, l1_edx;    /* leaf 1 */
    uint32_t e1_ecx, e1_edx;    /* leaf 0x80000001 */
    uint32_t l7_ebx, l7_ecx, l7_edx;    /* leaf 7 subleaf 0 */
    uint32_t l7s1_eax;          /* leaf 7 subleaf 1 */
};

/* Record the host's leaf limits; call once, after setting host and the rest. */
void pv_cpuid_policy_init(struct pv_cpuid_policy *pol);

/* The guest's view of leaf/subleaf via forced-emulation CPUID. */
void pv_cpuid(const struct pv_cpuid_policy *pol, uint32_t leaf, uint32_t subleaf,
              struct cpuid_regs *out);

void pv_cpuid_masks(const struct pv_cpuid_policy *pol, struct pv_cpuid_masks *m);

/* Leaf 1 / 0x80000001 / 7 bit positions used by the policy and its tests. */
#define CPUID1_EDX_FPU      (1u << 0)
#define CPUID1_EDX_VME      (1u << 1)
#define CPUID1_EDX_DE       (1u << 2)
#define CPUID1_EDX_PSE      (1u << 3)
#define CPUID1_EDX_TSC      (1u << 4)
#define CPUID1_EDX_MSR      (1u << 5)
#define CPUID1_EDX_PAE      (1u << 6)
#define CPUID1_EDX_MCE      (1u << 7)
#define CPUID1_EDX_CX8      (1u << 8)
#define CPUID1_EDX_APIC     (1u << 9)
#define CPUID1_EDX_SEP      (1u << 11)
#define CPUID1_EDX_MTRR     (1u << 12)
#define CPUID1_EDX_PGE      (1u << 13)
#define CPUID1_EDX_MCA      (1u << 14)
#define CPUID1_EDX_CMOV     (1u << 15)
#define CPUID1_EDX_PAT      (1u << 16)
#define CPUID1_EDX_PSE36    (1u << 17)
#define CPUID1_EDX_CLFLUSH  (1u << 19)
#define CPUID1_EDX_DS       (1u << 21)
#define CPUID1_EDX_ACPI     (1u << 22)
#define CPUID1_EDX_MMX      (1u << 23)
#define CPUID1_EDX_FXSR     (1u << 24)
#define CPUID1_EDX_SSE      (1u << 25)
#define CPUID1_EDX_SSE2     (1u << 26)
#define CPUID1_EDX_SS       (1u << 27)
#define CPUID1_EDX_HTT      (1u << 28)

#define CPUID1_ECX_SSE3     (1u << 0)
#define CPUID1_ECX_PCLMUL   (1u << 1)
#define CPUID1_ECX_MONITOR  (1u << 3)
#define CPUID1_ECX_VMX      (1u << 5)
#define CPUID1_ECX_SSSE3    (1u << 9)
#define CPUID1_ECX_FMA      (1u << 12)
#define CPUID1_ECX_CX16     (1u << 13)
#define CPUID1_ECX_PCID     (1u << 17)
#define CPUID1_ECX_SSE41    (1u << 19)
#define CPUID1_ECX_SSE42    (1u << 20)
#define CPUID1_ECX_X2APIC   (1u << 21)
#define CPUID1_ECX_MOVBE    (1u << 22)
#define CPUID1_ECX_POPCNT   (1u << 23)
#define CPUID1_ECX_TSCDL    (1u << 24)
#define CPUID1_ECX_AES      (1u << 25)
#define CPUID1_ECX_XSAVE    (1u << 26)
#define CPUID1_ECX_OSXSAVE  (1u << 27)
#define CPUID1_ECX_AVX      (1u << 28)
#define CPUID1_ECX_F16C     (1u << 29)
#define CPUID1_ECX_RDRAND   (1u << 30)
#define CPUID1_ECX_HV       (1u << 31)

#define CPUIDE1_EDX_SYSCALL (1u << 11)
#define CPUIDE1_EDX_NX      (1u << 20)
#define CPUIDE1_EDX_MMXEXT  (1u << 22)
#define CPUIDE1_EDX_FFXSR   (1u << 25)
#define CPUIDE1_EDX_PAGE1GB (1u << 26)
#define CPUIDE1_EDX_RDTSCP  (1u << 27)
#define CPUIDE1_EDX_LM      (1u << 29)
#define CPUIDE1_EDX_3DNOWEXT (1u << 30)
#define CPUIDE1_EDX_3DNOW   (1u << 31)

#define CPUIDE1_ECX_LAHF_LM (1u << 0)
#define CPUIDE1_ECX_SVM     (1u << 2)
#define CPUIDE1_ECX_ABM     (1u << 5)
#define CPUIDE1_ECX_SSE4A   (1u << 6)
#define CPUIDE1_ECX_MISALIGNSSE (1u << 7)
#define CPUIDE1_ECX_3DNOWPF (1u << 8)
#define CPUIDE1_ECX_TBM     (1u << 21)

#define CPUID7_EBX_FSGSBASE (1u << 0)
#define CPUID7_EBX_BMI1     (1u << 3)
#define CPUID7_EBX_HLE      (1u << 4)
#define CPUID7_EBX_AVX2     (1u << 5)
#define CPUID7_EBX_FDP_EXCP_ONLY (1u << 6)
#define CPUID7_EBX_SMEP     (1u << 7)
#define CPUID7_EBX_BMI2     (1u << 8)
#define CPUID7_EBX_ERMS     (1u << 9)
#define CPUID7_EBX_INVPCID  (1u << 10)
#define CPUID7_EBX_RTM      (1u << 11)
#define CPUID7_EBX_NO_FPU_SEL (1u << 13)
#define CPUID7_EBX_AVX512F  (1u << 16)
#define CPUID7_EBX_RDSEED   (1u << 18)
#define CPUID7_EBX_ADX      (1u << 19)
#define CPUID7_EBX_SMAP     (1u << 20)
#define CPUID7_EBX_CLFLUSHOPT (1u << 23)
#define CPUID7_EBX_CLWB     (1u << 24)
#define CPUID7_EBX_SHA      (1u << 29)

#define CPUID7_ECX_PREFETCHWT1 (1u << 0)
#define CPUID7_ECX_UMIP     (1u << 2)
#define CPUID7_ECX_PKU      (1u << 3)
#define CPUID7_ECX_OSPKE    (1u << 4)
#define CPUID7_ECX_GFNI     (1u << 8)
#define CPUID7_ECX_LA57     (1u << 16)
#define CPUID7_ECX_RDPID    (1u << 22)
#define CPUID7_ECX_CLDEMOTE (1u << 25)
#define CPUID7_ECX_MOVDIRI  (1u << 27)
#define CPUID7_ECX_MOVDIR64B (1u << 28)

#define CPUID7_EDX_FSRM     (1u << 4)
#define CPUID7_EDX_MD_CLEAR (1u << 10)
#define CPUID7_EDX_SERIALIZE (1u << 14)
#define CPUID7_EDX_IBRSB    (1u << 26)
#define CPUID7_EDX_ARCH_CAPS (1u << 29)

#define CPUID7S1_EAX_FZRM   (1u << 10)
#define CPUID7S1_EAX_FSRS   (1u << 11)
#define CPUID7S1_EAX_FSRCS  (1u << 12)

#endif /* ASM_CPUID_POLICY_H */
