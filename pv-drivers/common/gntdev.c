/*
 * gntdev.c — /dev/xen/gntdev for the backends: map a frontend's ring pages
 * into our address space, and grant-copy data between a local buffer and the
 * frontend's granted pages (IOCTL_GNTDEV_GRANT_COPY: one hypercall batch per
 * call, no mappings to track or leak).  Closing the fd drops every mapping
 * it made, which is what makes a killed daemon leave no grant behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "xen_ioctl.h"
#include "backend.h"

#define GNT_PAGE 4096u
/* Pages a ring may span (xenbus order 4) plus indirect-page headroom. */
#define GNT_MAX_MAP 64u

int gnt_open(void)
{
    int fd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);

    return fd < 0 ? -errno : fd;
}

int gnt_map_refs(int fd, uint32_t domid, const uint32_t *refs, size_t count,
                 struct gnt_map *m)
{
    struct ioctl_gntdev_map_grant_ref *op;
    struct ioctl_gntdev_unmap_grant_ref un;
    void *addr;
    size_t i;
    int rc = 0;

    memset(m, 0, sizeof(*m));
    if (!count || count > GNT_MAX_MAP)
        return -EINVAL;
    op = calloc(1, sizeof(*op) + count * sizeof(op->refs[0]));
    if (!op)
        return -ENOMEM;
    op->count = (uint32_t)count;
    for (i = 0; i < count; i++) {
        op->refs[i].domid = domid;
        op->refs[i].ref = refs[i];
    }
    if (ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, op) < 0) {
        rc = -errno;
        goto out;
    }
    /* The grant is mapped (and checked by the hypervisor) at mmap time. */
    addr = mmap(NULL, count * GNT_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
                fd, (off_t)op->index);
    if (addr == MAP_FAILED) {
        rc = -errno;
        un.index = op->index;
        un.count = (uint32_t)count;
        un.pad = 0;
        ioctl(fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &un);
        goto out;
    }
    m->addr = addr;
    m->pages = count;
    m->index = op->index;
out:
    free(op);
    return rc;
}

void gnt_unmap(int fd, struct gnt_map *m)
{
    struct ioctl_gntdev_unmap_grant_ref un;

    if (!m->addr)
        return;
    munmap(m->addr, m->pages * GNT_PAGE);
    un.index = m->index;
    un.count = (uint32_t)m->pages;
    un.pad = 0;
    ioctl(fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &un);
    memset(m, 0, sizeof(*m));
}

int gnt_copy(int fd, struct gntdev_grant_copy_segment *segs, size_t n)
{
    struct ioctl_gntdev_grant_copy op = { .count = (unsigned)n, .segments = segs };

    if (!n)
        return 0;
    return ioctl(fd, IOCTL_GNTDEV_GRANT_COPY, &op) < 0 ? -errno : 0;
}
