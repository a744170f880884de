/*
 * libelf_hypercall_page.c — compiles the hypervisor's shared loader source
 * hypervisor/arch/x86/pvboot/hypercall_page.c into the tools unchanged, so the domain
 * builder and the hypervisor's dom0 builder parse kernels the same way.
 */
#include "../../hypervisor/arch/x86/pvboot/hypercall_page.c"
