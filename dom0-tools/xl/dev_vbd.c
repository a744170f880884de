/*
 * dev_vbd.c — xl's virtual block devices: `disk=' lines at create time,
 * `xl block-attach', `block-detach' and `block-list'.  The xenstore nodes
 * are those libxl writes for a disk: a backend directory under
 * /local/domain/0/backend/<kind>/<domid>/<devid> (readable by the guest) and
 * a frontend directory /local/domain/<domid>/device/vbd/<devid> (owned by
 * the guest).  Two kinds of backend:
 *   qdisk (the default, or backendtype=qdisk): our userspace daemon
 *     pv-drivers/blkback, started here when it is not running; Xen's path
 *     for a userspace block backend, so the dom0 kernel's xen-blkback (which
 *     claims every backend/vbd node) can be loaded at the same time;
 *   phy (backendtype=phy): Debian's in-kernel xen-blkback at backend/vbd;
 *     the target must be a block device (we do the block hotplug script's
 *     part: physical-device = major:minor).
 * A writable image already in use by another domain is refused, unless both
 * say access=w! (our extension; Xen's block script honours "!" the same way).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xenstore.h>

#include "xl.h"
#include "xlcfg_parse.h"

#define XENBUS_INITWAIT 2
#define XENBUS_CONNECTED 4
#define XENBUS_CLOSING 5
#define XENBUS_CLOSED 6

/* Letters "a".."z", "aa".. as a bijective base-26 number; *end after them. */
static int letters(const char *s, const char **end)
{
    long v = 0;

    if (*s < 'a' || *s > 'z')
        return -1;
    for (; *s >= 'a' && *s <= 'z'; s++) {
        v = v * 26 + (*s - 'a' + 1);
        if (v > (1L << 20))
            return -1;
    }
    *end = s;
    return (int)(v - 1);
}

/* Optional decimal partition after the disk; -1 if malformed. */
static int partition(const char *s)
{
    long v = 0;

    if (!*s)
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > 1000)
            return -1;
        v = v * 10 + (*s - '0');
    }
    return (int)v;
}

int xl_vbd_devid(const char *vdev)
{
    const char *rest;
    int disk, part;

    if (!strncmp(vdev, "xvd", 3)) {
        disk = letters(vdev + 3, &rest);
        if (disk < 0 || (part = partition(rest)) < 0)
            return -1;
        if (disk <= 15 && part <= 15)
            return (202 << 8) | (disk << 4) | part;
        if (disk <= (1 << 20) - 1 && part <= 255)
            return (1 << 28) | (disk << 8) | part;
        return -1;
    }
    if (!strncmp(vdev, "hd", 2)) {
        disk = letters(vdev + 2, &rest);
        if (disk < 0 || disk > 3 || (part = partition(rest)) < 0 || part > 63)
            return -1;
        return ((disk < 2 ? 3 : 22) << 8) | ((disk & 1) << 6) | part;
    }
    if (!strncmp(vdev, "sd", 2)) {
        disk = letters(vdev + 2, &rest);
        if (disk < 0 || disk > 15 || (part = partition(rest)) < 0 || part > 15)
            return -1;
        return (8 << 8) | (disk << 4) | part;
    }
    /* a bare device number, as block-detach also accepts */
    if (*vdev >= '0' && *vdev <= '9') {
        char *end;
        long v = strtol(vdev, &end, 10);
        return (!*end && v >= 0 && v < INT_MAX) ? (int)v : -1;
    }
    return -1;
}

static const char *kind_of(const struct xlcfg_disk *d)
{
    return !strcmp(d->backendtype, "phy") ? "vbd" : "qdisk";
}

int xl_vbd_nodes(const struct xlcfg_disk *d, uint32_t domid,
                 struct xl_vbd_nodes *n, char *err, size_t errlen)
{
    bool phy = !strcmp(d->backendtype, "phy");
    int devid = xl_vbd_devid(d->vdev);
    const char *dtype = d->cdrom ? "cdrom" : "disk";

