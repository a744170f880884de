/*
 * evtchn.c — /dev/xen/evtchn for the backends: bind to the port a frontend
 * allocated for us, notify it, and drain the ports that fired.  The device
 * masks a port when it delivers it; writing the port back unmasks it, so
 * evt_drain() always re-arms what it read.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "xen_ioctl.h"
#include "backend.h"

int evt_open(void)
{
    int fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC | O_NONBLOCK);

    return fd < 0 ? -errno : fd;
}

int evt_bind_interdomain(int fd, uint32_t domid, uint32_t remote_port)
{
    struct ioctl_evtchn_bind_interdomain b = {
        .remote_domain = domid, .remote_port = remote_port,
    };
    int rc = ioctl(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);

    return rc < 0 ? -errno : rc;
}

int evt_unbind(int fd, uint32_t port)
{
    struct ioctl_evtchn_unbind u = { .port = port };

    return ioctl(fd, IOCTL_EVTCHN_UNBIND, &u) < 0 ? -errno : 0;
}

int evt_notify(int fd, uint32_t port)
{
    struct ioctl_evtchn_notify n = { .port = port };

    return ioctl(fd, IOCTL_EVTCHN_NOTIFY, &n) < 0 ? -errno : 0;
}

int evt_drain(int fd)
{
    unsigned int ports[32];
    int fired = 0;

    for (;;) {
        ssize_t n = read(fd, ports, sizeof(ports));

        if (n < 0)
            return errno == EAGAIN ? fired : -errno;
        if (n == 0 || n % (ssize_t)sizeof(ports[0]))
            return fired;
        if (write(fd, ports, (size_t)n) != n)
            return -errno;
        fired += (int)(n / (ssize_t)sizeof(ports[0]));
        /* a short read took every pending port: another read would only
         * say EAGAIN (a syscall per event for nothing); a port firing after
         * the unmask above makes the fd readable again for the caller's
         * epoll */
        if (n < (ssize_t)sizeof(ports))
            return fired;
    }
}
