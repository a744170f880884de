/*
 * device.c — one vbd as the daemon sees it: its xenstore directories, the
 * open image, and, while connected, the mapped ring and the bound event
 * channel.  blk_dev_step() reads both ends' state nodes, asks the common
 * xenbus decision function what to do and does it; it is called for every
 * device whenever a watched node changes, so it is idempotent.
 *
 * Backend directory (written by xl as libxl writes a qdisk disk):
 *   params ("raw:<path>" or "<path>"), mode (r|w), device-type (disk|cdrom),
 *   frontend, frontend-id, online, state, discard-enable, dev, type
 * We add: feature-flush-cache, feature-discard (+ discard-granularity,
 *   discard-alignment, discard-secure), feature-max-indirect-segments,
 *   max-ring-page-order, feature-persistent (1: pages the frontend keeps
 *   granted are mapped once, io.c),
 *   sectors, sector-size, physical-sector-size, info;
 *   hotplug-status (connected | error) and hotplug-error on failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xenstore.h>

#include "blkdev.h"

static int gnt_copy_cb(void *ctx, struct gntdev_grant_copy_segment *s, size_t n)
{
    return gnt_copy(*(int *)ctx, s, n);
}

static int gnt_map_cb(void *ctx, uint16_t domid, const uint32_t *grefs,
                      unsigned int n, uint8_t **pages, uint64_t *handle)
{
    struct gnt_map m;
    int rc = gnt_map_refs(*(int *)ctx, domid, grefs, n, &m);

    if (rc)
        return rc;
    for (unsigned int i = 0; i < n; i++)
        pages[i] = (uint8_t *)m.addr + (size_t)i * BLK_PAGE;
    *handle = m.index;
    return 0;
}

static void gnt_unmap_cb(void *ctx, uint8_t **pages, unsigned int n, uint64_t handle)
{
    struct gnt_map m = { .addr = pages[0], .pages = n, .index = handle };

    gnt_unmap(*(int *)ctx, &m);
}

/* "raw:/x", "aio:/x", "/x" -> "/x" (libxl prefixes qdisk params with the format). */
static const char *params_path(const char *params)
{
    static const char *const pfx[] = { "raw:", "aio:", "file:", "phy:" };
    size_t i;

    for (i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++)
        if (!strncmp(params, pfx[i], strlen(pfx[i])))
            return params + strlen(pfx[i]);
    return params;
}

