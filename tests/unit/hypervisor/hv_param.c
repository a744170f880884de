/* hv_param.c — compiles the real hypervisor/common/param.c for the host tests. */
#include "../../../hypervisor/common/param.c"
