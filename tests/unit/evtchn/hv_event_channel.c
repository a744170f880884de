/* The hypervisor's event channel code, compiled unchanged for the host. */
#include "../../../hypervisor/common/event_channel.c"
