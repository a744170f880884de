/* The hypervisor source, compiled unchanged for the host. */
#include "../../../hypervisor/common/timer.c"
