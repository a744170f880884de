/*
 * public/xen.h — the core of the Xen PV guest ABI as this hypervisor
 * implements it: hypercall numbers, VIRQs, the MMU hypercall records,
 * domain ids, the shared_info / vcpu_info / start_info pages, multicall
 * entries and guest-handle types.
 *
 * This is the one specification shared by the hypervisor, the dom0 tools,
 * xenstore, the PV drivers and the tests.  Layouts and numbers are Xen 4.17's
 * (tests/unit/abi compares them with Debian's libxen-dev headers at build
 * time); the text is ours.  It needs nothing beyond <stdint.h>, so it builds
 * freestanding and on the host.  Where we differ from Xen, docs/abi.md says.
 */
#ifndef PUBLIC_XEN_H
#define PUBLIC_XEN_H

#include "xen-compat.h"
#include "arch-x86/xen.h"

#ifndef __ASSEMBLY__

DEFINE_XEN_GUEST_HANDLE(char);
__DEFINE_XEN_GUEST_HANDLE(uchar, unsigned char);
DEFINE_XEN_GUEST_HANDLE(int);
__DEFINE_XEN_GUEST_HANDLE(uint, unsigned int);
DEFINE_XEN_GUEST_HANDLE(void);
DEFINE_XEN_GUEST_HANDLE(uint64_t);
DEFINE_XEN_GUEST_HANDLE(xen_pfn_t);
DEFINE_XEN_GUEST_HANDLE(xen_ulong_t);
__DEFINE_XEN_GUEST_HANDLE(uint8, uint8_t);
__DEFINE_XEN_GUEST_HANDLE(uint16, uint16_t);
__DEFINE_XEN_GUEST_HANDLE(uint32, uint32_t);
__DEFINE_XEN_GUEST_HANDLE(uint64, uint64_t);

/* Trailing variable-length arrays. */
#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 199901L
#define XEN_FLEX_ARRAY_DIM
#else
#define XEN_FLEX_ARRAY_DIM 0
#endif

#define __xen_mk_uint(x)  x ## U
#define __xen_mk_ulong(x) x ## UL
#ifndef __xen_mk_ullong
#define __xen_mk_ullong(x) x ## ULL
#endif
#define xen_mk_uint(x)    __xen_mk_uint(x)
#define xen_mk_ulong(x)   __xen_mk_ulong(x)
#define xen_mk_ullong(x)  __xen_mk_ullong(x)

#else /* __ASSEMBLY__ */
#define xen_mk_uint(x)   x
#define xen_mk_ulong(x)  x
#define xen_mk_ullong(x) x
#endif

/* 64-bit fields that must be 8-byte aligned even in 32-bit tool builds. */
#ifndef uint64_aligned_t
#define uint64_aligned_t uint64_t
#endif
#ifndef int64_aligned_t
#define int64_aligned_t int64_t
#endif

/*
 * Hypercall numbers (RAX).  Arguments go in RDI, RSI, RDX, R10, R8; the
 * result comes back in RAX as a negative errno on failure.
 */
