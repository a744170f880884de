/* hv_multiboot.c — compiles the real hypervisor/arch/x86/boot/multiboot.c for the host tests. */
#include "../../../hypervisor/arch/x86/boot/multiboot.c"
