/* hv_strtol.c — compiles the real hypervisor/common/lib/strtol.c for the host tests. */
#include "../../../hypervisor/common/lib/strtol.c"
