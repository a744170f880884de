/*
 * refshim.c - LD_PRELOAD shim that lets Debian's C xenstored (Xen 4.17) run
 * on a plain Linux host as the reference our tests and benchmark compare
 * against.  It stands in for the few libxenctrl / libxenevtchn /
 * libxengnttab calls the daemon makes and redirects /proc/xen/xsd_{port,kva}
 * into $XSREF_DIR:
 *   xsd_port   "1", dom0's event channel      xsd_kva   dom0's ring page
 *   ring-<id>  a guest's page (grant map)      evtchn    FIFO of kicks
 * Only dom0 exists as a domain.  Test fixture only, not part of the product.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define __XEN_TOOLS__ 1
#include <xenctrl.h>
#include <xenevtchn.h>
#include <xengnttab.h>

static char dir[512] = "/tmp/xsref";

static void path(char *b, size_t n, const char *name)
{
    snprintf(b, n, "%s/%s", dir, name);
}

static int raw_open(const char *p, int flags, mode_t mode)
{
    return syscall(SYS_openat, AT_FDCWD, p, flags, mode);
}

static void make_page(const char *p)
{
    int fd = raw_open(p, O_RDWR | O_CREAT, 0600);
    if (fd >= 0) {
        if (ftruncate(fd, 4096) < 0)
            perror(p);
        close(fd);
    }
}

__attribute__((constructor)) static void init(void)
{
    char p[600];
    const char *d = getenv("XSREF_DIR");
    int fd;
    if (d && *d)
        snprintf(dir, sizeof(dir), "%s", d);
    mkdir(dir, 0755);
    path(p, sizeof(p), "xsd_port");
    fd = raw_open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        (void)!write(fd, "1", 1);
        close(fd);
    }
    path(p, sizeof(p), "xsd_kva");
    make_page(p);
    path(p, sizeof(p), "evtchn");
    mkfifo(p, 0600);
}

static const char *redirect(const char *p, char *b, size_t n)
{
    if (p && !strcmp(p, "/proc/xen/xsd_port")) {
        path(b, n, "xsd_port");
        return b;
    }
    if (p && !strcmp(p, "/proc/xen/xsd_kva")) {
        path(b, n, "xsd_kva");
        return b;
    }
    return p;
}

static int do_open(const char *p, int flags, va_list ap)
{
    char b[600];
    mode_t mode = (flags & (O_CREAT | O_TMPFILE)) ? va_arg(ap, mode_t) : 0;
    return raw_open(redirect(p, b, sizeof(b)), flags, mode);
}

int open(const char *p, int flags, ...)
{
    va_list ap;
    int r;
    va_start(ap, flags);
    r = do_open(p, flags, ap);
    va_end(ap);
    return r;
}

int open64(const char *p, int flags, ...)
{
    va_list ap;
    int r;
    va_start(ap, flags);
    r = do_open(p, flags, ap);
    va_end(ap);
    return r;
}

/* ---- libxenctrl: only dom0 exists ---------------------------------------- */

xc_interface *xc_interface_open(xentoollog_logger *a, xentoollog_logger *b,
                                unsigned f)
{
    return calloc(1, 64);
}

int xc_interface_close(xc_interface *x)
{
    free(x);
    return 0;
}

int xc_domain_getinfo(xc_interface *x, uint32_t first, unsigned int max,
                      xc_dominfo_t *info)
{
    if (!max || first != 0)
        return 0;
    memset(info, 0, sizeof(*info));
    info->running = 1;
    info->nr_online_vcpus = 1;
    return 1;
}

/* ---- grant tables: a guest's page is a file ------------------------------- */

xengnttab_handle *xengnttab_open(xentoollog_logger *l, unsigned f)
{
    return calloc(1, 64);
}

int xengnttab_close(xengnttab_handle *h)
{
    free(h);
    return 0;
}

int xengnttab_set_max_grants(xengnttab_handle *h, uint32_t n)
{
    return 0;
}

void *xengnttab_map_grant_ref(xengnttab_handle *h, uint32_t domid,
                              uint32_t ref, int prot)
{
    char p[600], name[32];
    void *a;
    int fd;
    snprintf(name, sizeof(name), "ring-%u", domid);
    path(p, sizeof(p), name);
    make_page(p);
    fd = raw_open(p, O_RDWR, 0);
    if (fd < 0)
        return NULL;
    a = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    return a == MAP_FAILED ? NULL : a;
}

int xengnttab_unmap(xengnttab_handle *h, void *a, uint32_t count)
{
    return munmap(a, 4096 * count);
}

/* ---- event channels: one FIFO; nothing ever fires -------------------------- */

struct xenevtchn_handle { int fd; };
static unsigned next_port = 2;

xenevtchn_handle *xenevtchn_open(xentoollog_logger *l, unsigned f)
{
    char p[600];
    xenevtchn_handle *h = calloc(1, sizeof(*h));
    path(p, sizeof(p), "evtchn");
    /* O_RDWR so the daemon never sees EOF on the FIFO */
    h->fd = raw_open(p, O_RDWR | O_NONBLOCK, 0);
    return h;
}

xenevtchn_handle *xenevtchn_fdopen(xentoollog_logger *l, int fd, unsigned f)
{
    xenevtchn_handle *h = calloc(1, sizeof(*h));
    h->fd = fd;
    return h;
}

int xenevtchn_fd(xenevtchn_handle *h) { return h->fd; }

xenevtchn_port_or_error_t xenevtchn_bind_virq(xenevtchn_handle *h,
                                              unsigned int virq)
{
    return 1023;
}

xenevtchn_port_or_error_t xenevtchn_bind_interdomain(xenevtchn_handle *h,
                                                     uint32_t domid,
                                                     evtchn_port_t port)
{
    return next_port++;
}

int xenevtchn_unbind(xenevtchn_handle *h, evtchn_port_t p) { return 0; }
int xenevtchn_notify(xenevtchn_handle *h, evtchn_port_t p) { return 0; }
int xenevtchn_unmask(xenevtchn_handle *h, evtchn_port_t p) { return 0; }

xenevtchn_port_or_error_t xenevtchn_pending(xenevtchn_handle *h)
{
    uint32_t v;
    if (read(h->fd, &v, sizeof(v)) != sizeof(v))
        return 1023;
    return 1023;
}
