/*
 * iocap.h — what machine resources a domain may reach directly: I/O ports
 * and machine frames of device memory (MMIO, firmware tables).  Each is a
 * set of inclusive ranges; a domain is created with empty sets, so every
 * domain other than the hardware domain is refused (-EPERM) everywhere the
 * sets are consulted.  The hardware domain's sets are filled at build time
 * by arch_hwdom_setup_permissions(): everything, minus what the hypervisor
 * keeps (Xen's dom0_setup_permissions()).
 */
#ifndef XEN_IOCAP_H
#define XEN_IOCAP_H

#include <xen/types.h>

/* Enough for "all minus a few holes": each deny can split one range. */
#define RANGESET_MAX    80

struct rangeset {
    unsigned int nr;                            /* ranges in use, sorted */
    struct { unsigned long s, e; } r[RANGESET_MAX];  /* inclusive, disjoint, not adjacent */
};

/* 0 or -ENOMEM (no room to split), -EINVAL when s > e. */
int  rangeset_add_range(struct rangeset *rs, unsigned long s, unsigned long e);
int  rangeset_remove_range(struct rangeset *rs, unsigned long s, unsigned long e);
/* true when every value of [s, e] is in the set. */
bool rangeset_contains_range(const struct rangeset *rs, unsigned long s, unsigned long e);
/* true when some value of [s, e] is in the set. */
bool rangeset_overlaps_range(const struct rangeset *rs, unsigned long s, unsigned long e);
void rangeset_empty(struct rangeset *rs);

struct domain;

#define ioports_permit_access(d, s, e)  rangeset_add_range(&(d)->ioport_caps, s, e)
#define ioports_deny_access(d, s, e)    rangeset_remove_range(&(d)->ioport_caps, s, e)
#define ioports_access_permitted(d, s, e) rangeset_contains_range(&(d)->ioport_caps, s, e)
#define iomem_permit_access(d, s, e)    rangeset_add_range(&(d)->iomem_caps, s, e)
#define iomem_deny_access(d, s, e)      rangeset_remove_range(&(d)->iomem_caps, s, e)
#define iomem_access_permitted(d, s, e) rangeset_contains_range(&(d)->iomem_caps, s, e)

/* The hardware domain's initial I/O capabilities (arch policy); 0 or -errno. */
int arch_hwdom_setup_permissions(struct domain *d);

#endif
