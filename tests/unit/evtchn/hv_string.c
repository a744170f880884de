/* The hypervisor's string functions (memset etc. map to xen_* on the host). */
#include "../../../hypervisor/common/lib/string.c"
