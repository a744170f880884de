/*
 * public/arch-x86/xen-x86_64.h — the 64-bit x86 PV specifics of the guest
 * ABI: the flat selectors the hypervisor provides, where the hypervisor's
 * hole in the guest address space lies, the iret hypercall frame and the
 * register block used in vCPU contexts.
 *
 * Normally reached through public/xen.h; including it first works too (the
 * include below, outside the guard, pulls in the rest of the ABI it uses).
 */
#include "../xen.h"

#ifndef PUBLIC_ARCH_X86_XEN_X86_64_H
#define PUBLIC_ARCH_X86_XEN_X86_64_H

/*
 * Flat segments, in the hypervisor-owned part of every GDT (entries 7168 and
 * up; see FIRST_RESERVED_GDT_ENTRY).  A 64-bit PV kernel runs in ring 3, so
 * its "kernel" selectors are the same ring-3 selectors its user space uses;
 * the hypervisor keeps the kernel/user distinction in software.
 */
#define FLAT_RING3_CS32 0xe023  /* entry 7172: 32-bit code, DPL 3 */
#define FLAT_RING3_CS64 0xe033  /* entry 7174: 64-bit code, DPL 3 */
#define FLAT_RING3_DS32 0xe02b  /* entry 7173: data, DPL 3 */
#define FLAT_RING3_DS64 0x0000  /* 64-bit data needs no descriptor */
#define FLAT_RING3_SS32 0xe02b
#define FLAT_RING3_SS64 0xe02b

#define FLAT_KERNEL_DS64 FLAT_RING3_DS64
#define FLAT_KERNEL_DS32 FLAT_RING3_DS32
#define FLAT_KERNEL_DS   FLAT_KERNEL_DS64
#define FLAT_KERNEL_CS64 FLAT_RING3_CS64
#define FLAT_KERNEL_CS32 FLAT_RING3_CS32
#define FLAT_KERNEL_CS   FLAT_KERNEL_CS64
#define FLAT_KERNEL_SS64 FLAT_RING3_SS64
#define FLAT_KERNEL_SS32 FLAT_RING3_SS32
#define FLAT_KERNEL_SS   FLAT_KERNEL_SS64

#define FLAT_USER_DS64 FLAT_RING3_DS64
#define FLAT_USER_DS32 FLAT_RING3_DS32
#define FLAT_USER_DS   FLAT_USER_DS64
#define FLAT_USER_CS64 FLAT_RING3_CS64
#define FLAT_USER_CS32 FLAT_RING3_CS32
#define FLAT_USER_CS   FLAT_USER_CS64
#define FLAT_USER_SS64 FLAT_RING3_SS64
#define FLAT_USER_SS32 FLAT_RING3_SS32
#define FLAT_USER_SS   FLAT_USER_SS64

/*
 * The hypervisor owns L4 slots 256-271 of every guest address space
 * (0xffff800000000000-0xffff880000000000).  The first 256 GiB of that range
 * is the read-only machine-to-phys table guests read to turn an MFN into
 * their PFN (8 bytes per MFN).
 */
#define __HYPERVISOR_VIRT_START 0xFFFF800000000000
#define __HYPERVISOR_VIRT_END   0xFFFF880000000000
#define __MACH2PHYS_VIRT_START  0xFFFF800000000000
#define __MACH2PHYS_VIRT_END    0xFFFF804000000000

#ifndef HYPERVISOR_VIRT_START
#define HYPERVISOR_VIRT_START xen_mk_ulong(__HYPERVISOR_VIRT_START)
#define HYPERVISOR_VIRT_END   xen_mk_ulong(__HYPERVISOR_VIRT_END)
#endif
#define MACH2PHYS_VIRT_START  xen_mk_ulong(__MACH2PHYS_VIRT_START)
#define MACH2PHYS_VIRT_END    xen_mk_ulong(__MACH2PHYS_VIRT_END)
#define MACH2PHYS_NR_ENTRIES  ((MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >> 3)
#ifndef machine_to_phys_mapping
#define machine_to_phys_mapping ((unsigned long *)HYPERVISOR_VIRT_START)
#endif