#define __HYPERVISOR_set_trap_table               0
#define __HYPERVISOR_mmu_update                   1
#define __HYPERVISOR_set_gdt                      2
#define __HYPERVISOR_stack_switch                 3
#define __HYPERVISOR_set_callbacks                4
#define __HYPERVISOR_fpu_taskswitch               5
#define __HYPERVISOR_sched_op_compat              6   /* obsolete form of 29 */
#define __HYPERVISOR_platform_op                  7
#define __HYPERVISOR_set_debugreg                 8
#define __HYPERVISOR_get_debugreg                 9
#define __HYPERVISOR_update_descriptor           10
#define __HYPERVISOR_memory_op                   12
#define __HYPERVISOR_multicall                   13
#define __HYPERVISOR_update_va_mapping           14
#define __HYPERVISOR_set_timer_op                15
#define __HYPERVISOR_event_channel_op_compat     16   /* obsolete form of 32 */
#define __HYPERVISOR_xen_version                 17
#define __HYPERVISOR_console_io                  18
#define __HYPERVISOR_physdev_op_compat           19   /* obsolete form of 33 */
#define __HYPERVISOR_grant_table_op              20
#define __HYPERVISOR_vm_assist                   21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret                        23
#define __HYPERVISOR_vcpu_op                     24
#define __HYPERVISOR_set_segment_base            25
#define __HYPERVISOR_mmuext_op                   26
#define __HYPERVISOR_xsm_op                      27
#define __HYPERVISOR_nmi_op                      28
#define __HYPERVISOR_sched_op                    29
#define __HYPERVISOR_callback_op                 30
#define __HYPERVISOR_xenoprof_op                 31
#define __HYPERVISOR_event_channel_op            32
#define __HYPERVISOR_physdev_op                  33
#define __HYPERVISOR_hvm_op                      34
#define __HYPERVISOR_sysctl                      35
#define __HYPERVISOR_domctl                      36
#define __HYPERVISOR_kexec_op                    37
#define __HYPERVISOR_tmem_op                     38
#define __HYPERVISOR_argo_op                     39
#define __HYPERVISOR_xenpmu_op                   40
#define __HYPERVISOR_dm_op                       41
#define __HYPERVISOR_hypfs_op                    42
/* Architecture-specific numbers. */
#define __HYPERVISOR_arch_0                      48
#define __HYPERVISOR_mca                         __HYPERVISOR_arch_0 /* x86 machine check (arch-x86/xen-mca.h) */
#define __HYPERVISOR_arch_1                      49
#define __HYPERVISOR_arch_2                      50
#define __HYPERVISOR_arch_3                      51
#define __HYPERVISOR_arch_4                      52
#define __HYPERVISOR_arch_5                      53
#define __HYPERVISOR_arch_6                      54
#define __HYPERVISOR_arch_7                      55
/* Size of the hypercall page's stub table (32 bytes a stub, one 4 KiB page). */
#define XEN_HYPERCALL_PAGE_ENTRIES              128

/*
 * Virtual interrupts, bound with EVTCHNOP_bind_virq.  Per-vCPU ones (V) are
 * bound on each vCPU separately; global ones (G) once, usually by dom0.
 */
#define VIRQ_TIMER      0   /* V: singleshot/periodic timer */
#define VIRQ_DEBUG      1   /* V: dump state ('q' key) */
#define VIRQ_CONSOLE    2   /* G: input on the hypervisor console (dom0) */
#define VIRQ_DOM_EXC    3   /* G: a domain shut down or crashed (dom0) */
#define VIRQ_TBUF       4   /* G: trace buffer records available */
#define VIRQ_DEBUGGER   6   /* G: a domain paused for the debugger */
#define VIRQ_XENOPROF   7   /* V: profiling sample */
#define VIRQ_CON_RING   8   /* G: new text in the hypervisor console ring */
#define VIRQ_PCPU_STATE 9   /* G: a physical CPU changed state */
#define VIRQ_MEM_EVENT  10  /* G: a memory event */
#define VIRQ_ARGO       11  /* G: Argo message */
#define VIRQ_ENOMEM     12  /* G: hypervisor heap is low */
#define VIRQ_XENPMU     13  /* V: PMU interrupt */
#define VIRQ_ARCH_0     16
#define VIRQ_ARCH_1     17
#define VIRQ_ARCH_2     18
#define VIRQ_ARCH_3     19
#define VIRQ_ARCH_4     20
#define VIRQ_ARCH_5     21
#define VIRQ_ARCH_6     22
#define VIRQ_ARCH_7     23
#define NR_VIRQS        24

/*
 * HYPERVISOR_mmu_update(reqs, count, done, foreigndom): each request's ptr
 * is a machine address whose low 2 bits (free because entries are 8-byte
 * aligned) select the command:
 *   NORMAL_PT_UPDATE       *ptr = val, after validating val as a PTE of the
 *                          page-table level that the frame at ptr has
 *                          (val's frame is a GPFN of foreigndom when set);
 *   MACHPHYS_UPDATE        M2P[ptr >> 12] = val (a PFN of the caller);
 *   PT_UPDATE_PRESERVE_AD  as NORMAL, but keep the A/D bits already set;
 *   PT_UPDATE_NO_TRANSLATE as NORMAL, val never translated (auto-translated
 *                          guests only).
 */
