/* hv_emul_decode.c — the real hypervisor/arch/x86/pv/emul_decode.c, for the host tests. */
#include "../../../hypervisor/arch/x86/pv/emul_decode.c"
