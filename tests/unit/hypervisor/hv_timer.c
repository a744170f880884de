/* hv_timer.c — compiles the real hypervisor/common/timer.c for the host tests. */
#include "../../../hypervisor/common/timer.c"
