/*
 * hypercall-defs.h — THE list of hypercalls the hypervisor implements.  The
 * dispatch table (arch/x86/pv/hypercall.c), the multicall path and the
 * "unimplemented" logging are all generated from it; a number not listed
 * here answers -ENOSYS.
 *
 * HYPERCALL(name, kind, call): the number is __HYPERVISOR_<name>
 * (public/xen.h), so the list and the ABI cannot drift; kind is SUB for a
 * multiplexed hypercall whose first argument is a sub-operation (counted
 * per sub-op by hypercall_stats), ONE otherwise; call is an expression over
 * the argument registers a1..a5 (RDI, RSI, RDX, R10, R8) that invokes the
 * handler with the right types.  GH(type, x) turns a register into a guest
 * handle.  HC_NR(name) and HC_IS_SUB(kind) help the expansions.
 */
#ifndef XEN_HYPERCALL_DEFS_H
#define XEN_HYPERCALL_DEFS_H

#define GH(type, x) ((XEN_GUEST_HANDLE_PARAM(type)){ \
    (__typeof__(((XEN_GUEST_HANDLE_PARAM(type) *)0)->p))(x) })

#define HC_NR(name)         __HYPERVISOR_##name
#define HC_KIND_SUB         1
#define HC_KIND_ONE         0
#define HC_IS_SUB(kind)     HC_KIND_##kind

#define HYPERCALL_LIST(HYPERCALL) \
    HYPERCALL(set_trap_table,    ONE, do_set_trap_table(GH(trap_info_t, a1))) \
    HYPERCALL(mmu_update,        ONE, do_mmu_update(GH(mmu_update_t, a1), (unsigned int)a2, \
                                                    GH(uint, a3), (unsigned int)a4)) \
    HYPERCALL(set_gdt,           ONE, do_set_gdt(GH(xen_ulong_t, a1), (unsigned int)a2)) \
    HYPERCALL(stack_switch,      ONE, do_stack_switch(a1, a2)) \
    HYPERCALL(set_callbacks,     ONE, do_set_callbacks(a1, a2, a3)) \
    HYPERCALL(fpu_taskswitch,    ONE, do_fpu_taskswitch((int)a1)) \
    HYPERCALL(platform_op,       ONE, do_platform_op(GH(void, a1))) \
    HYPERCALL(set_debugreg,      ONE, do_set_debugreg((int)a1, a2)) \
    HYPERCALL(get_debugreg,      ONE, do_get_debugreg((int)a1)) \
    HYPERCALL(update_descriptor, ONE, do_update_descriptor(a1, a2)) \
    HYPERCALL(memory_op,         SUB, do_memory_op(a1, GH(void, a2))) \
    HYPERCALL(multicall,         ONE, do_multicall(GH(multicall_entry_t, a1), (unsigned int)a2)) \
    HYPERCALL(update_va_mapping, ONE, do_update_va_mapping(a1, a2, a3)) \
    HYPERCALL(set_timer_op,      ONE, do_set_timer_op(a1)) \
    HYPERCALL(xen_version,       SUB, do_xen_version((int)a1, GH(void, a2))) \
    HYPERCALL(console_io,        SUB, do_console_io((unsigned int)a1, (unsigned int)a2, GH(char, a3))) \
    HYPERCALL(grant_table_op,    SUB, do_grant_table_op((unsigned int)a1, GH(void, a2), (unsigned int)a3)) \
    HYPERCALL(vm_assist,         SUB, do_vm_assist((unsigned int)a1, (unsigned int)a2)) \
    HYPERCALL(vcpu_op,           SUB, do_vcpu_op((int)a1, (unsigned int)a2, GH(void, a3))) \
    HYPERCALL(set_segment_base,  SUB, do_set_segment_base((unsigned int)a1, a2)) \
    HYPERCALL(mmuext_op,         ONE, do_mmuext_op(GH(mmuext_op_t, a1), (unsigned int)a2, \
                                                    GH(uint, a3), (unsigned int)a4)) \
    HYPERCALL(sched_op,          SUB, do_sched_op((int)a1, GH(void, a2))) \
    HYPERCALL(callback_op,       SUB, do_callback_op((int)a1, GH(const_void, a2))) \
    HYPERCALL(event_channel_op,  SUB, do_event_channel_op((int)a1, GH(void, a2))) \
    HYPERCALL(physdev_op,        SUB, do_physdev_op((int)a1, GH(void, a2))) \
    HYPERCALL(sysctl,            ONE, do_sysctl(GH(void, a1))) \
    HYPERCALL(domctl,            ONE, do_domctl(GH(void, a1))) \
    HYPERCALL(xenpmu_op,         ONE, do_xenpmu_op()) \
    HYPERCALL(mca,               ONE, do_mca(GH(void, a1)))

#endif
