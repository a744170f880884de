/*
 * xen_ioctl.h — the Linux dom0 device interfaces the dom0 components drive:
 * /dev/xen/privcmd (hypercalls, foreign mappings), /dev/xen/evtchn (event
 * channels) and /dev/xen/gntdev (grant mappings and copies).  These are
 * Linux's userspace ABI (include/uapi/xen/{privcmd,evtchn,gntdev}.h, same
 * names, numbers and layouts), restated here so libctrl, xenconsoled,
 * xenstored and the backends build without kernel or Xen development
 * headers.  tests/unit/abi checks every number and layout against the
 * copies Debian's linux-libc-dev installs.
 */
#ifndef DOM0_XEN_IOCTL_H
#define DOM0_XEN_IOCTL_H

#include <stdint.h>
#include <sys/ioctl.h>

/* ---- /dev/xen/privcmd ------------------------------------------------- */

struct privcmd_hypercall {
    uint64_t op;
    uint64_t arg[5];
};

struct privcmd_mmap_entry {
    uint64_t va;
    uint64_t mfn;                         /* a gfn for translated guests */
    uint64_t npages;
};

struct privcmd_mmap {
    int num;
    uint16_t dom;                         /* target domain */
    struct privcmd_mmap_entry *entry;
};

/* Failed frames come back with their top nibble set (the v1 convention). */
struct privcmd_mmapbatch {
    int num;                              /* number of frames */
    uint16_t dom;                         /* target domain */
    uint64_t addr;                        /* virtual address */
    uint64_t *arr;                        /* frame numbers, error flags out */
};

struct privcmd_mmapbatch_v2 {
    unsigned int num;                     /* number of frames */
    uint16_t dom;                         /* target domain */
    uint64_t addr;                        /* virtual address (from mmap of the device) */
    const uint64_t *arr;                  /* frame numbers (xen_pfn_t: 64-bit) */
    int *err;                             /* per-frame result */
};

struct privcmd_mmap_resource {
    uint16_t dom;
    uint32_t type;                        /* XENMEM_resource_* */
    uint32_t id;
    uint32_t idx;                         /* first frame */
    uint64_t num;                         /* frames; 0 with addr 0 asks the size */
    uint64_t addr;
};

#define IOCTL_PRIVCMD_HYPERCALL \
    _IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))
#define IOCTL_PRIVCMD_MMAP \
    _IOC(_IOC_NONE, 'P', 2, sizeof(struct privcmd_mmap))
#define IOCTL_PRIVCMD_MMAPBATCH \
    _IOC(_IOC_NONE, 'P', 3, sizeof(struct privcmd_mmapbatch))
#define IOCTL_PRIVCMD_MMAPBATCH_V2 \
    _IOC(_IOC_NONE, 'P', 4, sizeof(struct privcmd_mmapbatch_v2))
/* Argument: a domid_t; the handle then only reaches that domain. */
#define IOCTL_PRIVCMD_RESTRICT \
    _IOC(_IOC_NONE, 'P', 6, sizeof(uint16_t))
#define IOCTL_PRIVCMD_MMAP_RESOURCE \
    _IOC(_IOC_NONE, 'P', 7, sizeof(struct privcmd_mmap_resource))

/* ---- /dev/xen/evtchn: each bind returns the local port ---------------- */

struct ioctl_evtchn_bind_virq { unsigned int virq; };
struct ioctl_evtchn_bind_interdomain { unsigned int remote_domain, remote_port; };
struct ioctl_evtchn_bind_unbound_port { unsigned int remote_domain; };
struct ioctl_evtchn_unbind { unsigned int port; };
struct ioctl_evtchn_notify { unsigned int port; };
struct ioctl_evtchn_restrict_domid { uint16_t domid; };

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
/* Unbind every port of this handle; no argument. */
#define IOCTL_EVTCHN_RESET \
    _IOC(_IOC_NONE, 'E', 5, 0)
#define IOCTL_EVTCHN_RESTRICT_DOMID \
    _IOC(_IOC_NONE, 'E', 6, sizeof(struct ioctl_evtchn_restrict_domid))

/* ---- /dev/xen/gntdev: map refs, then mmap the device at the index ----- */

struct ioctl_gntdev_grant_ref { uint32_t domid, ref; };

struct ioctl_gntdev_map_grant_ref {
    uint32_t count;
    uint32_t pad;
    uint64_t index;                       /* OUT: mmap offset */
    struct ioctl_gntdev_grant_ref refs[1];  /* count entries */
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

struct ioctl_gntdev_set_max_grants { uint32_t count; };

/* At unmap (or when the process dies), clear a byte and/or send an event. */
struct ioctl_gntdev_unmap_notify {
    uint64_t index;                       /* the byte's offset in the mapping */
    uint32_t action;                      /* UNMAP_NOTIFY_* */
    uint32_t event_channel_port;
};
#define UNMAP_NOTIFY_CLEAR_BYTE 0x1
#define UNMAP_NOTIFY_SEND_EVENT 0x2

/* One side of a copy: a local address, or a (ref, offset, domid) grant. */
struct gntdev_grant_copy_segment {
    union {
        void *virt;
        struct {
            uint32_t ref;                 /* grant_ref_t */
            uint16_t offset;
            uint16_t domid;
        } foreign;
    } source, dest;
    uint16_t len;
    uint16_t flags;                       /* GNTCOPY_source_gref / GNTCOPY_dest_gref */
    int16_t status;                       /* OUT: GNTST_* */
};

struct ioctl_gntdev_grant_copy {
    unsigned int count;
    struct gntdev_grant_copy_segment *segments;
};

#define IOCTL_GNTDEV_MAP_GRANT_REF \
    _IOC(_IOC_NONE, 'G', 0, sizeof(struct ioctl_gntdev_map_grant_ref))
#define IOCTL_GNTDEV_UNMAP_GRANT_REF \
    _IOC(_IOC_NONE, 'G', 1, sizeof(struct ioctl_gntdev_unmap_grant_ref))
#define IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR \
    _IOC(_IOC_NONE, 'G', 2, sizeof(struct ioctl_gntdev_get_offset_for_vaddr))
#define IOCTL_GNTDEV_SET_MAX_GRANTS \
    _IOC(_IOC_NONE, 'G', 3, sizeof(struct ioctl_gntdev_set_max_grants))
#define IOCTL_GNTDEV_SET_UNMAP_NOTIFY \
    _IOC(_IOC_NONE, 'G', 7, sizeof(struct ioctl_gntdev_unmap_notify))
#define IOCTL_GNTDEV_GRANT_COPY \
    _IOC(_IOC_NONE, 'G', 8, sizeof(struct ioctl_gntdev_grant_copy))

#endif /* DOM0_XEN_IOCTL_H */