    memset(n, 0, sizeof(*n));
    if (devid < 0) {
        snprintf(err, errlen, "invalid or unsupported virtual disk identifier "
                 "%s", d->vdev);
        return -EINVAL;
    }
    if (d->backend_domname[0] && strcmp(d->backend_domname, "0") &&
        strcmp(d->backend_domname, "Domain-0")) {
        snprintf(err, errlen, "disk %s: backend=%s: only dom0 serves disks "
                 "here", d->vdev, d->backend_domname);
        return -EOPNOTSUPP;
    }
    if (d->backendtype[0] && strcmp(d->backendtype, "phy") &&
        strcmp(d->backendtype, "qdisk")) {
        snprintf(err, errlen, "disk %s: backendtype=%s is not supported "
                 "(phy, qdisk)", d->vdev, d->backendtype);
        return -EOPNOTSUPP;
    }
    if (d->format[0] && strcmp(d->format, "raw")) {
        snprintf(err, errlen, "disk %s: format=%s is not supported (raw "
                 "only)", d->vdev, d->format);
        return -EOPNOTSUPP;
    }
    if (d->script[0]) {
        snprintf(err, errlen, "disk %s: script=%s: this toolstack runs no "
                 "block hotplug scripts", d->vdev, d->script);
        return -EOPNOTSUPP;
    }
    if (!d->target[0] && !d->cdrom) {
        snprintf(err, errlen, "disk %s: no target", d->vdev);
        return -EINVAL;
    }
    n->devid = devid;
    snprintf(n->be, sizeof(n->be), "/local/domain/0/backend/%s/%u/%d",
             kind_of(d), domid, devid);
    snprintf(n->fe, sizeof(n->fe), "/local/domain/%u/device/vbd/%d", domid,
             devid);
#define BE(k, ...) do { snprintf(n->be_kv[n->nbe].key, sizeof(n->be_kv[0].key), "%s", k); \
        snprintf(n->be_kv[n->nbe].val, sizeof(n->be_kv[0].val), __VA_ARGS__); n->nbe++; } while (0)
#define FE(k, ...) do { snprintf(n->fe_kv[n->nfe].key, sizeof(n->fe_kv[0].key), "%s", k); \
        snprintf(n->fe_kv[n->nfe].val, sizeof(n->fe_kv[0].val), __VA_ARGS__); n->nfe++; } while (0)
    if (phy)
        BE("params", "%s", d->target);
    else
        BE("params", "raw:%s", d->target);
    BE("frontend", "%s", n->fe);
    BE("frontend-id", "%u", domid);
    BE("online", "1");
    BE("removable", "0");
    BE("bootable", "1");
    BE("state", "1");
    BE("dev", "%s", d->vdev);
    BE("type", "%s", phy ? "phy" : "qdisk");
    BE("mode", "%s", d->readonly ? "r" : d->shared ? "w!" : "w");
    BE("device-type", "%s", dtype);
    if (d->direct_io_safe)
        BE("direct-io-safe", "1");
    BE("discard-enable", "%d", d->discard != 0);
    FE("backend", "%s", n->be);
    FE("backend-id", "0");
    FE("state", "1");
    FE("virtual-device", "%d", devid);
    FE("device-type", "%s", dtype);
    FE("protocol", "x86_64-abi");
#undef BE
#undef FE
    return 0;
}

/* ------------------------------------------------------------ sharing */

/* The image a backend directory serves, as libxl's params (format prefix
 * dropped). */
static char *backend_target(struct xs_handle *xs, const char *be)
{
    char path[400], *p, *colon;
    unsigned int len;

    snprintf(path, sizeof(path), "%s/params", be);
    p = xs_read(xs, XBT_NULL, path, &len);
    if (p && (colon = strchr(p, ':')) && colon[1] == '/')
        memmove(p, colon + 1, strlen(colon + 1) + 1);
    return p;
}

static bool same_file(const struct stat *a, const char *path)
{
    struct stat b;

    if (stat(path, &b) < 0)
        return false;
    if (S_ISBLK(a->st_mode) && S_ISBLK(b.st_mode))
        return a->st_rdev == b.st_rdev;
    return a->st_dev == b.st_dev && a->st_ino == b.st_ino;
}

/*
 * 0, or -EBUSY with a message when another domain's disk already uses the
 * target and one of the two is writable (unless both are "w!").
 */
