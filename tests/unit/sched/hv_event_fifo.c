/* The hypervisor's FIFO event channel code, compiled unchanged for the host. */
#include "../../../hypervisor/common/event_fifo.c"
