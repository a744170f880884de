/*
 * privcmd.h — the Linux dom0 device interfaces libctrl drives:
 * /dev/xen/privcmd, /dev/xen/evtchn, /dev/xen/gntdev.  These are Linux's
 * userspace ABI (include/uapi/xen/ headers), restated here so the tools build
 * without kernel or Xen development headers.  Private to libctrl.
 */
#ifndef LIBCTRL_PRIVCMD_H
#define LIBCTRL_PRIVCMD_H

#include <stdint.h>
#include <sys/ioctl.h>

struct privcmd_hypercall {
    uint64_t op;
    uint64_t arg[5];
};

struct privcmd_mmapbatch_v2 {
    unsigned int num;        /* number of frames */
    uint16_t dom;            /* target domain */
    uint64_t addr;           /* virtual address (from mmap of the device) */
    const uint64_t *arr;     /* frame numbers */
    int *err;                /* per-frame result */
};

#define IOCTL_PRIVCMD_HYPERCALL \
    _IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))
#define IOCTL_PRIVCMD_MMAPBATCH_V2 \
    _IOC(_IOC_NONE, 'P', 4, sizeof(struct privcmd_mmapbatch_v2))

/* /dev/xen/evtchn: each bind returns the local port. */
struct ioctl_evtchn_bind_virq { unsigned int virq; };
struct ioctl_evtchn_bind_interdomain { unsigned int remote_domain, remote_port; };
struct ioctl_evtchn_bind_unbound_port { unsigned int remote_domain; };
struct ioctl_evtchn_unbind { unsigned int port; };
struct ioctl_evtchn_notify { unsigned int port; };

#define IOCTL_EVTCHN_BIND_VIRQ \
    _IOC(_IOC_NONE, 'E', 0, sizeof(struct ioctl_evtchn_bind_virq))
#define IOCTL_EVTCHN_BIND_INTERDOMAIN \
    _IOC(_IOC_NONE, 'E', 1, sizeof(struct ioctl_evtchn_bind_interdomain))
#define IOCTL_EVTCHN_BIND_UNBOUND_PORT \
    _IOC(_IOC_NONE, 'E', 2, sizeof(struct ioctl_evtchn_bind_unbound_port))
#define IOCTL_EVTCHN_UNBIND \
    _IOC(_IOC_NONE, 'E', 3, sizeof(struct ioctl_evtchn_unbind))
#define IOCTL_EVTCHN_NOTIFY \
    _IOC(_IOC_NONE, 'E', 4, sizeof(struct ioctl_evtchn_notify))

/* /dev/xen/gntdev: map refs, then mmap the device at the returned index. */
struct ioctl_gntdev_grant_ref { uint32_t domid, ref; };
struct ioctl_gntdev_map_grant_ref {
    uint32_t count;
    uint32_t pad;
    uint64_t index;                       /* OUT: mmap offset */
    struct ioctl_gntdev_grant_ref refs[1];
};
struct ioctl_gntdev_unmap_grant_ref {
    uint64_t index;
    uint32_t count;
    uint32_t pad;
};
struct ioctl_gntdev_get_offset_for_vaddr {
    uint64_t vaddr;
    uint64_t offset;                      /* OUT */
    uint32_t count;                       /* OUT */
    uint32_t pad;
};

#define IOCTL_GNTDEV_MAP_GRANT_REF \
    _IOC(_IOC_NONE, 'G', 0, sizeof(struct ioctl_gntdev_map_grant_ref))
#define IOCTL_GNTDEV_UNMAP_GRANT_REF \
    _IOC(_IOC_NONE, 'G', 1, sizeof(struct ioctl_gntdev_unmap_grant_ref))
#define IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR \
    _IOC(_IOC_NONE, 'G', 2, sizeof(struct ioctl_gntdev_get_offset_for_vaddr))

#endif
