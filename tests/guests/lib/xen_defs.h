/*
 * xen_defs.h — the minimal slice of Xen's public PV ABI the test guests use.
 *
 * Kept in this one file until the shared public headers in
 * hypervisor/include/public/ exist; every number here is an ABI constant
 * (hypercall numbers, sub-ops, structure layouts) checked against the public
 * interface, so switching later is a matter of replacing the includes.
 */
#ifndef GUEST_XEN_DEFS_H
#define GUEST_XEN_DEFS_H

#include <stdint.h>
#include <stddef.h>

/* Hypercall numbers. */
#define __HYPERVISOR_set_trap_table        0
#define __HYPERVISOR_mmu_update            1
#define __HYPERVISOR_set_gdt               2
#define __HYPERVISOR_stack_switch          3
#define __HYPERVISOR_set_callbacks         4
#define __HYPERVISOR_fpu_taskswitch        5
#define __HYPERVISOR_sched_op_compat       6
#define __HYPERVISOR_platform_op           7
#define __HYPERVISOR_set_debugreg          8
#define __HYPERVISOR_get_debugreg          9
#define __HYPERVISOR_update_descriptor    10
#define __HYPERVISOR_memory_op            12
#define __HYPERVISOR_multicall            13
#define __HYPERVISOR_update_va_mapping    14
#define __HYPERVISOR_set_timer_op         15
#define __HYPERVISOR_event_channel_op_compat 16
#define __HYPERVISOR_xen_version          17
#define __HYPERVISOR_console_io           18
#define __HYPERVISOR_physdev_op_compat    19
#define __HYPERVISOR_grant_table_op       20
#define __HYPERVISOR_vm_assist            21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret                 23
#define __HYPERVISOR_vcpu_op              24
#define __HYPERVISOR_set_segment_base     25
#define __HYPERVISOR_mmuext_op            26
#define __HYPERVISOR_xsm_op               27
#define __HYPERVISOR_nmi_op               28
#define __HYPERVISOR_sched_op             29
#define __HYPERVISOR_callback_op          30
#define __HYPERVISOR_xenoprof_op          31
#define __HYPERVISOR_event_channel_op     32
#define __HYPERVISOR_physdev_op           33
#define __HYPERVISOR_hvm_op               34
#define __HYPERVISOR_sysctl               35
#define __HYPERVISOR_domctl               36

/* Linux-style errno values, as Xen returns them (negated). */
#define XEN_EPERM    1
#define XEN_ENOENT   2
#define XEN_ESRCH    3
#define XEN_EINTR    4
#define XEN_EBADF    9
#define XEN_EAGAIN  11
#define XEN_ENOMEM  12
#define XEN_EACCES  13
#define XEN_EFAULT  14
#define XEN_EBUSY   16
#define XEN_EEXIST  17
#define XEN_EINVAL  22
#define XEN_ENOSPC  28
#define XEN_ERANGE  34
#define XEN_ENOSYS  38
#define XEN_EOPNOTSUPP 95

/* Selectors of the flat segments every PV guest can use. */
#define FLAT_RING3_CS32   0xe023
#define FLAT_RING3_DS     0xe02b
#define FLAT_RING3_CS64   0xe033
#define FLAT_KERNEL_CS    FLAT_RING3_CS64
#define FLAT_KERNEL_SS    FLAT_RING3_DS
#define FLAT_USER_CS      FLAT_RING3_CS64
#define FLAT_USER_SS      FLAT_RING3_DS
#define FIRST_RESERVED_GDT_ENTRY 7168

/* set_trap_table */
struct trap_info {
    uint8_t  vector;
    uint8_t  flags;        /* bits 0-1: DPL, bit 2: mask events on entry */
    uint16_t cs;
    uint32_t pad;
    unsigned long address;
};
#define TI_SET_DPL(t, d) ((t)->flags |= (d))
#define TI_SET_IF(t, i)  ((t)->flags |= ((!!(i)) << 2))

/* console_io */
#define CONSOLEIO_write 0
#define CONSOLEIO_read  1

/* sched_op */
#define SCHEDOP_yield    0
#define SCHEDOP_block    1
#define SCHEDOP_shutdown 2
#define SCHEDOP_poll     3
#define SCHEDOP_remote_shutdown 4
#define SCHEDOP_shutdown_code 5
#define SCHEDOP_watchdog 6
#define SCHEDOP_pin_override 7
#define SHUTDOWN_poweroff 0
#define SHUTDOWN_reboot   1
#define SHUTDOWN_suspend  2
#define SHUTDOWN_crash    3
#define SHUTDOWN_watchdog 4
struct sched_shutdown { unsigned int reason; };
struct sched_poll {
    uint32_t *ports;       /* guest handle */
    unsigned int nr_ports;
    uint64_t timeout;
};

