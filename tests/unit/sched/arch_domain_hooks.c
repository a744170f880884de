/* The shared architecture domain/vCPU hooks of the host tests. */
#include "../lib/arch_domain_hooks.c"
