/* The hypervisor source, compiled unchanged for the host. */
#include "../../../hypervisor/common/libelf/hypercall_page.c"