static int check_sharing(struct xs_handle *xs, uint32_t domid,
                         const struct xlcfg_disk *d, char *err, size_t errlen)
{
    static const char *const kinds[] = { "qdisk", "vbd" };
    struct stat st;
    unsigned int k, i, j, nd, nv, len;
    char path[200], sub[260], mpath[400];

    if (!d->target[0] || stat(d->target, &st) < 0)
        return 0;       /* the backend reports a missing target */
    for (k = 0; k < 2; k++) {
        char **doms, **devs;

        snprintf(path, sizeof(path), "/local/domain/0/backend/%s", kinds[k]);
        doms = xs_directory(xs, XBT_NULL, path, &nd);
        for (i = 0; doms && i < nd; i++) {
            if ((uint32_t)strtoul(doms[i], NULL, 10) == domid)
                continue;
            snprintf(sub, sizeof(sub), "%s/%s", path, doms[i]);
            devs = xs_directory(xs, XBT_NULL, sub, &nv);
            for (j = 0; devs && j < nv; j++) {
                char be[320], *target, *mode;
                bool other_rw, clash;

                snprintf(be, sizeof(be), "%s/%s", sub, devs[j]);
                target = backend_target(xs, be);
                snprintf(mpath, sizeof(mpath), "%s/mode", be);
                mode = xs_read(xs, XBT_NULL, mpath, &len);
                other_rw = mode && strchr(mode, 'w');
                clash = target && same_file(&st, target) &&
                        (other_rw || !d->readonly) &&
                        !(d->shared && mode && strchr(mode, '!'));
                if (clash)
                    snprintf(err, errlen, "disk %s: %.512s is already in use by "
                             "domain %s (%s); a writable disk cannot be "
                             "shared (access=w! on both allows it)", d->vdev,
                             d->target, doms[i], other_rw ? "writable"
                                                          : "read-only");
                free(target);
                free(mode);
                if (clash) {
                    free(devs);
                    free(doms);
                    return -EBUSY;
                }
            }
            free(devs);
        }
        free(doms);
    }
    return 0;
}

/* ------------------------------------------------------------ daemon */

static const char *pidfile(void)
{
    const char *p = getenv("XL_BLKBACK_PIDFILE");
    return p && *p ? p : "/run/xen/blkback.pid";
}

/* True while a blkback holds the lock on its pid file. */
static bool daemon_running(void)
{
    int fd = open(pidfile(), O_RDONLY | O_CLOEXEC);
    bool running = false;

    if (fd < 0)
        return false;
    if (flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK)
        running = true;
    close(fd);
    return running;
}

/* $XL_BLKBACK, blkback beside this xl, /usr/lib/xen/bin/blkback, $PATH. */
static void daemon_path(char *out, size_t len)
{
    const char *env = getenv("XL_BLKBACK");
    char self[PATH_MAX];
    ssize_t n;

    if (env && *env) {
        snprintf(out, len, "%s", env);
        return;
    }
    n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n > 0) {
        char *slash;
        self[n] = 0;
        slash = strrchr(self, '/');
        if (slash) {
            snprintf(slash + 1, sizeof(self) - (size_t)(slash + 1 - self), "blkback");
            if (access(self, X_OK) == 0) {
                snprintf(out, len, "%s", self);
                return;
            }
        }
    }
    if (access("/usr/lib/xen/bin/blkback", X_OK) == 0)
        snprintf(out, len, "/usr/lib/xen/bin/blkback");
    else
        snprintf(out, len, "blkback");
}

int xl_blkback_ensure(struct errbuf *eb)
{
    char bin[PATH_MAX];
    int status;
    pid_t pid;

    if (daemon_running())
        return 0;
    daemon_path(bin, sizeof(bin));
    pid = fork();
    if (pid < 0)
        return eb_fail(eb, -errno, "starting the block backend %s", bin);
    if (pid == 0) {
        const char *logf = getenv("XL_BLKBACK_LOG");
        execlp(bin, "blkback", "-d", "--pid-file", pidfile(), "--log",
               logf && *logf ? logf : "/var/log/xen/blkback.log", (char *)NULL);
        fprintf(stderr, "cannot run the block backend %s: %s\n", bin,
                strerror(errno));
        _exit(127);
    }
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0)
        return eb_msg(eb, -EIO, "the block backend %s did not start (see "
                      "/var/log/xen/blkback.log)", bin);
    return 0;
}

