/* hv_desc_check.c — the real hypervisor/arch/x86/pv/desc_check.c, for the host tests. */
#include "../../../hypervisor/arch/x86/pv/desc_check.c"