/* xen_version */
#define XENVER_version      0
#define XENVER_extraversion 1
#define XENVER_compile_info 2
#define XENVER_capabilities 3
#define XENVER_changeset    4
#define XENVER_platform_parameters 5
#define XENVER_get_features 6
#define XENVER_pagesize     7
#define XENVER_guest_handle 8
#define XENVER_commandline  9
#define XENVER_build_id    10
struct xen_feature_info { unsigned int submap_idx; uint32_t submap; };
typedef char xen_capabilities_info_t[1024];
typedef char xen_extraversion_t[16];
struct xen_platform_parameters { unsigned long virt_start; };
#define XENFEAT_writable_page_tables       0
#define XENFEAT_writable_descriptor_tables 1
#define XENFEAT_auto_translated_physmap    2
#define XENFEAT_supervisor_mode_kernel     3
#define XENFEAT_pae_pgdir_above_4gb        4
#define XENFEAT_mmu_pt_update_preserve_ad  5
#define XENFEAT_highmem_assist             6
#define XENFEAT_gnttab_map_avail_bits      7
#define XENFEAT_hvm_callback_vector        8
#define XENFEAT_dom0                      11

/* vm_assist */
#define VMASST_CMD_enable  0
#define VMASST_CMD_disable 1
#define VMASST_TYPE_4gb_segments        0
#define VMASST_TYPE_4gb_segments_notify 1
#define VMASST_TYPE_writable_pagetables 2
#define VMASST_TYPE_pae_extended_cr3    3
#define VMASST_TYPE_architectural_iopl  4
#define VMASST_TYPE_runstate_update_flag 5
#define VMASST_TYPE_m2p_strict          32

/* set_callbacks / callback_op */
#define CALLBACKTYPE_event    0
#define CALLBACKTYPE_failsafe 1
#define CALLBACKTYPE_syscall  2
#define CALLBACKTYPE_syscall32 7
#define CALLBACKTYPE_sysenter 5
#define CALLBACKTYPE_nmi      4
#define CALLBACKF_mask_events (1u << 0)
#define CALLBACKOP_register   0
#define CALLBACKOP_unregister 1
struct callback_register {
    uint16_t type;
    uint16_t flags;
    uint32_t pad;
    unsigned long address;
};
struct callback_unregister { uint16_t type; uint16_t pad; };

/* set_segment_base */
#define SEGBASE_FS          0
#define SEGBASE_GS_USER     1
#define SEGBASE_GS_KERNEL   2
#define SEGBASE_GS_USER_SEL 3

/* mmu_update / mmuext_op / update_va_mapping */
#define MMU_NORMAL_PT_UPDATE 0
#define MMU_MACHPHYS_UPDATE  1
#define MMUEXT_PIN_L1_TABLE     0
#define MMUEXT_PIN_L4_TABLE     3
#define MMUEXT_UNPIN_TABLE      4
#define MMUEXT_NEW_BASEPTR      5
#define MMUEXT_TLB_FLUSH_LOCAL  6
#define MMUEXT_INVLPG_LOCAL     7
#define MMUEXT_NEW_USER_BASEPTR 15
struct mmuext_op {
    unsigned int cmd;
    unsigned int pad;
    union { unsigned long mfn; unsigned long linear_addr; } arg1;
    union { unsigned int nr_ents; void *vcpumask; unsigned long src_mfn; } arg2;
};
struct mmu_update { uint64_t ptr; uint64_t val; };
#define UVMF_NONE        0
#define UVMF_TLB_FLUSH   1
#define UVMF_INVLPG      2
#define UVMF_LOCAL       0
#define UVMF_ALL         4
#define DOMID_SELF       0x7ff0

/* multicall */
struct multicall_entry {
    unsigned long op;
    unsigned long result;
    unsigned long args[6];
};

/* vcpu_op */
#define VCPUOP_initialise 0
#define VCPUOP_up         1
#define VCPUOP_down       2
#define VCPUOP_is_up      3
#define VCPUOP_get_runstate_info 4
#define VCPUOP_register_runstate_memory_area 5
#define VCPUOP_stop_periodic_timer 7
#define VCPUOP_set_singleshot_timer 8
#define VCPUOP_stop_singleshot_timer 9
#define VCPUOP_register_vcpu_info 10
struct vcpu_set_singleshot_timer { uint64_t timeout_abs_ns; uint32_t flags; };
#define VCPU_SSHOTTMR_future (1u << 0)

