/*
 * public/arch-x86/cpuid.h — the hypervisor's CPUID leaves, found at
 * 0x40000000 (the first free 0x100-aligned base; we never move it).
 *
 *   0x40000000  EAX = highest Xen leaf, EBX:ECX:EDX = "XenVMMXenVMM"
 *   0x40000001  EAX = version, major << 16 | minor
 *   0x40000002  EAX = hypercall pages (1), EBX = MSR that installs the
 *               hypercall page (write its guest address), ECX = XEN_CPUID_FEAT1_*
 *   0x40000003  time: subleaf 0 EAX flags, EBX tsc_mode, ECX guest TSC kHz,
 *               EDX incarnation; subleaf 2 EAX host CPU kHz
 *   0x40000004  HVM features (empty for PV)
 *   0x40000005  PV parameters: EBX[7:0] machine address width
 * A PV guest must use forced emulation (XEN_CPUID) to read these.
 */
#ifndef PUBLIC_ARCH_X86_CPUID_H
#define PUBLIC_ARCH_X86_CPUID_H

#define XEN_CPUID_FIRST_LEAF 0x40000000
#define XEN_CPUID_LEAF(i)    (XEN_CPUID_FIRST_LEAF + (i))

#define XEN_CPUID_SIGNATURE_EBX 0x566e6558  /* "XenV" */
#define XEN_CPUID_SIGNATURE_ECX 0x65584d4d  /* "MMXe" */
#define XEN_CPUID_SIGNATURE_EDX 0x4d4d566e  /* "nVMM" */

/* Leaf 2 ECX: MMU_PT_UPDATE_PRESERVE_AD is available. */
#define _XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD 0
#define XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD  (1u << 0)

/* Leaf 4 (HVM) EAX bits, for completeness. */
#define XEN_HVM_CPUID_APIC_ACCESS_VIRT (1u << 0)
#define XEN_HVM_CPUID_X2APIC_VIRT      (1u << 1)
#define XEN_HVM_CPUID_IOMMU_MAPPINGS   (1u << 2)
#define XEN_HVM_CPUID_VCPU_ID_PRESENT  (1u << 3)
#define XEN_HVM_CPUID_DOMID_PRESENT    (1u << 4)
#define XEN_HVM_CPUID_EXT_DEST_ID      (1u << 5)
#define XEN_HVM_CPUID_UPCALL_VECTOR    (1u << 6)

/* Leaf 5 EBX. */
#define XEN_CPUID_MACHINE_ADDRESS_WIDTH_MASK (0xffu << 0)

#define XEN_CPUID_MAX_NUM_LEAVES 5

#endif /* PUBLIC_ARCH_X86_CPUID_H */
