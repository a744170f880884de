/* hv_boot_opts.c — the real hypervisor/arch/x86/pv/boot_opts.c, for the host tests. */
#include "../../../hypervisor/arch/x86/pv/boot_opts.c"
