/* hv_strtol.c — the real hypervisor/common/lib/strtol.c, for the host tests. */
#include "../../../hypervisor/common/lib/strtol.c"
