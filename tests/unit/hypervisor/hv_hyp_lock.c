/* hv_hyp_lock.c — compiles the real hypervisor/arch/x86/hyp_lock.c for the host tests. */
#include "../../../hypervisor/arch/x86/hyp_lock.c"
