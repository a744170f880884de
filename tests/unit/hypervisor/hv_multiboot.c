/* hv_multiboot.c — compiles the real hypervisor/common/multiboot.c for the host tests. */
#include "../../../hypervisor/common/multiboot.c"