/* VCPUOP_initialise: the x86_64 vCPU context */
struct cpu_user_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi;
    uint32_t error_code, entry_vector;
    uint64_t rip;
    uint16_t cs, pad0;
    uint8_t  saved_upcall_mask, pad1[3];
    uint64_t rflags, rsp;
    uint16_t ss, pad2[3];
    uint16_t es, pad3[3];
    uint16_t ds, pad4[3];
    uint16_t fs, pad5[3];
    uint16_t gs, pad6[3];
};
struct vcpu_guest_context {
    char fpu_ctxt[512];
    unsigned long flags;
    struct cpu_user_regs user_regs;
    struct trap_info trap_ctxt[256];      /* indexed by vector */
    unsigned long ldt_base, ldt_ents;
    unsigned long gdt_frames[16], gdt_ents;
    unsigned long kernel_ss, kernel_sp;
    unsigned long ctrlreg[8];
    unsigned long debugreg[8];
    unsigned long event_callback_eip;
    unsigned long failsafe_callback_eip;
    unsigned long syscall_callback_eip;
    unsigned long vm_assist;
    uint64_t fs_base, gs_base_kernel, gs_base_user;
};
#define VGCF_i387_valid (1UL << 0)
#define VGCF_in_kernel  (1UL << 2)

/* event_channel_op */
#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq  1
#define EVTCHNOP_close      3
#define EVTCHNOP_send       4
#define EVTCHNOP_status     5
#define EVTCHNOP_alloc_unbound 6
#define EVTCHNOP_bind_ipi   7
#define EVTCHNOP_unmask     9
struct evtchn_alloc_unbound { uint16_t dom, remote_dom; uint32_t port; };
struct evtchn_send { uint32_t port; };
struct evtchn_close { uint32_t port; };
struct evtchn_bind_ipi { uint32_t vcpu; uint32_t port; };
struct evtchn_bind_virq { uint32_t virq; uint32_t vcpu; uint32_t port; };
#define VIRQ_TIMER 0

/* physdev_op */
#define PHYSDEVOP_set_iopl 6
struct physdev_set_iopl { uint32_t iopl; };

/* start_info and shared_info (64-bit layouts) */
struct start_info {
    char magic[32];
    unsigned long nr_pages;
    unsigned long shared_info;     /* machine address */
    uint32_t flags;
    uint32_t pad0;
    uint64_t store_mfn;
    uint32_t store_evtchn;
    uint32_t pad1;
    union {
        struct { uint64_t mfn; uint32_t evtchn; } domU;
        struct { uint32_t info_off; uint32_t info_size; } dom0;
    } console;
    unsigned long pt_base;
    unsigned long nr_pt_frames;
    unsigned long mfn_list;
    unsigned long mod_start;
    unsigned long mod_len;
    char cmd_line[1024];
    unsigned long first_p2m_pfn;
    unsigned long nr_p2m_frames;
};
#define SIF_PRIVILEGED  (1u << 0)
#define SIF_INITDOMAIN  (1u << 1)

struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time;
    uint32_t tsc_to_system_mul;
    int8_t   tsc_shift;
    uint8_t  flags;
    uint8_t  pad1[2];
};
struct vcpu_info {
    uint8_t  evtchn_upcall_pending;
    uint8_t  evtchn_upcall_mask;
    uint8_t  pad[6];
    unsigned long evtchn_pending_sel;
    unsigned long cr2;              /* arch_vcpu_info */
    unsigned long arch_pad;
    struct vcpu_time_info time;
};
struct shared_info {
    struct vcpu_info vcpu_info[32];
    unsigned long evtchn_pending[64];
    unsigned long evtchn_mask[64];
    uint32_t wc_version;
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;
    /* arch_shared_info follows; unused here */
};

_Static_assert(sizeof(struct trap_info) == 16, "trap_info layout");
_Static_assert(sizeof(struct vcpu_info) == 64, "vcpu_info layout");
_Static_assert(offsetof(struct start_info, cmd_line) == 128, "start_info layout");
_Static_assert(offsetof(struct start_info, first_p2m_pfn) == 1152, "start_info layout");
_Static_assert(offsetof(struct shared_info, wc_version) == 3072, "shared_info layout");
_Static_assert(sizeof(struct multicall_entry) == 64, "multicall layout");
_Static_assert(sizeof(struct cpu_user_regs) == 200, "cpu_user_regs layout");
_Static_assert(offsetof(struct vcpu_guest_context, trap_ctxt) == 720, "vcpu context layout");
_Static_assert(sizeof(struct vcpu_guest_context) == 5168, "vcpu context layout");

#endif