#define MMU_NORMAL_PT_UPDATE       0
#define MMU_MACHPHYS_UPDATE        1
#define MMU_PT_UPDATE_PRESERVE_AD  2
#define MMU_PT_UPDATE_NO_TRANSLATE 3

/*
 * HYPERVISOR_mmuext_op(ops, count, done, foreigndom): extended MMU
 * commands.  arg1/arg2 use depends on cmd (see struct mmuext_op).
 */
#define MMUEXT_PIN_L1_TABLE        0   /* mfn: validate as L1 and keep it so */
#define MMUEXT_PIN_L2_TABLE        1
#define MMUEXT_PIN_L3_TABLE        2
#define MMUEXT_PIN_L4_TABLE        3
#define MMUEXT_UNPIN_TABLE         4   /* mfn */
#define MMUEXT_NEW_BASEPTR         5   /* mfn: new kernel L4 (CR3) */
#define MMUEXT_TLB_FLUSH_LOCAL     6
#define MMUEXT_INVLPG_LOCAL        7   /* linear_addr */
#define MMUEXT_TLB_FLUSH_MULTI     8   /* vcpumask */
#define MMUEXT_INVLPG_MULTI        9   /* linear_addr, vcpumask */
#define MMUEXT_TLB_FLUSH_ALL      10
#define MMUEXT_INVLPG_ALL         11   /* linear_addr */
#define MMUEXT_FLUSH_CACHE        12
#define MMUEXT_SET_LDT            13   /* linear_addr, nr_ents */
#define MMUEXT_NEW_USER_BASEPTR   15   /* mfn: user-mode L4 (0 = none) */
#define MMUEXT_CLEAR_PAGE         16   /* mfn */
#define MMUEXT_COPY_PAGE          17   /* mfn (dest), src_mfn */
#define MMUEXT_FLUSH_CACHE_GLOBAL 18
#define MMUEXT_MARK_SUPER         19
#define MMUEXT_UNMARK_SUPER       20

#ifndef __ASSEMBLY__
struct mmuext_op {
    unsigned int cmd;                       /* MMUEXT_* */
    union {
        xen_pfn_t     mfn;
        unsigned long linear_addr;
    } arg1;
    union {
        unsigned int  nr_ents;
        XEN_GUEST_HANDLE(const_void) vcpumask;
        xen_pfn_t     src_mfn;
    } arg2;
};
typedef struct mmuext_op mmuext_op_t;
DEFINE_XEN_GUEST_HANDLE(mmuext_op_t);
#endif

/*
 * update_va_mapping flags: the low two bits say what to flush, the rest
 * which TLBs.  Besides UVMF_LOCAL / UVMF_ALL, the caller may pass a pointer
 * to a vCPU bitmap (it is at least 4-byte aligned, so its low bits are free).
 */
#define UVMF_NONE           (xen_mk_ulong(0) << 0)
#define UVMF_TLB_FLUSH      (xen_mk_ulong(1) << 0)
#define UVMF_INVLPG         (xen_mk_ulong(2) << 0)
#define UVMF_FLUSHTYPE_MASK (xen_mk_ulong(3) << 0)
#define UVMF_MULTI          (xen_mk_ulong(0) << 2)
#define UVMF_LOCAL          (xen_mk_ulong(0) << 2)
#define UVMF_ALL            (xen_mk_ulong(1) << 2)

/* HYPERVISOR_console_io(cmd, count, buffer). */
#define CONSOLEIO_write 0
#define CONSOLEIO_read  1

/* HYPERVISOR_vm_assist(cmd, type). */
#define VMASST_CMD_enable                0
#define VMASST_CMD_disable               1
#define VMASST_TYPE_4gb_segments         0
#define VMASST_TYPE_4gb_segments_notify  1
#define VMASST_TYPE_writable_pagetables  2
#define VMASST_TYPE_pae_extended_cr3     3
#define VMASST_TYPE_architectural_iopl   4
#define VMASST_TYPE_runstate_update_flag 5
#define VMASST_TYPE_m2p_strict           32

/*
 * Domain ids.  Real domains are 0 .. DOMID_FIRST_RESERVED-1; the values
 * from DOMID_FIRST_RESERVED up name pseudo-domains in hypercall arguments.
 */
