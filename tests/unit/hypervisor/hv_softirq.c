/* hv_softirq.c — compiles the real hypervisor/common/softirq.c for the host tests. */
#include "../../../hypervisor/common/softirq.c"
