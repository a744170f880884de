/*
 * libelf_elf.c — compiles the hypervisor's shared loader source
 * hypervisor/common/libelf/elf.c into the tools unchanged, so the domain
 * builder and the hypervisor's dom0 builder parse kernels the same way.
 */
#include "../../hypervisor/common/libelf/elf.c"
