/*
 * public/arch-x86/xen.h — x86 parts of the guest ABI shared by 32- and
 * 64-bit guests: guest handles, frame-number types, the virtual IDT entry
 * (trap_info), the vCPU context used by VCPUOP_initialise and the domctls,
 * arch_shared_info, and the CPUID/MSR policy records.
 *
 * Only x86_64 is supported; a 32-bit build is refused.  Consumers normally
 * include public/xen.h; including this first works too (the include below,
 * outside the guard, brings in the core definitions in the right order).
 */
#include "../xen.h"

#ifndef PUBLIC_ARCH_X86_XEN_H
#define PUBLIC_ARCH_X86_XEN_H

#include "../xen-compat.h"
#ifndef __ASSEMBLY__
#include <stdint.h>
#endif

#if !defined(__x86_64__)
#error "public/arch-x86/xen.h: only the x86_64 ABI is provided"
#endif

/*
 * Guest handles.  A handle is a guest virtual address the hypervisor reads
 * or writes with its copy_{to,from}_guest routines.  As in Xen, a handle is a
 * one-member struct around a pointer rather than a bare pointer, so handles
 * of different types do not silently convert into each other; its size and
 * alignment are those of a pointer (8 bytes).  Use set_xen_guest_handle() to
 * fill one and guest_handle_ptr() (or .p) to read it.
 */
#define ___DEFINE_XEN_GUEST_HANDLE(name, type) \
    typedef struct { type *p; } __guest_handle_ ## name
#define __DEFINE_XEN_GUEST_HANDLE(name, type) \
    ___DEFINE_XEN_GUEST_HANDLE(name, type); \
    ___DEFINE_XEN_GUEST_HANDLE(const_ ## name, const type)
#define DEFINE_XEN_GUEST_HANDLE(name)   __DEFINE_XEN_GUEST_HANDLE(name, name)
#define __XEN_GUEST_HANDLE(name)        __guest_handle_ ## name
#define XEN_GUEST_HANDLE(name)          __XEN_GUEST_HANDLE(name)
#define XEN_GUEST_HANDLE_PARAM(name)    XEN_GUEST_HANDLE(name)
/* On x86_64 a handle is already 64 bits wide. */
#define XEN_GUEST_HANDLE_64(name)       XEN_GUEST_HANDLE(name)
#define set_xen_guest_handle_raw(hnd, val)  do { (hnd).p = (val); } while (0)
#define set_xen_guest_handle(hnd, val)      set_xen_guest_handle_raw(hnd, val)
#define guest_handle_ptr(hnd)               ((hnd).p)

#include "xen-x86_64.h"

#ifndef __ASSEMBLY__
typedef unsigned long xen_pfn_t;
#define PRI_xen_pfn  "lx"
#define PRIu_xen_pfn "lu"
#endif

/* This architecture has PV guests with the start_info entry protocol. */
#define XEN_HAVE_PV_GUEST_ENTRY 1
/* ... and vcpu_info carries an event upcall mask. */
#define XEN_HAVE_PV_UPCALL_MASK 1

/*
 * A guest GDT is 16 pages; the guest may use frames 0-13, the hypervisor
 * owns the rest (its own descriptors start at entry 7168).
 */
#define FIRST_RESERVED_GDT_PAGE  14
#define FIRST_RESERVED_GDT_BYTE  (FIRST_RESERVED_GDT_PAGE * 4096)
#define FIRST_RESERVED_GDT_ENTRY (FIRST_RESERVED_GDT_BYTE / 8)

/* shared_info holds vcpu_info for this many vCPUs; more need register_vcpu_info. */
#define XEN_LEGACY_MAX_VCPUS 32

#ifndef __ASSEMBLY__

typedef unsigned long xen_ulong_t;
#define PRI_xen_ulong "lx"

/*
 * One entry of the virtual IDT given to HYPERVISOR_set_trap_table (a list
 * ended by an entry whose address is 0).  flags bits 0-1: the lowest
 * privilege level allowed to raise the vector with `int n`; bit 2: mask
 * events while the handler runs (an interrupt gate rather than a trap gate).
 */
#define TI_GET_DPL(_ti)       ((_ti)->flags & 3)
#define TI_GET_IF(_ti)        ((_ti)->flags & 4)
#define TI_SET_DPL(_ti, _dpl) ((_ti)->flags |= (_dpl))
#define TI_SET_IF(_ti, _if)   ((_ti)->flags |= ((!!(_if)) << 2))
struct trap_info {
    uint8_t       vector;
    uint8_t       flags;
    uint16_t      cs;
    unsigned long address;
};
typedef struct trap_info trap_info_t;
DEFINE_XEN_GUEST_HANDLE(trap_info_t);

typedef uint64_t tsc_timestamp_t;

/*
 * The complete architectural state of a PV vCPU, as given to
 * VCPUOP_initialise and XEN_DOMCTL_{set,get}vcpucontext.
 */
#define _VGCF_i387_valid               0
#define VGCF_i387_valid                (1 << _VGCF_i387_valid)
#define VGCF_I387_VALID                VGCF_i387_valid
#define _VGCF_in_kernel                2
#define VGCF_in_kernel                 (1 << _VGCF_in_kernel)
#define VGCF_IN_KERNEL                 VGCF_in_kernel
#define _VGCF_failsafe_disables_events 3
#define VGCF_failsafe_disables_events  (1 << _VGCF_failsafe_disables_events)
#define _VGCF_syscall_disables_events  4
#define VGCF_syscall_disables_events   (1 << _VGCF_syscall_disables_events)
#define _VGCF_online                   5
#define VGCF_online                    (1 << _VGCF_online)

struct vcpu_guest_context {
    /* FXSAVE image first, so the whole structure can be 16-byte aligned for it */
    struct { char x[512]; } fpu_ctxt;
    unsigned long flags;                    /* VGCF_* */
    struct cpu_user_regs user_regs;
    struct trap_info trap_ctxt[256];        /* the virtual IDT */
    unsigned long ldt_base, ldt_ents;       /* LDT: linear address, entries */
    unsigned long gdt_frames[16], gdt_ents; /* GDT: machine frames, entries */
    unsigned long kernel_ss, kernel_sp;     /* stack_switch values */
    unsigned long ctrlreg[8];               /* CR0-CR7; ctrlreg[1] = user L4 (x86_64) */
    unsigned long debugreg[8];              /* DR0-DR7 */
    unsigned long event_callback_eip;
    unsigned long failsafe_callback_eip;
    unsigned long syscall_callback_eip;
    unsigned long vm_assist;                /* bitmap of enabled VMASST_TYPE_* */
    uint64_t      fs_base;
    uint64_t      gs_base_kernel;
    uint64_t      gs_base_user;
};
typedef struct vcpu_guest_context vcpu_guest_context_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_guest_context_t);

