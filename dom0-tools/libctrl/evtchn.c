/*
 * evtchn.c — event channels: the alloc_unbound hypercall the builder uses
 * to give a new guest its xenstore and console ports, and the
 * /dev/xen/evtchn wrappers daemons use to bind, notify and wait.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include "internal.h"
#include "xen_ioctl.h"
#include <public/event_channel.h>

int xc_evtchn_alloc_unbound(xc_handle *xch, uint32_t domid, uint32_t remote,
                            uint32_t *port, struct errbuf *eb)
{
    struct evtchn_alloc_unbound *a = hbuf_alloc(xch, sizeof(*a));
    long rc;

    if (!a)
        return eb_fail(eb, -ENOMEM, "evtchn alloc_unbound (dom %u)", domid);
    a->dom = (domid_t)domid;
    a->remote_dom = (domid_t)remote;
    rc = xc_hypercall(xch, __HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound,
                      (uint64_t)(uintptr_t)a, 0, 0, 0);
    if (rc == 0)
        *port = a->port;
    hbuf_free(a, sizeof(*a));
    if (rc < 0)
        return eb_fail(eb, (int)rc, "evtchn alloc_unbound (dom %u, remote dom %u)", domid, remote);
    return 0;
}

struct xc_evtchn { int fd; };

xc_evtchn *xc_evtchn_open(struct errbuf *eb)
{
    xc_evtchn *x = calloc(1, sizeof(*x));

    if (!x) {
        eb_fail(eb, -ENOMEM, "open /dev/xen/evtchn");
        return NULL;
    }
    x->fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC);
    if (x->fd < 0) {
        eb_fail(eb, -errno, "open /dev/xen/evtchn (is xen-evtchn loaded?)");
        free(x);
        return NULL;
    }
    return x;
}

void xc_evtchn_close(xc_evtchn *x)
{
    if (x) {
        close(x->fd);
        free(x);
    }
}

int xc_evtchn_fd(xc_evtchn *x)
{
    return x->fd;
}

static int evtchn_ioctl(xc_evtchn *x, unsigned long req, void *arg)
{
    int rc;

    do {
        rc = ioctl(x->fd, req, arg);
    } while (rc < 0 && errno == EINTR);
    return rc < 0 ? -errno : rc;
}

int xc_evtchn_bind_interdomain(xc_evtchn *x, uint32_t domid, uint32_t remote_port,
                               struct errbuf *eb)
{
    struct ioctl_evtchn_bind_interdomain b = { domid, remote_port };
    int rc = evtchn_ioctl(x, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);

    if (rc < 0)
        return eb_fail(eb, rc, "evtchn bind_interdomain (dom %u, port %u)", domid, remote_port);
    return rc;
}

int xc_evtchn_bind_unbound(xc_evtchn *x, uint32_t domid, struct errbuf *eb)
{
    struct ioctl_evtchn_bind_unbound_port b = { domid };
    int rc = evtchn_ioctl(x, IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b);

    if (rc < 0)
        return eb_fail(eb, rc, "evtchn bind_unbound_port (dom %u)", domid);
    return rc;
}

int xc_evtchn_bind_virq(xc_evtchn *x, unsigned virq, struct errbuf *eb)
{
    struct ioctl_evtchn_bind_virq b = { virq };
    int rc = evtchn_ioctl(x, IOCTL_EVTCHN_BIND_VIRQ, &b);

    if (rc < 0)
        return eb_fail(eb, rc, "evtchn bind_virq (virq %u)", virq);
    return rc;
}

int xc_evtchn_unbind(xc_evtchn *x, uint32_t port, struct errbuf *eb)
{
    struct ioctl_evtchn_unbind b = { port };
    int rc = evtchn_ioctl(x, IOCTL_EVTCHN_UNBIND, &b);

    if (rc < 0)
        return eb_fail(eb, rc, "evtchn unbind (port %u)", port);
    return 0;
}

int xc_evtchn_notify(xc_evtchn *x, uint32_t port, struct errbuf *eb)
{
    struct ioctl_evtchn_notify b = { port };
    int rc = evtchn_ioctl(x, IOCTL_EVTCHN_NOTIFY, &b);

    if (rc < 0)
        return eb_fail(eb, rc, "evtchn notify (port %u)", port);
    return 0;
}

int xc_evtchn_pending(xc_evtchn *x)
{
    uint32_t port;
    ssize_t n = read(x->fd, &port, sizeof(port));

    if (n < 0)
        return -errno;
    if (n != sizeof(port))
        return -EIO;
    return (int)port;
}

int xc_evtchn_unmask(xc_evtchn *x, uint32_t port)
{
    /* The device re-enables delivery for every port number written to it. */
    ssize_t n = write(x->fd, &port, sizeof(port));

    if (n < 0)
        return -errno;
    return n == sizeof(port) ? 0 : -EIO;
}
