/* hv_page_alloc.c — compiles the real hypervisor/common/page_alloc.c for the host tests. */
#include "../../../hypervisor/common/page_alloc.c"
