/*
 * gnttab.c — /dev/xen/gntdev wrappers: map a single grant reference of
 * another domain (the console daemon maps ref 0, xenstored ref 1), and the
 * grant-table seeding the builder does so those references exist before
 * the guest runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "internal.h"
#include "xen_ioctl.h"

struct xc_gnttab { int fd; };

xc_gnttab *xc_gnttab_open(struct errbuf *eb)
{
    xc_gnttab *g = calloc(1, sizeof(*g));

    if (!g) {
        eb_fail(eb, -ENOMEM, "open /dev/xen/gntdev");
        return NULL;
    }
    g->fd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
    if (g->fd < 0) {
        eb_fail(eb, -errno, "open /dev/xen/gntdev (is xen-gntdev loaded?)");
        free(g);
        return NULL;
    }
    return g;
}

void xc_gnttab_close(xc_gnttab *g)
{
    if (g) {
        close(g->fd);
        free(g);
    }
}

void *xc_gnttab_map(xc_gnttab *g, uint32_t domid, uint32_t ref, int prot,
                    struct errbuf *eb)
{
    struct ioctl_gntdev_map_grant_ref m;
    void *addr;

    memset(&m, 0, sizeof(m));
    m.count = 1;
    m.refs[0].domid = domid;
    m.refs[0].ref = ref;
    if (ioctl(g->fd, IOCTL_GNTDEV_MAP_GRANT_REF, &m) < 0) {
        eb_fail(eb, -errno, "gntdev map grant ref %u (dom %u)", ref, domid);
        return NULL;
    }
    addr = mmap(NULL, 4096, prot, MAP_SHARED, g->fd, (off_t)m.index);
    if (addr == MAP_FAILED) {
        int err = -errno;
        struct ioctl_gntdev_unmap_grant_ref u = { .index = m.index, .count = 1 };
        ioctl(g->fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
        eb_fail(eb, err, "gntdev mmap grant ref %u (dom %u)", ref, domid);
        return NULL;
    }
    return addr;
}

int xc_gnttab_unmap(xc_gnttab *g, void *addr)
{
    struct ioctl_gntdev_get_offset_for_vaddr o = { .vaddr = (uint64_t)(uintptr_t)addr };
    int rc = 0;

    if (ioctl(g->fd, IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, &o) < 0)
        rc = -errno;
    munmap(addr, 4096);
    if (rc == 0) {
        struct ioctl_gntdev_unmap_grant_ref u = { .index = o.offset, .count = 1 };
        if (ioctl(g->fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u) < 0)
            rc = -errno;
    }
    return rc;
}