/* ------------------------------------------------------------ add/remove */

static int write_dir(struct xs_handle *xs, xs_transaction_t t, const char *dir,
                     const struct xl_vbd_kv *kv, unsigned int n,
                     const struct xs_permissions *perms)
{
    char path[320];
    unsigned int i;

    if (!xs_mkdir(xs, t, dir) || !xs_set_permissions(xs, t, dir,
                                                     (struct xs_permissions *)perms, 2))
        return -(errno ? errno : EIO);
    for (i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, kv[i].key);
        if (!xs_write(xs, t, path, kv[i].val, (unsigned)strlen(kv[i].val)))
            return -(errno ? errno : EIO);
    }
    return 0;
}

/* For backendtype=phy: the block script's physical-device node. */
static int phy_device(const struct xlcfg_disk *d, char *out, size_t len,
                      char *err, size_t errlen)
{
    struct stat st;

    if (stat(d->target, &st) < 0) {
        snprintf(err, errlen, "disk %s: %.512s: %s", d->vdev, d->target,
                 strerror(errno));
        return -errno;
    }
    if (!S_ISBLK(st.st_mode)) {
        snprintf(err, errlen, "disk %s: backendtype=phy needs a block device "
                 "(%.512s is not one; use a loop device)", d->vdev, d->target);
        return -EINVAL;
    }
    snprintf(out, len, "%x:%x", major(st.st_rdev), minor(st.st_rdev));
    return 0;
}

int xl_vbd_add(struct xs_handle *xs, uint32_t domid, const struct xlcfg_disk *d,
               struct errbuf *eb)
{
    struct xs_permissions be_perms[2] = {
        { .id = 0, .perms = XS_PERM_NONE }, { .id = domid, .perms = XS_PERM_READ },
    };
    struct xs_permissions fe_perms[2] = {
        { .id = domid, .perms = XS_PERM_NONE }, { .id = 0, .perms = XS_PERM_READ },
    };
    struct xl_vbd_nodes *n = calloc(1, sizeof(*n));
    char err[1024] = "", path[340], physdev[32];
    unsigned int len;
    int rc, tries;

    if (!n)
        return eb_msg(eb, -ENOMEM, "out of memory");
    rc = xl_vbd_nodes(d, domid, n, err, sizeof(err));
    if (!rc)
        rc = check_sharing(xs, domid, d, err, sizeof(err));
    if (!rc && !strcmp(kind_of(d), "vbd")) {
        rc = phy_device(d, physdev, sizeof(physdev), err, sizeof(err));
        if (!rc) {
            snprintf(n->be_kv[n->nbe].key, sizeof(n->be_kv[0].key), "physical-device");
            snprintf(n->be_kv[n->nbe].val, sizeof(n->be_kv[0].val), "%s", physdev);
            n->nbe++;
            snprintf(n->be_kv[n->nbe].key, sizeof(n->be_kv[0].key), "physical-device-path");
            snprintf(n->be_kv[n->nbe].val, sizeof(n->be_kv[0].val), "%s", d->target);
            n->nbe++;
            snprintf(n->be_kv[n->nbe].key, sizeof(n->be_kv[0].key), "hotplug-status");
            snprintf(n->be_kv[n->nbe].val, sizeof(n->be_kv[0].val), "connected");
            n->nbe++;
        }
    }
    if (rc) {
        eb_msg(eb, rc, "%s", err);
        goto out;
    }
    if (!strcmp(kind_of(d), "qdisk")) {
        rc = xl_blkback_ensure(eb);
        if (rc)
            goto out;
    }
    for (tries = 0; tries < 8; tries++) {
        xs_transaction_t t = xs_transaction_start(xs);
        char *old;

        if (!t) {
            rc = eb_fail(eb, -errno, "xenstore transaction");
            goto out;
        }
        snprintf(path, sizeof(path), "%s/state", n->fe);
        old = xs_read(xs, t, path, &len);
        if (old) {
            free(old);
            xs_transaction_end(xs, t, true);
            rc = eb_msg(eb, -EEXIST, "disk %s: device already exists in "
                        "xenstore (%s)", d->vdev, n->fe);
            goto out;
        }
        rc = write_dir(xs, t, n->be, n->be_kv, n->nbe, be_perms);
        if (!rc)
            rc = write_dir(xs, t, n->fe, n->fe_kv, n->nfe, fe_perms);
        if (rc) {
            xs_transaction_end(xs, t, true);
            eb_fail(eb, rc, "writing the xenstore nodes of disk %s", d->vdev);
            goto out;
        }
        if (xs_transaction_end(xs, t, false)) {
            rc = 0;
            goto out;
        }
        if (errno != EAGAIN) {
            rc = eb_fail(eb, -errno, "committing the nodes of disk %s", d->vdev);
            goto out;
        }
    }
    rc = eb_msg(eb, -EAGAIN, "disk %s: xenstore kept conflicting", d->vdev);
out:
    free(n);
    return rc;
}