#define DOMID_FIRST_RESERVED xen_mk_uint(0x7FF0)
#define DOMID_SELF           xen_mk_uint(0x7FF0)  /* the caller */
#define DOMID_IO             xen_mk_uint(0x7FF1)  /* owner of I/O memory */
#define DOMID_XEN            xen_mk_uint(0x7FF2)  /* owner of hypervisor frames */
#define DOMID_COW            xen_mk_uint(0x7FF3)  /* owner of shared copy-on-write frames */
#define DOMID_INVALID        xen_mk_uint(0x7FF4)  /* "no domain" */
#define DOMID_IDLE           xen_mk_uint(0x7FFF)  /* the idle domain */
#define DOMID_MASK           xen_mk_uint(0x7FFF)

#ifndef __ASSEMBLY__

typedef uint16_t domid_t;

/* One HYPERVISOR_mmu_update request. */
struct mmu_update {
    uint64_t ptr;       /* machine address of the PTE, low bits = MMU_* */
    uint64_t val;       /* new PTE contents */
};
typedef struct mmu_update mmu_update_t;
DEFINE_XEN_GUEST_HANDLE(mmu_update_t);

/*
 * One entry of HYPERVISOR_multicall(entries, count): op and args in, the
 * call's return value out in result.
 */
struct multicall_entry {
    xen_ulong_t op, result;
    xen_ulong_t args[6];
};
typedef struct multicall_entry multicall_entry_t;
DEFINE_XEN_GUEST_HANDLE(multicall_entry_t);

/*
 * Per-vCPU time, pvclock protocol.  The hypervisor makes version odd before
 * changing the other fields and even again afterwards; a reader retries if
 * version was odd or changed.  Now (ns since boot) is
 *   system_time + ((((tsc - tsc_timestamp) << tsc_shift) * tsc_to_system_mul) >> 32)
 * where a negative tsc_shift means a right shift.
 */
struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;     /* TSC when the values below were taken */
    uint64_t system_time;       /* ns since boot at tsc_timestamp */
    uint32_t tsc_to_system_mul; /* 32.32 fixed-point ns per (shifted) tick */
    int8_t   tsc_shift;
    uint8_t  flags;             /* XEN_PVCLOCK_* */
    uint8_t  pad1[2];
};
typedef struct vcpu_time_info vcpu_time_info_t;

#define XEN_PVCLOCK_TSC_STABLE_BIT (1 << 0)
#define XEN_PVCLOCK_GUEST_STOPPED  (1 << 1)

/*
 * Per-vCPU event state (64 bytes).  The hypervisor sets upcall_pending and
 * the selector bit of the pending word; the guest clears upcall_pending
 * before scanning.  While upcall_mask is non-zero no upcall is delivered;
 * SCHEDOP_block clears it.
 */
struct vcpu_info {
    uint8_t evtchn_upcall_pending;
    uint8_t evtchn_upcall_mask;
    xen_ulong_t evtchn_pending_sel; /* which words of evtchn_pending to scan */
    struct arch_vcpu_info arch;
    vcpu_time_info_t time;
};
typedef struct vcpu_info vcpu_info_t;

/*
 * The shared_info page, one per domain, mapped by the guest at a frame whose
 * machine address start_info gives.  Event channels use the 2-level scheme:
 * one pending and one mask bit per port.
 */
struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    xen_ulong_t evtchn_pending[sizeof(xen_ulong_t) * 8];
    xen_ulong_t evtchn_mask[sizeof(xen_ulong_t) * 8];
    /*
     * Wall-clock time at system time 0, versioned like vcpu_time_info.
     * Seconds are 64-bit: wc_sec_hi holds the upper half.
     */
    uint32_t wc_version;
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;
#define xen_wc_sec_hi wc_sec_hi
    struct arch_shared_info arch;
};
typedef struct shared_info shared_info_t;

/*
 * start_info: what the domain builder tells a PV kernel at entry (RSI holds
 * its virtual address).  The first block is also refreshed on resume.
 */
