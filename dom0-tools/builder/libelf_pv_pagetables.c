/*
 * libelf_pv_pagetables.c — compiles the hypervisor's shared loader source
 * hypervisor/arch/x86/pvboot/pv_pagetables.c into the tools unchanged, so the domain
 * builder and the hypervisor's dom0 builder lay out a PV domain the same way.
 */
#include "../../hypervisor/arch/x86/pvboot/pv_pagetables.c"