static void fail(struct blk_dev *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void fail(struct blk_dev *d, const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    blk_log("vbd %u/%u: %s", d->domid, d->devid, msg);
    xb_printf(d->xs, d->be, "hotplug-error", "%s", msg);
    xb_printf(d->xs, d->be, "hotplug-status", "error");
    xb_switch_state(d->xs, d->be, XenbusStateClosed);
    d->failed = true;
}

/* Opens the image named by the backend directory and fills the geometry. */
static int open_image(struct blk_dev *d)
{
    char *params = xb_read(d->xs, d->be, "params");
    char *mode = xb_read(d->xs, d->be, "mode");
    char *dtype = xb_read(d->xs, d->be, "device-type");
    char *disc = xb_read(d->xs, d->be, "discard-enable");
    const char *path;
    struct stat st;
    uint64_t bytes = 0;
    int rc = 0;

    if (!params || !mode) {
        fail(d, "backend directory lacks %s", params ? "mode" : "params");
        rc = -EINVAL;
        goto out;
    }
    path = params_path(params);
    /* "w!": writable, sharing with other domains allowed (Xen's block
     * script convention, our xl's access=w!) */
    d->io.geom.readonly = !strchr(mode, 'w');
    d->shared = strchr(mode, '!') != NULL;
    d->cdrom = dtype && !strcmp(dtype, "cdrom");
    if (d->cdrom)
        d->io.geom.readonly = true;
    d->io.geom.discard = !disc || strcmp(disc, "0") != 0;
    d->io.geom.max_segs = BLK_MAX_SEGS;
    snprintf(d->path, sizeof(d->path), "%s", path);
    d->io.fd = open(path, (d->io.geom.readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (d->io.fd < 0) {
        rc = -errno;
        fail(d, "cannot open %s: %s", path, strerror(errno));
        goto out;
    }
    if (fstat(d->io.fd, &st) < 0) {
        rc = -errno;
        fail(d, "cannot stat %s: %s", path, strerror(errno));
        goto out;
    }
    if (S_ISBLK(st.st_mode)) {
        d->io.is_blkdev = true;
        if (ioctl(d->io.fd, BLKGETSIZE64, &bytes) < 0) {
            rc = -errno;
            fail(d, "cannot size %s: %s", path, strerror(errno));
            goto out;
        }
    } else if (S_ISREG(st.st_mode)) {
        bytes = (uint64_t)st.st_size;
    } else {
        rc = -EINVAL;
        fail(d, "%s is neither a regular file nor a block device", path);
        goto out;
    }
    d->dev = st.st_dev;
    d->ino = st.st_ino;
    d->rdev = st.st_rdev;
    d->io.geom.sectors = bytes / BLK_SECTOR;
    if (blk_image_conflict(d)) {
        rc = -EBUSY;
        fail(d, "%s is already open writable for another domain", path);
        goto out;
    }
out:
    if (rc && d->io.fd >= 0) {
        close(d->io.fd);
        d->io.fd = -1;
    }
    free(params);
    free(mode);
    free(dtype);
    free(disc);
    return rc;
}

struct blk_dev *blk_dev_new(struct xs_handle *xs, const char *kind,
                            unsigned int domid, unsigned int devid)
{
    struct blk_dev *d = calloc(1, sizeof(*d));
    char *fe;

    if (!d)
        return NULL;
    d->xs = xs;
    d->domid = domid;
    d->devid = devid;
    d->io.fd = -1;
    d->gnt_fd = -1;
    d->evt_fd = -1;
    d->lport = -1;
    d->io.domid = (uint16_t)domid;
    snprintf(d->be, sizeof(d->be), "/local/domain/0/backend/%s/%u/%u", kind,
             domid, devid);
    fe = xb_read(xs, d->be, "frontend");
    if (fe && strlen(fe) < sizeof(d->fe))
        strcpy(d->fe, fe);
    else
        snprintf(d->fe, sizeof(d->fe), "/local/domain/%u/device/vbd/%u",
                 domid, devid);
    free(fe);
    snprintf(d->watch_token, sizeof(d->watch_token), "fe:%u:%u", domid, devid);
    {
        char p[300];
        snprintf(p, sizeof(p), "%s/state", d->fe);
        xs_watch(xs, p, d->watch_token);
    }
    if (blk_io_init(&d->io)) {
        free(d);
        return NULL;
    }
    d->io.ops.copy = gnt_copy_cb;
    d->io.ops.map = gnt_map_cb;
    d->io.ops.unmap = gnt_unmap_cb;
    d->io.ops.ctx = &d->gnt_fd;
    return d;
}

/* Unmaps the ring and unbinds the channel; the image stays open. */
static void disconnect(struct blk_dev *d)
{
    if (d->evt_fd >= 0) {
        blk_evt_forget(d);
        close(d->evt_fd);       /* unbinds the port */
        d->evt_fd = -1;
        d->lport = -1;
    }
    if (d->gnt_fd >= 0) {
        if (d->connected && d->io.persistent)
            blk_log("vbd %u/%u: %u persistent grants unmapped, %llu requests "
                    "served from them", d->domid, d->devid, d->io.npg,
                    d->io.n_zero_copy);
        blk_io_drop_persistent(&d->io);
        gnt_unmap(d->gnt_fd, &d->ring_map);
        close(d->gnt_fd);
        d->gnt_fd = -1;
    }
    if (d->connected) {
        blk_log("vbd %u/%u: disconnected (%llu reads, %llu writes, %llu "
                "flushes, %llu discards, %llu errors)", d->domid, d->devid,
                d->io.n_read, d->io.n_write, d->io.n_flush, d->io.n_discard,
                d->io.n_error);
        blk_log("vbd %u/%u: cost: %llu events, %llu rounds, %llu "
                "notifications, %llu requests from mapped pages", d->domid,
                d->devid, d->n_events, d->n_rounds, d->n_notifies,
                d->io.n_zero_copy);
    }
    d->connected = false;
}

void blk_dev_free(struct blk_dev *d)
{
    char p[300];

    disconnect(d);
    snprintf(p, sizeof(p), "%s/state", d->fe);
    xs_unwatch(d->xs, p, d->watch_token);
    if (d->io.fd >= 0)
        close(d->io.fd);
    blk_io_free(&d->io);
    free(d);
}

/* Features and geometry, before InitWait (the frontend reads them then). */
static int publish(struct blk_dev *d)
{
    unsigned int info = (d->cdrom ? VDISK_CDROM : 0) |
                        (d->io.geom.readonly ? VDISK_READONLY : 0);
    int rc = 0;

    rc |= xb_printf(d->xs, d->be, "feature-flush-cache", "1");
    rc |= xb_printf(d->xs, d->be, "feature-discard", "%d", d->io.geom.discard);
    if (d->io.geom.discard) {
        rc |= xb_printf(d->xs, d->be, "discard-granularity", "%u", BLK_PAGE);
        rc |= xb_printf(d->xs, d->be, "discard-alignment", "0");
        rc |= xb_printf(d->xs, d->be, "discard-secure", "0");
    }
    rc |= xb_printf(d->xs, d->be, "feature-max-indirect-segments", "%u",
                    d->io.geom.max_segs);
    rc |= xb_printf(d->xs, d->be, "max-ring-page-order", "%u", BLK_MAX_RING_ORDER);
    rc |= xb_printf(d->xs, d->be, "feature-persistent", "1");
    rc |= xb_printf(d->xs, d->be, "sectors", "%llu",
                    (unsigned long long)d->io.geom.sectors);
    rc |= xb_printf(d->xs, d->be, "sector-size", "%u", BLK_SECTOR);
    rc |= xb_printf(d->xs, d->be, "physical-sector-size", "%u", BLK_SECTOR);
    rc |= xb_printf(d->xs, d->be, "info", "%u", info);
    rc |= xb_printf(d->xs, d->be, "hotplug-status", "connected");
    return rc ? -EIO : 0;
}

/* Reads the frontend's ring details, maps the ring, binds the channel. */
static int connect_ring(struct blk_dev *d)
{
    uint32_t refs[BLK_MAX_RING_PAGES];
    unsigned long long order = 0, v, port;
    unsigned int pages, i;
    char *proto;
    int rc;

    proto = xb_read(d->xs, d->fe, "protocol");
    if (proto && strcmp(proto, "x86_64-abi") != 0) {
        blk_log("vbd %u/%u: frontend protocol `%s' not supported "
                "(x86_64-abi only)", d->domid, d->devid, proto);
        free(proto);
        return -EPROTONOSUPPORT;
    }
    free(proto);
    if (xb_read_ull(d->xs, d->fe, "ring-page-order", &order) == 0) {
        if (order > BLK_MAX_RING_ORDER) {
            blk_log("vbd %u/%u: ring-page-order %llu over our %u",
                    d->domid, d->devid, order, BLK_MAX_RING_ORDER);
            return -EINVAL;
        }
        pages = 1u << order;
        for (i = 0; i < pages; i++) {
            char node[24];
            snprintf(node, sizeof(node), "ring-ref%u", i);
            if (xb_read_ull(d->xs, d->fe, node, &v) || v > 0xffffffffULL) {
                blk_log("vbd %u/%u: bad or missing %s", d->domid, d->devid, node);
                return -EINVAL;
            }
            refs[i] = (uint32_t)v;
        }
    } else {
        pages = 1;
        if (xb_read_ull(d->xs, d->fe, "ring-ref", &v) || v > 0xffffffffULL) {
            blk_log("vbd %u/%u: bad or missing ring-ref", d->domid, d->devid);
            return -EINVAL;
        }
        refs[0] = (uint32_t)v;
    }
    if (xb_read_ull(d->xs, d->fe, "event-channel", &port) || port > 0xffffffffULL) {
        blk_log("vbd %u/%u: bad or missing event-channel", d->domid, d->devid);
        return -EINVAL;
    }
    /* persistent grants if the frontend wants them too (it writes its own
     * feature-persistent; Linux's blkfront uses them when both say 1) */
    d->io.persistent = xb_read_ull(d->xs, d->fe, "feature-persistent", &v) == 0 && v == 1;
    d->io.n_zero_copy = 0;
    d->gnt_fd = gnt_open();
    if (d->gnt_fd < 0) {
        rc = d->gnt_fd;
        d->gnt_fd = -1;
        blk_log("vbd %u/%u: /dev/xen/gntdev: %s", d->domid, d->devid, strerror(-rc));
        return rc;
    }
    rc = gnt_map_refs(d->gnt_fd, d->domid, refs, pages, &d->ring_map);
    if (rc) {
        blk_log("vbd %u/%u: mapping %u ring page(s) failed: %s", d->domid,
                d->devid, pages, strerror(-rc));
        goto fail;
    }
    d->evt_fd = evt_open();
    if (d->evt_fd < 0) {
        rc = d->evt_fd;
        d->evt_fd = -1;
        goto fail;
    }
    rc = evt_bind_interdomain(d->evt_fd, d->domid, (uint32_t)port);
    if (rc < 0) {
        blk_log("vbd %u/%u: binding event channel %llu failed: %s", d->domid,
                d->devid, port, strerror(-rc));
        goto fail;
    }
    d->lport = rc;
    blk_ring_attach(&d->ring, d->ring_map.addr, pages);
    rc = blk_evt_register(d);
    if (rc)
        goto fail;
    d->connected = true;
    blk_log("vbd %u/%u: connected: %s, %llu sectors%s, ring %u page(s) "
            "(%u slots), event channel %llu, persistent grants %s", d->domid,
            d->devid, d->path, (unsigned long long)d->io.geom.sectors,
            d->io.geom.readonly ? ", read-only" : "", pages,
            RING_SIZE(&d->ring.br), port, d->io.persistent ? "on" : "off");
    return 0;
fail:
    disconnect(d);
    return rc;
}

int blk_dev_step(struct blk_dev *d)
{
    struct xb_view v;
    char *online;
    enum xb_action a;
    int rc;

    if (d->failed)
        return 0;
    v.be_state = xb_read_state(d->xs, d->be);
    if (v.be_state == XenbusStateUnknown)
        return 1;               /* directory gone: the caller drops us */
    if (d->released) {
        /* kept so the rescan does not re-create it; a toolstack that
         * reuses the directory starts over from Initialising */
        if (v.be_state != XenbusStateInitialising)
            return 0;
        d->released = false;
    }
    v.fe_state = xb_read_state(d->xs, d->fe);
    online = xb_read(d->xs, d->be, "online");
    v.online = online && !strcmp(online, "1");
    free(online);
    v.connected = d->connected;
    a = xb_next_action(&v);
    switch (a) {
    case XB_NOTHING:
        return 0;
    case XB_INITWAIT:
        if (d->io.fd < 0 && open_image(d))
            return 0;
        if (publish(d)) {
            fail(d, "cannot write the backend's features to xenstore");
            return 0;
        }
        xb_switch_state(d->xs, d->be, XenbusStateInitWait);
        return 0;
    case XB_CONNECT:
        if (d->io.fd < 0 && (open_image(d) || publish(d)))
            return 0;
        rc = connect_ring(d);
        if (rc) {
            xb_switch_state(d->xs, d->be, XenbusStateClosing);
            return 0;
        }
        xb_printf(d->xs, d->be, "sectors", "%llu",
                  (unsigned long long)d->io.geom.sectors);
        xb_switch_state(d->xs, d->be, XenbusStateConnected);
        /* requests may already wait (a restarted daemon) */
        blk_dev_kick(d);
        return 0;
    case XB_CLOSING:
        xb_switch_state(d->xs, d->be, XenbusStateClosing);
        return 0;
    case XB_CLOSE:
        disconnect(d);
        xb_switch_state(d->xs, d->be, XenbusStateClosed);
        return 0;
    case XB_REMOVE:
        /* the frontend is gone or closed for good: free the ring and the
         * image now; the directory is the toolstack's to remove */
        disconnect(d);
        if (d->io.fd >= 0) {
            close(d->io.fd);
            d->io.fd = -1;
        }
        d->released = true;
        blk_log("vbd %u/%u: released", d->domid, d->devid);
        return 0;
    }
    return 0;
}

void blk_dev_halt(struct blk_dev *d)
{
    blk_log("vbd %u/%u: frontend broke the ring protocol (req_prod %u, "
            "%u responses, %u slots): disconnecting", d->domid, d->devid,
            d->ring.br.sring->req_prod, d->ring.br.rsp_prod_pvt,
            RING_SIZE(&d->ring.br));
    disconnect(d);
    xb_switch_state(d->xs, d->be, XenbusStateClosing);
}