static int read_int(struct xs_handle *xs, const char *dir, const char *node)
{
    char path[340], *v, *end;
    unsigned int len;
    long r;

    snprintf(path, sizeof(path), "%s/%s", dir, node);
    v = xs_read(xs, XBT_NULL, path, &len);
    if (!v)
        return -1;
    r = strtol(v, &end, 10);
    if (end == v || *end)
        r = -1;
    free(v);
    return (int)r;
}

/*
 * Waits until the backend took the device (InitWait or later, hotplug-status
 * connected) or refused it (hotplug-status error: its hotplug-error is the
 * message).  ~timeout_ms.
 */
int xl_vbd_wait_backend(struct xs_handle *xs, const char *be, int timeout_ms,
                        struct errbuf *eb)
{
    char path[340], *hs;
    unsigned int len;
    int waited;

    for (waited = 0; waited <= timeout_ms; waited += 20) {
        snprintf(path, sizeof(path), "%s/hotplug-status", be);
        hs = xs_read(xs, XBT_NULL, path, &len);
        if (hs && !strcmp(hs, "error")) {
            char *msg;
            free(hs);
            snprintf(path, sizeof(path), "%s/hotplug-error", be);
            msg = xs_read(xs, XBT_NULL, path, &len);
            eb_msg(eb, -EIO, "the block backend refused %s: %s", be,
                   msg ? msg : "(no reason given)");
            free(msg);
            return -EIO;
        }
        if (hs && !strcmp(hs, "connected") &&
            read_int(xs, be, "state") >= XENBUS_INITWAIT) {
            free(hs);
            return 0;
        }
        free(hs);
        usleep(20000);
    }
    return eb_msg(eb, -ETIMEDOUT, "the block backend did not take %s within "
                  "%d s (is blkback running? see /var/log/xen/blkback.log)",
                  be, timeout_ms / 1000);
}

int xl_vbd_attach_all(uint32_t domid, const struct domain_config *cfg,
                      struct errbuf *eb)
{
    struct xs_handle *xs;
    unsigned int i;
    int rc = 0;

    if (!cfg->nr_disks)
        return 0;
    xs = xs_open(0);
    if (!xs)
        return eb_fail(eb, -errno, "connecting to xenstore");
    for (i = 0; i < cfg->nr_disks && !rc; i++)
        rc = xl_vbd_add(xs, domid, &cfg->disks[i], eb);
    for (i = 0; i < cfg->nr_disks && !rc; i++) {
        char be[160];
        const struct xlcfg_disk *d = &cfg->disks[i];
        snprintf(be, sizeof(be), "/local/domain/0/backend/%s/%u/%d",
                 kind_of(d), domid, xl_vbd_devid(d->vdev));
        if (!strcmp(kind_of(d), "qdisk"))
            rc = xl_vbd_wait_backend(xs, be, 10000, eb);
    }
    xs_close(xs);
    return rc;
}

