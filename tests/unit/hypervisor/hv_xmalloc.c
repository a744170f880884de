/* hv_xmalloc.c — compiles the real hypervisor/common/xmalloc.c for the host tests. */
#include "../../../hypervisor/common/xmalloc.c"
