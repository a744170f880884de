/* hv_bounce_frame.c — the real hypervisor/arch/x86/pv/bounce_frame.c, for the host tests. */
#include "../../../hypervisor/arch/x86/pv/bounce_frame.c"
