/* hv_vsprintf.c — compiles the real hypervisor/common/lib/vsprintf.c for the host tests. */
#include "../../../hypervisor/common/lib/vsprintf.c"