#define MAX_GUEST_CMDLINE 1024
struct start_info {
    char magic[32];             /* "xen-3.0-x86_64" */
    unsigned long nr_pages;     /* pages the domain owns */
    unsigned long shared_info;  /* machine address of shared_info */
    uint32_t flags;             /* SIF_* */
    xen_pfn_t store_mfn;        /* machine frame of the xenstore ring */
    uint32_t store_evtchn;      /* its event channel */
    union {
        struct {
            xen_pfn_t mfn;      /* machine frame of the console ring */
            uint32_t  evtchn;   /* its event channel */
        } domU;
        struct {
            uint32_t info_off;  /* offset of a dom0_vga_console_info from start_info */
            uint32_t info_size; /* its size */
        } dom0;
    } console;
    /* initial boot only: */
    unsigned long pt_base;      /* virtual address of the bootstrap L4 */
    unsigned long nr_pt_frames; /* frames of bootstrap page tables */
    unsigned long mfn_list;     /* virtual address of the p2m list */
    unsigned long mod_start;    /* virtual address of the initrd, or its
                                   first PFN with SIF_MOD_START_PFN */
    unsigned long mod_len;      /* initrd size in bytes */
    int8_t cmd_line[MAX_GUEST_CMDLINE];
    /* frames holding the p2m when it is mapped elsewhere (INIT_P2M) */
    unsigned long first_p2m_pfn;
    unsigned long nr_p2m_frames;
};
typedef struct start_info start_info_t;

#endif /* !__ASSEMBLY__ */

/* start_info.flags */
#define SIF_PRIVILEGED      (1 << 0)  /* may use privileged operations */
#define SIF_INITDOMAIN      (1 << 1)  /* the initial domain (dom0) */
#define SIF_MULTIBOOT_MOD   (1 << 2)  /* mod_start points at xen_multiboot_mod_list[] */
#define SIF_MOD_START_PFN   (1 << 3)  /* mod_start is a PFN, the initrd is unmapped */
#define SIF_VIRT_P2M_4TOOLS (1 << 4)  /* tools understand the linear p2m list */
#define SIF_PM_MASK         (0xFF << 8) /* reserved for power management */

#ifndef __ASSEMBLY__

/* SIF_MULTIBOOT_MOD: mod_start then points at an array of these (addresses physical). */
struct xen_multiboot_mod_list {
    uint32_t mod_start;         /* first byte */
    uint32_t mod_end;           /* last byte (inclusive) */
    uint32_t cmdline;           /* NUL-terminated string */
    uint32_t pad;               /* zero */
};

/* Console description handed to dom0 after start_info (console.dom0). */
typedef struct dom0_vga_console_info {
    uint8_t video_type;
#define XEN_VGATYPE_TEXT_MODE_3 0x03
#define XEN_VGATYPE_VESA_LFB    0x23
#define XEN_VGATYPE_EFI_LFB     0x70
    union {
        struct {
            uint16_t font_height;
            uint16_t cursor_x, cursor_y;
            uint16_t rows, columns;
        } text_mode_3;
        struct {
            uint16_t width, height;
            uint16_t bytes_per_line;
            uint16_t bits_per_pixel;
            uint32_t lfb_base;      /* low 32 bits of the framebuffer address */
            uint32_t lfb_size;      /* in 64 KiB units */
            uint8_t  red_pos, red_size;
            uint8_t  green_pos, green_size;
            uint8_t  blue_pos, blue_size;
            uint8_t  rsvd_pos, rsvd_size;
            uint32_t gbl_caps;      /* VBE capabilities */
            uint16_t mode_attrs;    /* VBE mode attributes */
            uint16_t pad;
            uint32_t ext_lfb_base;  /* high 32 bits of the framebuffer address */
        } vesa_lfb;
    } u;
} dom0_vga_console_info_t;
#define xen_vga_console_info   dom0_vga_console_info
#define xen_vga_console_info_t dom0_vga_console_info_t

typedef uint8_t xen_domain_handle_t[16];

typedef struct {
    uint8_t a[16];
} xen_uuid_t;

/* A bitmap passed to the control hypercalls (cpumaps, nodemaps). */
struct xenctl_bitmap {
    XEN_GUEST_HANDLE_64(uint8) bitmap;
    uint32_t nr_bits;
};
typedef struct xenctl_bitmap xenctl_bitmap_t;

#endif /* !__ASSEMBLY__ */

#endif /* PUBLIC_XEN_H */
