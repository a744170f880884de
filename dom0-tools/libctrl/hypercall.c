/*
 * hypercall.c — the privcmd handle, raw hypercalls through
 * IOCTL_PRIVCMD_HYPERCALL, hypercall-safe buffers, and the domctl/sysctl
 * issue path that stamps interface version 0x15.
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

xc_handle *xc_open(struct errbuf *eb)
{
    xc_handle *xch = calloc(1, sizeof(*xch));

    if (!xch) {
        eb_fail(eb, -ENOMEM, "xc_open");
        return NULL;
    }
    xch->fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    if (xch->fd < 0)
        xch->fd = open("/proc/xen/privcmd", O_RDWR | O_CLOEXEC);
    if (xch->fd < 0) {
        eb_fail(eb, -errno, "open /dev/xen/privcmd (is this a Xen dom0 with xen-privcmd loaded?)");
        free(xch);
        return NULL;
    }
    xch->buf_fd = open("/dev/xen/hypercall", O_RDWR | O_CLOEXEC);
    return xch;
}

void xc_close(xc_handle *xch)
{
    if (!xch)
        return;
    close(xch->fd);
    if (xch->buf_fd >= 0)
        close(xch->buf_fd);
    free(xch);
}

static size_t page_round(size_t size)
{
    return (size + 4095) & ~(size_t)4095;
}

void *hbuf_alloc(xc_handle *xch, size_t size)
{
    size_t len = page_round(size ? size : 1);
    void *p = MAP_FAILED;

    if (xch && xch->buf_fd >= 0)
        p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, xch->buf_fd, 0);
    if (p == MAP_FAILED) {
        p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
        if (p == MAP_FAILED)
            return NULL;
        /* Best effort: without CAP_IPC_LOCK the pre-fault still helps. */
        (void)mlock(p, len);
    }
    memset(p, 0, len);
    return p;
}

void hbuf_free(void *p, size_t size)
{
    if (p)
        munmap(p, page_round(size ? size : 1));
}

long xc_hypercall(xc_handle *xch, unsigned op, uint64_t a1, uint64_t a2,
                  uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct privcmd_hypercall h = { .op = op, .arg = { a1, a2, a3, a4, a5 } };
    long rc;

    do {
        rc = ioctl(xch->fd, IOCTL_PRIVCMD_HYPERCALL, &h);
    } while (rc < 0 && errno == EINTR);
    return rc < 0 ? -errno : rc;
}

struct xen_domctl *domctl_start(xc_handle *xch, uint32_t cmd, uint32_t domid)
{
    struct xen_domctl *d = hbuf_alloc(xch, sizeof(*d));

    if (d) {
        d->cmd = cmd;
        d->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
        d->domain = (uint16_t)domid;
    }
    return d;
}

struct xen_sysctl *sysctl_start(xc_handle *xch, uint32_t cmd)
{
    struct xen_sysctl *s = hbuf_alloc(xch, sizeof(*s));

    if (s) {
        s->cmd = cmd;
        s->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    }
    return s;
}

int do_domctl(xc_handle *xch, struct xen_domctl *d)
{
    long rc = xc_hypercall(xch, __HYPERVISOR_domctl, (uint64_t)(uintptr_t)d, 0, 0, 0, 0);
    return rc < 0 ? (int)rc : 0;
}

int do_sysctl(xc_handle *xch, struct xen_sysctl *s)
{
    long rc = xc_hypercall(xch, __HYPERVISOR_sysctl, (uint64_t)(uintptr_t)s, 0, 0, 0, 0);
    return rc < 0 ? (int)rc : 0;
}

const char *domctl_name(uint32_t cmd)
{
    switch (cmd) {
    case XEN_DOMCTL_createdomain: return "createdomain";
    case XEN_DOMCTL_destroydomain: return "destroydomain";
    case XEN_DOMCTL_pausedomain: return "pausedomain";
    case XEN_DOMCTL_unpausedomain: return "unpausedomain";
    case XEN_DOMCTL_getdomaininfo: return "getdomaininfo";
    case XEN_DOMCTL_max_mem: return "max_mem";
    case XEN_DOMCTL_setvcpucontext: return "setvcpucontext";
    case XEN_DOMCTL_getvcpucontext: return "getvcpucontext";
    case XEN_DOMCTL_resumedomain: return "resumedomain";
    case XEN_DOMCTL_getpageframeinfo3: return "getpageframeinfo3";
    case XEN_DOMCTL_gettscinfo: return "gettscinfo";
    case XEN_DOMCTL_settscinfo: return "settscinfo";
    case XEN_DOMCTL_getvcpuinfo: return "getvcpuinfo";
    case XEN_DOMCTL_max_vcpus: return "max_vcpus";
    case XEN_DOMCTL_setdomainhandle: return "setdomainhandle";
    case XEN_DOMCTL_hypercall_init: return "hypercall_init";
    case XEN_DOMCTL_settimeoffset: return "settimeoffset";
    case XEN_DOMCTL_set_address_size: return "set_address_size";
    default: return "unknown";
    }
}

void *xc_hbuf_alloc(xc_handle *xch, size_t size)
{
    return hbuf_alloc(xch, size);
}

void xc_hbuf_free(void *p, size_t size)
{
    hbuf_free(p, size);
}
