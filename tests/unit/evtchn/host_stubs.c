/* Shared host stubs (printk, panic, guest copies, xmalloc). */
#include "../lib/host_stubs.c"
