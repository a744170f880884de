/*
 * Linux's uapi xen/privcmd.h includes <xen/interface/xen.h>, a kernel-tree
 * path that linux-libc-dev does not install.  For the generator, point it at
 * libxen-dev's xen.h (domid_t, xen_pfn_t) and grant_table.h (grant_ref_t).
 */
#include <xen/xen.h>
#include <xen/grant_table.h>
