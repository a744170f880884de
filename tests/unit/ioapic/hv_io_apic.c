/* The hypervisor source, compiled unchanged for the host. */
#include "../../../hypervisor/arch/x86/io_apic.c"
