/*
 * hypercall-defs.h — THE list of hypercalls the hypervisor implements.  The
 * dispatch table (arch/x86/pv/hypercall.c), the multicall path and the
 * "unimplemented" logging are all generated from it; a number not listed
 * here answers -ENOSYS.
 *
 * HYPERCALL(nr, name, call): call is an expression over the argument
 * registers a1..a5 (RDI, RSI, RDX, R10, R8) that invokes the handler with
 * the right types.  GH(type, x) turns a register into a guest handle.
 */
#ifndef XEN_HYPERCALL_DEFS_H
#define XEN_HYPERCALL_DEFS_H

#define GH(type, x) ((XEN_GUEST_HANDLE_PARAM(type)){ \
    (__typeof__(((XEN_GUEST_HANDLE_PARAM(type) *)0)->p))(x) })

#define HYPERCALL_LIST(HYPERCALL) \
    HYPERCALL(0,  set_trap_table,    do_set_trap_table(GH(trap_info_t, a1))) \
    HYPERCALL(1,  mmu_update,        do_mmu_update(GH(mmu_update_t, a1), (unsigned int)a2, \
                                                   GH(uint, a3), (unsigned int)a4)) \
    HYPERCALL(2,  set_gdt,           do_set_gdt(GH(xen_ulong_t, a1), (unsigned int)a2)) \
    HYPERCALL(3,  stack_switch,      do_stack_switch(a1, a2)) \
    HYPERCALL(4,  set_callbacks,     do_set_callbacks(a1, a2, a3)) \
    HYPERCALL(5,  fpu_taskswitch,    do_fpu_taskswitch((int)a1)) \
    HYPERCALL(7,  platform_op,       do_platform_op(GH(void, a1))) \
    HYPERCALL(8,  set_debugreg,      do_set_debugreg((int)a1, a2)) \
    HYPERCALL(9,  get_debugreg,      do_get_debugreg((int)a1)) \
    HYPERCALL(10, update_descriptor, do_update_descriptor(a1, a2)) \
    HYPERCALL(12, memory_op,         do_memory_op(a1, GH(void, a2))) \
    HYPERCALL(13, multicall,         do_multicall(GH(multicall_entry_t, a1), (unsigned int)a2)) \
    HYPERCALL(14, update_va_mapping, do_update_va_mapping(a1, a2, a3)) \
    HYPERCALL(15, set_timer_op,      do_set_timer_op(a1)) \
    HYPERCALL(17, xen_version,       do_xen_version((int)a1, GH(void, a2))) \
    HYPERCALL(18, console_io,        do_console_io((unsigned int)a1, (unsigned int)a2, GH(char, a3))) \
    HYPERCALL(20, grant_table_op,    do_grant_table_op((unsigned int)a1, GH(void, a2), (unsigned int)a3)) \
    HYPERCALL(21, vm_assist,         do_vm_assist((unsigned int)a1, (unsigned int)a2)) \
    HYPERCALL(24, vcpu_op,           do_vcpu_op((int)a1, (unsigned int)a2, GH(void, a3))) \
    HYPERCALL(25, set_segment_base,  do_set_segment_base((unsigned int)a1, a2)) \
    HYPERCALL(26, mmuext_op,         do_mmuext_op(GH(mmuext_op_t, a1), (unsigned int)a2, \
                                                  GH(uint, a3), (unsigned int)a4)) \
    HYPERCALL(29, sched_op,          do_sched_op((int)a1, GH(void, a2))) \
    HYPERCALL(30, callback_op,       do_callback_op((int)a1, GH(const_void, a2))) \
    HYPERCALL(32, event_channel_op,  do_event_channel_op((int)a1, GH(void, a2))) \
    HYPERCALL(33, physdev_op,        do_physdev_op((int)a1, GH(void, a2))) \
    HYPERCALL(35, sysctl,            do_sysctl(GH(void, a1))) \
    HYPERCALL(36, domctl,            do_domctl(GH(void, a1))) \
    HYPERCALL(40, xenpmu_op,         do_xenpmu_op())

#endif