/* HYPERVISOR_set_segment_base(which, value). */
#define SEGBASE_FS          0
#define SEGBASE_GS_USER     1
#define SEGBASE_GS_KERNEL   2
#define SEGBASE_GS_USER_SEL 3   /* value[15:0] is a selector to load into user %gs */

/*
 * The iret hypercall finds this frame at the guest's %rsp.  flags carries
 * VGCF_in_syscall when the guest came in through syscall and rcx/r11 need
 * not be restored from the frame.
 */
#define _VGCF_in_syscall 8
#define VGCF_in_syscall  (1 << _VGCF_in_syscall)
#define VGCF_IN_SYSCALL  VGCF_in_syscall

#ifndef __ASSEMBLY__

struct iret_context {
    /* lowest address (guest %rsp at the hypercall) first */
    uint64_t rax, r11, rcx, flags, rip, cs, rflags, rsp, ss;
};

/*
 * Register names: each register is one 64-bit slot that can also be named by
 * its narrower aliases (rax/eax/ax/al/ah, r8/r8d/r8w/r8b, ...).  The layout is
 * Xen's: the order matches the hypervisor's exception-entry push order.
 */
#define __XEN_REG_ABCD(n) union { \
    uint64_t r##n##x; uint32_t e##n##x; uint16_t n##x; \
    struct { uint8_t n##l, n##h; }; }
#define __XEN_REG_IDX(x) union { \
    uint64_t r##x; uint32_t e##x; uint16_t x; uint8_t x##l; }
#define __XEN_REG_16(x) union { uint64_t r##x; uint32_t e##x; uint16_t x; }
#define __XEN_REG_NUM(n) union { \
    uint64_t r##n; uint32_t r##n##d; uint16_t r##n##w; uint8_t r##n##b; }

struct cpu_user_regs {
    __XEN_REG_NUM(15);
    __XEN_REG_NUM(14);
    __XEN_REG_NUM(13);
    __XEN_REG_NUM(12);
    __XEN_REG_IDX(bp);
    __XEN_REG_ABCD(b);
    __XEN_REG_NUM(11);
    __XEN_REG_NUM(10);
    __XEN_REG_NUM(9);
    __XEN_REG_NUM(8);
    __XEN_REG_ABCD(a);
    __XEN_REG_ABCD(c);
    __XEN_REG_ABCD(d);
    __XEN_REG_IDX(si);
    __XEN_REG_IDX(di);
    uint32_t error_code;        /* hypervisor-private */
    uint32_t entry_vector;      /* hypervisor-private */
    __XEN_REG_16(ip);
    uint16_t cs, _pad0[1];
    uint8_t  saved_upcall_mask; /* the guest's event mask at the time of entry */
    uint8_t  _pad1[3];
    __XEN_REG_16(flags);        /* rflags.IF is the inverse of saved_upcall_mask */
    __XEN_REG_IDX(sp);
    uint16_t ss, _pad2[3];
    uint16_t es, _pad3[3];
    uint16_t ds, _pad4[3];
    uint16_t fs, _pad5[3];
    uint16_t gs, _pad6[3];
};
typedef struct cpu_user_regs cpu_user_regs_t;
DEFINE_XEN_GUEST_HANDLE(cpu_user_regs_t);

#undef __XEN_REG_ABCD
#undef __XEN_REG_IDX
#undef __XEN_REG_16
#undef __XEN_REG_NUM

/* 64-bit CR3 values carry the frame number unfolded. */
#define xen_pfn_to_cr3(pfn) ((unsigned long)(pfn) << 12)
#define xen_cr3_to_pfn(cr3) ((unsigned long)(cr3) >> 12)

struct arch_vcpu_info {
    unsigned long cr2;          /* faulting address of the last #PF bounced */
    unsigned long pad;          /* keeps vcpu_info at 64 bytes */
};
typedef struct arch_vcpu_info arch_vcpu_info_t;

/* A 64-bit guest names callbacks by linear address alone. */
typedef unsigned long xen_callback_t;

#endif /* !__ASSEMBLY__ */

#endif /* PUBLIC_ARCH_X86_XEN_X86_64_H */
