/*
 * libelf_pv_layout.c — compiles the hypervisor's shared loader source
 * hypervisor/arch/x86/pvboot/pv_layout.c into the tools unchanged, so the domain
 * builder and the hypervisor's dom0 builder parse kernels the same way.
 */
#include "../../hypervisor/arch/x86/pvboot/pv_layout.c"
