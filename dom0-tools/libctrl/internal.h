/*
 * internal.h — what libctrl's files share: the handle layout, hypercall
 * bounce buffers and the domctl/sysctl issue helpers.
 */
#ifndef LIBCTRL_INTERNAL_H
#define LIBCTRL_INTERNAL_H

#include <stdint.h>
#include <stddef.h>
#include "xc.h"
#include <public/xen.h>
#include <public/domctl.h>
#include <public/sysctl.h>

struct xc_handle {
    int fd;           /* /dev/xen/privcmd */
    int buf_fd;       /* /dev/xen/hypercall (locked buffers), or -1 */
};

/*
 * Memory handed to the hypervisor must stay resident while Xen copies from
 * or to it.  /dev/xen/hypercall gives such pages; without it we use locked,
 * pre-faulted anonymous memory.  Sizes round up to pages.
 */
void *hbuf_alloc(xc_handle *xch, size_t size);
void hbuf_free(void *p, size_t size);

/* Issue a domctl/sysctl held in a bounce buffer; returns 0 or -errno. */
int do_domctl(xc_handle *xch, struct xen_domctl *d);
int do_sysctl(xc_handle *xch, struct xen_sysctl *s);

/* Fill a bounce-buffered domctl for cmd on domid and issue it; the caller
 * sets union fields through the callback-free pattern:
 *   struct xen_domctl *d = domctl_start(xch, cmd, domid); ... do_domctl(); hbuf_free */
struct xen_domctl *domctl_start(xc_handle *xch, uint32_t cmd, uint32_t domid);
struct xen_sysctl *sysctl_start(xc_handle *xch, uint32_t cmd);

const char *domctl_name(uint32_t cmd);
void dominfo_from_raw(struct xc_dominfo *out, const struct xen_domctl_getdomaininfo *raw);

#endif
