/* The hypervisor source, compiled unchanged for the host. */
#include "../../../hypervisor/common/sched_credit2.c"