/*
 * Detach as libxl does: online=0 and state=Closing in the backend; the
 * frontend closes, the backend answers Closed; then both directories go.
 * A frontend that does not close within timeout_ms is forced (xl's
 * fallback too).  Returns 1 when it had to force.
 */
int xl_vbd_remove(struct xs_handle *xs, uint32_t domid, int devid, bool force,
                  int timeout_ms, struct errbuf *eb)
{
    char fe[96], be[160], path[200], *bepath;
    unsigned int len;
    int waited, forced = 0;

    snprintf(fe, sizeof(fe), "/local/domain/%u/device/vbd/%d", domid, devid);
    snprintf(path, sizeof(path), "%s/backend", fe);
    bepath = xs_read(xs, XBT_NULL, path, &len);
    if (!bepath)
        return eb_msg(eb, -ENOENT, "Error: Device %d not connected.", devid);
    snprintf(be, sizeof(be), "%s", bepath);
    free(bepath);
    if (!force) {
        snprintf(path, sizeof(path), "%s/online", be);
        xs_write(xs, XBT_NULL, path, "0", 1);
        snprintf(path, sizeof(path), "%s/state", be);
        if (read_int(xs, be, "state") != XENBUS_CLOSED)
            xs_write(xs, XBT_NULL, path, "5", 1);
        for (waited = 0; waited < timeout_ms; waited += 20) {
            if (read_int(xs, be, "state") == XENBUS_CLOSED ||
                read_int(xs, be, "state") < 0)
                break;
            usleep(20000);
        }
        if (waited >= timeout_ms)
            forced = 1;
    }
    xs_rm(xs, XBT_NULL, be);
    xs_rm(xs, XBT_NULL, fe);
    return forced;
}

/* ------------------------------------------------------------ commands */

static int parse_spec_args(int argc, char **argv, struct xlcfg_disk *d)
{
    char spec[2048] = "", err[1024];
    int i;

    for (i = 0; i < argc; i++) {
        if (strlen(spec) + strlen(argv[i]) + 2 > sizeof(spec)) {
            fprintf(stderr, "disk specification too long\n");
            return -EINVAL;
        }
        if (i)
            strcat(spec, ",");
        strcat(spec, argv[i]);
    }
    if (xlcfg_parse_disk(spec, d, err, sizeof(err))) {
        fprintf(stderr, "%s\n", err);
        return -EINVAL;
    }
    if (!d->vdev[0]) {
        fprintf(stderr, "disk spec `%s': no vdev\n", spec);
        return -EINVAL;
    }
    return 0;
}