/*
 * The architecture-specific tail of shared_info.  Guests publish their p2m
 * here so the toolstack can find it (save/restore, dumps).
 */
struct arch_shared_info {
    unsigned long max_pfn;                    /* entries in the p2m */
    /* MFN of the top of the 3-level p2m frame tree; 0 = not set, ~0 = unusable */
    xen_pfn_t     pfn_to_mfn_frame_list_list;
    unsigned long nmi_reason;
    /* the linear p2m list: valid when p2m_cr3 != 0 */
    unsigned long p2m_cr3;                    /* address space of p2m_vaddr (xen_pfn_to_cr3 form) */
    unsigned long p2m_vaddr;
    unsigned long p2m_generation;             /* odd while the guest changes the mapping */
};
typedef struct arch_shared_info arch_shared_info_t;

/* Per-domain x86 configuration at XEN_DOMCTL_createdomain. */
#define _XEN_X86_EMU_LAPIC     0
#define XEN_X86_EMU_LAPIC      (1U << _XEN_X86_EMU_LAPIC)
#define _XEN_X86_EMU_HPET      1
#define XEN_X86_EMU_HPET       (1U << _XEN_X86_EMU_HPET)
#define _XEN_X86_EMU_PM        2
#define XEN_X86_EMU_PM         (1U << _XEN_X86_EMU_PM)
#define _XEN_X86_EMU_RTC       3
#define XEN_X86_EMU_RTC        (1U << _XEN_X86_EMU_RTC)
#define _XEN_X86_EMU_IOAPIC    4
#define XEN_X86_EMU_IOAPIC     (1U << _XEN_X86_EMU_IOAPIC)
#define _XEN_X86_EMU_PIC       5
#define XEN_X86_EMU_PIC        (1U << _XEN_X86_EMU_PIC)
#define _XEN_X86_EMU_VGA       6
#define XEN_X86_EMU_VGA        (1U << _XEN_X86_EMU_VGA)
#define _XEN_X86_EMU_IOMMU     7
#define XEN_X86_EMU_IOMMU      (1U << _XEN_X86_EMU_IOMMU)
#define _XEN_X86_EMU_PIT       8
#define XEN_X86_EMU_PIT        (1U << _XEN_X86_EMU_PIT)
#define _XEN_X86_EMU_USE_PIRQ  9
#define XEN_X86_EMU_USE_PIRQ   (1U << _XEN_X86_EMU_USE_PIRQ)
#define _XEN_X86_EMU_VPCI      10
#define XEN_X86_EMU_VPCI       (1U << _XEN_X86_EMU_VPCI)
#define XEN_X86_EMU_ALL        0x7ffU   /* every bit above */

#define XEN_X86_MSR_RELAXED    (1U << 0)
#define XEN_X86_MISC_FLAGS_MAX XEN_X86_MSR_RELAXED

struct xen_arch_domainconfig {
    uint32_t emulation_flags;   /* XEN_X86_EMU_*: 0 for a PV domain */
    uint32_t misc_flags;        /* XEN_X86_MSR_RELAXED */
};

/* One CPUID leaf of a domain's policy (XEN_DOMCTL_{get,set}_cpu_policy). */
typedef struct xen_cpuid_leaf {
#define XEN_CPUID_NO_SUBLEAF 0xffffffffu
    uint32_t leaf, subleaf;
    uint32_t a, b, c, d;
} xen_cpuid_leaf_t;
DEFINE_XEN_GUEST_HANDLE(xen_cpuid_leaf_t);

/* One MSR of a domain's policy. */
typedef struct xen_msr_entry {
    uint32_t idx;
    uint32_t flags;             /* must be zero */
    uint64_t val;
} xen_msr_entry_t;
DEFINE_XEN_GUEST_HANDLE(xen_msr_entry_t);

#endif /* !__ASSEMBLY__ */

/*
 * The forced-emulation prefix: `ud2; .ascii "xen"` in front of an instruction
 * asks the hypervisor to emulate it (a PV guest uses it for CPUID so it sees
 * the hypervisor's policy rather than raw hardware values).
 */
#ifdef __ASSEMBLY__
#define XEN_EMULATE_PREFIX .byte 0x0f,0x0b,0x78,0x65,0x6e ;
#define XEN_CPUID          XEN_EMULATE_PREFIX cpuid
#else
#define XEN_EMULATE_PREFIX ".byte 0x0f,0x0b,0x78,0x65,0x6e ; "
#define XEN_CPUID          XEN_EMULATE_PREFIX "cpuid"
#endif

#define XEN_HVM_DEBUGCONS_IOPORT 0xe9

#endif /* PUBLIC_ARCH_X86_XEN_H */
