/* hv_debugreg_check.c — the real hypervisor/arch/x86/pv/debugreg_check.c, for the host tests. */
#include "../../../hypervisor/arch/x86/pv/debugreg_check.c"
