/* The hypervisor source, compiled unchanged for the host. */
#include "../../../hypervisor/common/event_channel.c"
