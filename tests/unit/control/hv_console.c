/* The hypervisor source, compiled unchanged for the host. */
#include "../../../hypervisor/common/console.c"
