/* The hypervisor source, compiled unchanged for the host. */
#include "../../../hypervisor/common/grant_map.c"
