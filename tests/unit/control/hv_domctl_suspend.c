/* The hypervisor source, compiled unchanged for the host. */
#include "../../../hypervisor/common/domctl_suspend.c"