int xl_cmd_block_attach(int argc, char **argv)
{
    struct errbuf eb = { 0 };
    struct xlcfg_disk d;
    struct xs_handle *xs;
    uint32_t domid;
    char be[160];
    int opt, rc;

    while ((opt = xl_getopt(argc, argv, "", NULL, "block-attach", 2)) != -1)
        ;
    domid = xl_find_domain(argv[optind]);
    if (parse_spec_args(argc - optind - 1, argv + optind + 1, &d))
        return EXIT_FAILURE;
    if (xl_dryrun) {
        printf("disk: vdev=%s target=%s access=%s backendtype=%s\n", d.vdev,
               d.target, d.readonly ? "r" : "w",
               d.backendtype[0] ? d.backendtype : "qdisk");
        return EXIT_SUCCESS;
    }
    xs = xs_open(0);
    if (!xs) {
        fprintf(stderr, "cannot connect to xenstore: %s\n", strerror(errno));
        return EXIT_FAILURE;
    }
    rc = xl_vbd_add(xs, domid, &d, &eb);
    if (!rc && !strcmp(kind_of(&d), "qdisk")) {
        snprintf(be, sizeof(be), "/local/domain/0/backend/qdisk/%u/%d", domid,
                 xl_vbd_devid(d.vdev));
        rc = xl_vbd_wait_backend(xs, be, 10000, &eb);
        if (rc)
            xl_vbd_remove(xs, domid, xl_vbd_devid(d.vdev), true, 0, NULL);
    }
    xs_close(xs);
    if (rc) {
        fprintf(stderr, "%s\nlibxl_device_disk_add failed.\n", eb.msg);
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}

int xl_cmd_block_detach(int argc, char **argv)
{
    static const struct option opts[] = { { "force", 0, 0, 'f' }, { 0, 0, 0, 0 } };
    struct errbuf eb = { 0 };
    struct xs_handle *xs;
    bool force = false;
    uint32_t domid;
    int opt, rc, devid;

    while ((opt = xl_getopt(argc, argv, "f", opts, "block-detach", 2)) != -1)
        if (opt == 'f')
            force = true;
    domid = xl_find_domain(argv[optind]);
    devid = xl_vbd_devid(argv[optind + 1]);
    if (devid < 0) {
        fprintf(stderr, "Error: Device %s not connected.\n", argv[optind + 1]);
        return EXIT_FAILURE;
    }
    xs = xs_open(0);
    if (!xs) {
        fprintf(stderr, "cannot connect to xenstore: %s\n", strerror(errno));
        return EXIT_FAILURE;
    }
    rc = xl_vbd_remove(xs, domid, devid, force, 10000, &eb);
    xs_close(xs);
    if (rc < 0) {
        if (rc == -ENOENT)
            fprintf(stderr, "Error: Device %s not connected.\n", argv[optind + 1]);
        else
            fprintf(stderr, "%s\n", eb.msg);
        return EXIT_FAILURE;
    }
    if (rc == 1)
        fprintf(stderr, "warning: the frontend of %s did not close within 10 s; "
                "removed the device anyway\n", argv[optind + 1]);
    return EXIT_SUCCESS;
}

void xl_vbd_list_print(FILE *out, struct xs_handle *xs, uint32_t domid)
{
    char dir[96], fe[160], *be;
    char **devs;
    unsigned int n, i, len;

    snprintf(dir, sizeof(dir), "/local/domain/%u/device/vbd", domid);
    devs = xs_directory(xs, XBT_NULL, dir, &n);
    for (i = 0; devs && i < n; i++) {
        char path[200];

        snprintf(fe, sizeof(fe), "%s/%s", dir, devs[i]);
        snprintf(path, sizeof(path), "%s/backend", fe);
        be = xs_read(xs, XBT_NULL, path, &len);
        if (!be)
            continue;
        fprintf(out, "%-5d %-3d %-6d %-5d %-6d %-8d %-30s\n",
                atoi(devs[i]), read_int(xs, fe, "backend-id"), (int)domid,
                read_int(xs, fe, "state"), read_int(xs, fe, "event-channel"),
                read_int(xs, fe, "ring-ref"), be);
        free(be);
    }
    free(devs);
}

int xl_cmd_block_list(int argc, char **argv)
{
    struct xs_handle *xs;
    int opt;

    while ((opt = xl_getopt(argc, argv, "", NULL, "block-list", 1)) != -1)
        ;
    xs = xs_open(0);
    if (!xs) {
        fprintf(stderr, "cannot connect to xenstore: %s\n", strerror(errno));
        return EXIT_FAILURE;
    }
    printf("%-5s %-3s %-6s %-5s %-6s %-8s %-30s\n", "Vdev", "BE", "handle",
           "state", "evt-ch", "ring-ref", "BE-path");
    for (; optind < argc; optind++) {
        uint32_t domid;
        if (domain_lookup(argv[optind], &domid, NULL)) {
            fprintf(stderr, "%s is an invalid domain identifier\n", argv[optind]);
            continue;
        }
        xl_vbd_list_print(stdout, xs, domid);
    }
    xs_close(xs);
    return EXIT_SUCCESS;
}

int xl_domain_create_with_disks(const struct domain_config *cfg, bool paused,
                                uint32_t *domid, struct errbuf *eb)
{
    unsigned int flags = cfg->nr_disks || paused ? DOMAIN_CREATE_PAUSED : 0;
    int rc = domain_create(cfg, flags, domid, eb);

    if (rc || !cfg->nr_disks)
        return rc;
    rc = xl_vbd_attach_all(*domid, cfg, eb);
    if (!rc && !paused)
        rc = domain_unpause(*domid, eb);
    if (rc) {
        struct errbuf ignored = { 0 };
        domain_destroy(*domid, &ignored);
    }
    return rc;
}
