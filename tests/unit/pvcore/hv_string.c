/* hv_string.c — the real hypervisor/common/lib/string.c, for the host tests. */
#include "../../../hypervisor/common/lib/string.c"
