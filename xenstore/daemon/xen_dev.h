/*
 * xen_dev.h - the few Linux Xen device ioctls xenstored needs on a real dom0
 * (/dev/xen/evtchn, /dev/xen/gntdev, /dev/xen/privcmd).  Numbers and layouts
 * follow Linux's include/uapi/xen/{evtchn,gntdev,privcmd}.h; declared here so
 * the daemon builds without Xen headers installed.
 */
#ifndef XSD_XEN_DEV_H
#define XSD_XEN_DEV_H

#include <stdint.h>
#include <sys/ioctl.h>

struct xsd_evtchn_bind_virq { unsigned int virq; };
struct xsd_evtchn_bind_interdomain { unsigned int remote_domain, remote_port; };
struct xsd_evtchn_port { unsigned int port; };

#define XSD_IOCTL_EVTCHN_BIND_VIRQ \
    _IOC(_IOC_NONE, 'E', 0, sizeof(struct xsd_evtchn_bind_virq))
#define XSD_IOCTL_EVTCHN_BIND_INTERDOMAIN \
    _IOC(_IOC_NONE, 'E', 1, sizeof(struct xsd_evtchn_bind_interdomain))
#define XSD_IOCTL_EVTCHN_UNBIND \
    _IOC(_IOC_NONE, 'E', 3, sizeof(struct xsd_evtchn_port))
#define XSD_IOCTL_EVTCHN_NOTIFY \
    _IOC(_IOC_NONE, 'E', 4, sizeof(struct xsd_evtchn_port))

struct xsd_gntdev_grant_ref { uint32_t domid, ref; };
struct xsd_gntdev_map_grant_ref {
    uint32_t count;
    uint32_t pad;
    uint64_t index;                     /* out: mmap offset */
    struct xsd_gntdev_grant_ref refs[1];
};
struct xsd_gntdev_unmap_grant_ref {
    uint64_t index;
    uint32_t count;
    uint32_t pad;
};
#define XSD_IOCTL_GNTDEV_MAP_GRANT_REF \
    _IOC(_IOC_NONE, 'G', 0, sizeof(struct xsd_gntdev_map_grant_ref))
#define XSD_IOCTL_GNTDEV_UNMAP_GRANT_REF \
    _IOC(_IOC_NONE, 'G', 1, sizeof(struct xsd_gntdev_unmap_grant_ref))

struct xsd_privcmd_mmapbatch_v2 {
    unsigned int num;
    uint16_t dom;
    uint64_t addr;
    const uint64_t *arr;                /* xen_pfn_t is 64-bit on x86_64 */
    int *err;
};
#define XSD_IOCTL_PRIVCMD_MMAPBATCH_V2 \
    _IOC(_IOC_NONE, 'P', 4, sizeof(struct xsd_privcmd_mmapbatch_v2))

struct xsd_privcmd_hypercall {
    uint64_t op;
    uint64_t arg[5];
};
#define XSD_IOCTL_PRIVCMD_HYPERCALL \
    _IOC(_IOC_NONE, 'P', 0, sizeof(struct xsd_privcmd_hypercall))

#define XSD_VIRQ_DOM_EXC 3
#define XSD_GNTTAB_RESERVED_XENSTORE 1

#endif /* XSD_XEN_DEV_H */
