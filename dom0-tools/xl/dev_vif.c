/*
 * dev_vif.c — virtual network interfaces: the `vif=' lines of xl create,
 * `xl network-attach', `network-detach', `network-list', and their
 * teardown when a domain is destroyed.
 *
 * As libxl does (libxl_nic.c, libxl_device.c): the backend nodes
 * (/local/domain/0/backend/vif/<domid>/<devid>: frontend, frontend-id,
 * online, state, script, mac, ip, bridge, handle, type, hotplug-status "")
 * and the frontend nodes (/local/domain/<domid>/device/vif/<devid>:
 * backend, backend-id, state, handle, mac, trusted, and the read-only mtu)
 * are written in one transaction with the same permissions, plus a copy
 * under /libxl/<domid>/device/vif/<devid> that network-list reads.  The
 * backend (netbackd, or Linux's xen-netback) creates the interface and
 * goes to InitWait; then the hotplug script runs ("online") and reports
 * hotplug-status "connected", which lets the backend connect.  Removal
 * writes online=0 and state=Closing, waits for Closed (detach only), runs
 * the script "offline" and removes the nodes.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xenstore.h>

#include "xc.h"
#include "xl.h"
#include "xlcfg_parse.h"

#define XL_SCRIPT_DIR_DEFAULT "/etc/xen/scripts"
/* How long the backend may take to create the interface or to close. */
#define VIF_BACKEND_WAIT_MS 10000

const char *xl_vif_script_dir(void)
{
    const char *d = getenv("XL_SCRIPT_DIR");
    return d && *d ? d : XL_SCRIPT_DIR_DEFAULT;
}

/* ------------------------------------------------------------ the plan */

static void put(struct xl_vif_plan *p, enum xl_vif_where w, const char *key,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void put(struct xl_vif_plan *p, enum xl_vif_where w, const char *key,
                const char *fmt, ...)
{
    struct xl_vif_node *n;
    va_list ap;

    if (p->n >= XL_VIF_MAX_NODES)
        return;
    n = &p->nodes[p->n++];
    n->where = w;
    snprintf(n->key, sizeof(n->key), "%s", key);
    va_start(ap, fmt);
    vsnprintf(n->val, sizeof(n->val), fmt, ap);
    va_end(ap);
}

int xl_vif_plan(uint32_t domid, const struct xlcfg_vif *v,
                const uint8_t rnd[3], struct xl_vif_plan *p)
{
    const char *script = v->script[0] ? v->script : "vif-bridge";

    memset(p, 0, sizeof(*p));
    if (v->backend_domname[0] && strcmp(v->backend_domname, "0") &&
        strcmp(v->backend_domname, "Domain-0"))
        return -EOPNOTSUPP;       /* driver domains are not supported */
    if (!strcmp(v->type, "ioemu") || v->model[0])
        return -EOPNOTSUPP;       /* emulated NICs need a device model */
    p->devid = v->devid;
    if (v->mac[0])
        snprintf(p->mac, sizeof(p->mac), "%s", v->mac);
    else   /* libxl's: Xen's OUI, then 23 random bits */
        snprintf(p->mac, sizeof(p->mac), "00:16:3e:%02x:%02x:%02x",
                 rnd[0] & 0x7f, rnd[1], rnd[2]);
    snprintf(p->bridge, sizeof(p->bridge), "%s",
             v->bridge[0] ? v->bridge : "xenbr0");
    if (script[0] == '/')
        snprintf(p->script, sizeof(p->script), "%s", script);
    else
        snprintf(p->script, sizeof(p->script), "%s/%s", xl_vif_script_dir(),
                 script);
    if (strlen(v->vifname) >= sizeof(p->ifname))
        return -ENAMETOOLONG;     /* a Linux interface name: 15 at most */
    if (v->vifname[0])
        memcpy(p->ifname, v->vifname, strlen(v->vifname) + 1);
    else
        snprintf(p->ifname, sizeof(p->ifname), "vif%u.%u", domid, v->devid);
    snprintf(p->bepath, sizeof(p->bepath),
             "/local/domain/0/backend/vif/%u/%u", domid, v->devid);
    snprintf(p->fepath, sizeof(p->fepath), "/local/domain/%u/device/vif/%u",
             domid, v->devid);
    snprintf(p->libxlpath, sizeof(p->libxlpath),
             "/libxl/%u/device/vif/%u", domid, v->devid);

    put(p, XL_VIF_BACK, "frontend", "%s", p->fepath);
    put(p, XL_VIF_BACK, "frontend-id", "%u", domid);
    put(p, XL_VIF_BACK, "online", "1");
    put(p, XL_VIF_BACK, "state", "1");
    put(p, XL_VIF_BACK, "script", "%s", p->script);
    if (v->vifname[0])
        put(p, XL_VIF_BACK, "vifname", "%s", v->vifname);
    put(p, XL_VIF_BACK, "mac", "%s", p->mac);
    if (v->ip[0])
        put(p, XL_VIF_BACK, "ip", "%s", v->ip);
    if (v->gatewaydev[0])
        put(p, XL_VIF_BACK, "gatewaydev", "%s", v->gatewaydev);
    put(p, XL_VIF_BACK, "bridge", "%s", p->bridge);
    put(p, XL_VIF_BACK, "handle", "%u", v->devid);
    put(p, XL_VIF_BACK, "type", "vif");
    /* the backend must wait for the script before it connects */
    put(p, XL_VIF_BACK, "hotplug-status", "%s", "");

    put(p, XL_VIF_FRONT, "backend", "%s", p->bepath);
    put(p, XL_VIF_FRONT, "backend-id", "0");
    put(p, XL_VIF_FRONT, "state", "1");
    put(p, XL_VIF_FRONT, "handle", "%u", v->devid);
    put(p, XL_VIF_FRONT, "mac", "%s", p->mac);
    put(p, XL_VIF_FRONT, "trusted", "1");
    put(p, XL_VIF_FRONT_RO, "mtu", "1500");

    put(p, XL_VIF_LIBXL, "frontend", "%s", p->fepath);
    put(p, XL_VIF_LIBXL, "backend", "%s", p->bepath);
    for (unsigned int i = 0, n = p->n; i < n; i++)
        if (p->nodes[i].where == XL_VIF_BACK && strcmp(p->nodes[i].key, "hotplug-status") &&
            strcmp(p->nodes[i].key, "state") && strcmp(p->nodes[i].key, "online"))
            put(p, XL_VIF_LIBXL, p->nodes[i].key, "%s", p->nodes[i].val);
    return p->n >= XL_VIF_MAX_NODES ? -E2BIG : 0;
}

/* ------------------------------------------------------------ xenstore */

static char *xread(struct xs_handle *xs, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static char *xread(struct xs_handle *xs, const char *fmt, ...)
{
    char path[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(path, sizeof(path), fmt, ap);
    va_end(ap);
    return xs_read(xs, XBT_NULL, path, NULL);
}

static const char *dir_of(const struct xl_vif_plan *p, enum xl_vif_where w)
{
    return w == XL_VIF_BACK ? p->bepath :
           w == XL_VIF_LIBXL ? p->libxlpath : p->fepath;
}

/* Writes the plan in one transaction (retried on a conflict). */
static int write_nodes(struct xs_handle *xs, uint32_t domid,
                       const struct xl_vif_plan *p, struct errbuf *eb)
{
    struct xs_permissions back[2] = { { 0, XS_PERM_NONE }, { domid, XS_PERM_READ } };
    struct xs_permissions front[2] = { { domid, XS_PERM_NONE }, { 0, XS_PERM_READ } };
    struct xs_permissions own[1] = { { 0, XS_PERM_NONE } };
    char path[320];
    int tries;

    for (tries = 0; tries < 10; tries++) {
        xs_transaction_t t = xs_transaction_start(xs);
        bool ok = t != XBT_NULL;

        if (ok) {
            char *old = xs_read(xs, t, p->bepath, NULL);
            if (old) {
                free(old);
                xs_transaction_end(xs, t, true);
                return eb_msg(eb, -EEXIST, "vif %u of domain %u already "
                              "exists (%s)", p->devid, domid, p->bepath);
            }
        }
        ok = ok && xs_mkdir(xs, t, p->bepath) &&
             xs_set_permissions(xs, t, p->bepath, back, 2) &&
             xs_mkdir(xs, t, p->fepath) &&
             xs_set_permissions(xs, t, p->fepath, front, 2) &&
             xs_mkdir(xs, t, p->libxlpath) &&
             xs_set_permissions(xs, t, p->libxlpath, own, 1);
        for (unsigned int i = 0; ok && i < p->n; i++) {
            const struct xl_vif_node *n = &p->nodes[i];
            snprintf(path, sizeof(path), "%s/%s", dir_of(p, n->where), n->key);
            ok = xs_write(xs, t, path, n->val, strlen(n->val));
            /* a node the guest may read but not change */
            if (ok && n->where == XL_VIF_FRONT_RO)
                ok = xs_set_permissions(xs, t, path, back, 2);
        }
        if (!ok) {
            int e = errno;
            if (t != XBT_NULL)
                xs_transaction_end(xs, t, true);
            return eb_fail(eb, -e, "writing the xenstore nodes of %s",
                           p->ifname);
        }
        if (xs_transaction_end(xs, t, false))
            return 0;
        if (errno != EAGAIN)
            return eb_fail(eb, -errno, "committing the nodes of %s", p->ifname);
    }
    return eb_msg(eb, -EAGAIN, "writing the nodes of %s: xenstore kept "
                  "conflicting", p->ifname);
}

static void rm_nodes(struct xs_handle *xs, const struct xl_vif_plan *p)
{
    char path[128];

    xs_rm(xs, XBT_NULL, p->bepath);
    xs_rm(xs, XBT_NULL, p->fepath);
    xs_rm(xs, XBT_NULL, p->libxlpath);
    snprintf(path, sizeof(path), "/local/domain/0/error%s",
             p->bepath + strlen("/local/domain/0"));
    xs_rm(xs, XBT_NULL, path);
    /* an empty per-domain backend directory goes too, as libxl leaves none */
    snprintf(path, sizeof(path), "%.*s", (int)(strrchr(p->bepath, '/') - p->bepath),
             p->bepath);
    {
        unsigned int n = 0;
        char **d = xs_directory(xs, XBT_NULL, path, &n);
        if (d && !n)
            xs_rm(xs, XBT_NULL, path);
        free(d);
    }
}

static int backend_state(struct xs_handle *xs, const struct xl_vif_plan *p)
{
    char *s = xread(xs, "%s/state", p->bepath);
    int st = s ? atoi(s) : -1;

    free(s);
    return st;
}

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* ------------------------------------------------------------ hotplug */

/* Runs "<script> online|offline" with libxl's environment; its exit
 * status, or -errno if it could not run. */
static int run_script(const struct xl_vif_plan *p, const char *action)
{
    pid_t pid;
    int st, fd;

    if (access(p->script, X_OK) < 0)
        return -errno;
    pid = fork();
    if (pid < 0)
        return -errno;
    if (pid == 0) {
        mkdir("/var/log/xen", 0755);
        fd = open("/var/log/xen/xen-hotplug.log",
                  O_WRONLY | O_APPEND | O_CREAT, 0644);
        if (fd < 0)
            fd = open("/dev/null", O_WRONLY);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        setenv("script", p->script, 1);
        setenv("XENBUS_TYPE", "vif", 1);
        setenv("XENBUS_PATH", p->bepath, 1);
        setenv("XENBUS_BASE_PATH", "backend", 1);
        setenv("vif", p->ifname, 1);
        setenv("netdev", "", 1);
        execl(p->script, p->script, action, (char *)NULL);
        _exit(127);
    }
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -errno;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ------------------------------------------------------------ add */

int xl_vif_add(uint32_t domid, struct xlcfg_vif *v, struct errbuf *eb)
{
    struct xs_handle *xs;
    struct xl_vif_plan p;
    uint8_t rnd[3] = { 0 };
    long t0;
    int rc, st;
    char *err;

    if (!v->mac[0] && getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
        return eb_fail(eb, -errno, "generating a MAC address");
    rc = xl_vif_plan(domid, v, rnd, &p);
    if (rc == -EOPNOTSUPP)
        return eb_msg(eb, rc, "vif %u: %s is not supported by this "
                      "toolstack (PV vifs served by dom0 only)", v->devid,
                      v->model[0] || !strcmp(v->type, "ioemu") ?
                      "an emulated NIC" : "a backend domain");
    if (rc == -ENAMETOOLONG)
        return eb_msg(eb, rc, "vif %u: vifname `%s' is longer than 15 "
                      "characters", v->devid, v->vifname);
    if (rc)
        return eb_msg(eb, rc, "vif %u: configuration too large", v->devid);
    xs = xs_open(0);
    if (!xs)
        return eb_fail(eb, -errno, "connecting to xenstore");
    rc = write_nodes(xs, domid, &p, eb);
    if (rc)
        goto out;
    /* keep the MAC for a restart (on_reboot) and for messages */
    snprintf(v->mac, sizeof(v->mac), "%s", p.mac);

    /* the backend creates the interface and says InitWait */
    t0 = now_ms();
    while ((st = backend_state(xs, &p)) == 1 && now_ms() - t0 < VIF_BACKEND_WAIT_MS)
        usleep(20000);
    if (st != 2 && st != 4) {
        err = xread(xs, "/local/domain/0/error%s/error",
                    p.bepath + strlen("/local/domain/0"));
        rc = eb_msg(eb, -EIO, "%s: the backend %s (%s)", p.ifname,
                    st == 1 ? "did not answer in 10 s" : "refused the device",
                    err ? err : st == 1 ? "is netbackd running?" :
                    "no reason given");
        free(err);
        rm_nodes(xs, &p);
        goto out;
    }
    rc = run_script(&p, "online");
    if (rc != 0) {
        char status[32];
        if (rc < 0)
            snprintf(status, sizeof(status), "%s", errno_desc(rc));
        else
            snprintf(status, sizeof(status), "exit status %d", rc);
        err = xread(xs, "%s/hotplug-error", p.bepath);
        rc = eb_msg(eb, -EIO, "%s: hotplug script %s online failed (%s)%s%s",
                    p.ifname, p.script, status, err ? ": " : "",
                    err ? err : "");
        free(err);
        run_script(&p, "offline");
        rm_nodes(xs, &p);
        goto out;
    }
    /* a script that did not report is taken at its exit status */
    {
        char path[160];
        snprintf(path, sizeof(path), "%s/hotplug-status", p.bepath);
        err = xs_read(xs, XBT_NULL, path, NULL);
        if (!err || strcmp(err, "connected"))
            xs_write(xs, XBT_NULL, path, "connected", 9);
        free(err);
    }
    if (xl_verbose)
        fprintf(stderr, "vif %s (%s) on bridge %s\n", p.ifname, p.mac,
                p.bridge);
    rc = 0;
out:
    xs_close(xs);
    return rc;
}

int xl_vifs_add_all(uint32_t domid, struct domain_config *cfg,
                    struct errbuf *eb)
{
    for (unsigned int i = 0; i < cfg->nr_vifs; i++) {
        int rc = xl_vif_add(domid, &cfg->vifs[i], eb);
        if (rc)
            return rc;
    }
    return 0;
}

/* ------------------------------------------------------------ remove */

/* The plan of an existing vif, from its backend nodes. */
static int plan_from_store(struct xs_handle *xs, uint32_t domid,
                           uint32_t devid, struct xl_vif_plan *p)
{
    char *s;

    memset(p, 0, sizeof(*p));
    p->devid = devid;
    snprintf(p->bepath, sizeof(p->bepath),
             "/local/domain/0/backend/vif/%u/%u", domid, devid);
    snprintf(p->fepath, sizeof(p->fepath), "/local/domain/%u/device/vif/%u",
             domid, devid);
    snprintf(p->libxlpath, sizeof(p->libxlpath), "/libxl/%u/device/vif/%u",
             domid, devid);
    s = xread(xs, "%s/frontend", p->bepath);
    if (!s)
        return -ENOENT;
    free(s);
    s = xread(xs, "%s/script", p->bepath);
    snprintf(p->script, sizeof(p->script), "%s", s ? s : "");
    free(s);
    s = xread(xs, "%s/mac", p->bepath);
    snprintf(p->mac, sizeof(p->mac), "%s", s ? s : "");
    free(s);
    s = xread(xs, "%s/bridge", p->bepath);
    snprintf(p->bridge, sizeof(p->bridge), "%s", s ? s : "");
    free(s);
    s = xread(xs, "%s/vifname", p->bepath);
    if (s && strlen(s) < sizeof(p->ifname))
        snprintf(p->ifname, sizeof(p->ifname), "%s", s);
    else
        snprintf(p->ifname, sizeof(p->ifname), "vif%u.%u", domid, devid);
    free(s);
    return 0;
}

/* How a vif is taken away: detach waits for the frontend to close; destroy
 * only lets the backend unmap the rings while the guest still exists. */
enum vif_rm { VIF_RM_DETACH, VIF_RM_DESTROY };

static int vif_remove(struct xs_handle *xs, uint32_t domid, uint32_t devid,
                      enum vif_rm how, struct errbuf *eb)
{
    struct xl_vif_plan p;
    char path[160];
    long t0;
    int st, rc;

    if (plan_from_store(xs, domid, devid, &p))
        return eb_msg(eb, -ENOENT, "Unknown device %u.", devid);
    if (how == VIF_RM_DESTROY) {
        /*
         * online=0 alone: netbackd disconnects at once (state Closing, or
         * Closed if it never connected).  A guest destroyed while dom0
         * still maps its ring pages lingers as a dying domain until the
         * unmap; unmapping first avoids that.  3 s at most: a backend that
         * waits for its frontend (Linux's netback) is removed regardless.
         */
        snprintf(path, sizeof(path), "%s/online", p.bepath);
        xs_write(xs, XBT_NULL, path, "0", 1);
        t0 = now_ms();
        while ((st = backend_state(xs, &p)) >= 1 && st <= 4 &&
               now_ms() - t0 < 3000)
            usleep(10000);
    } else {
        xs_transaction_t t = xs_transaction_start(xs);
        snprintf(path, sizeof(path), "%s/online", p.bepath);
        xs_write(xs, t, path, "0", 1);
        snprintf(path, sizeof(path), "%s/state", p.bepath);
        xs_write(xs, t, path, "5", 1);
        xs_transaction_end(xs, t, false);
        /* the backend answers Closed once the frontend let go */
        t0 = now_ms();
        while ((st = backend_state(xs, &p)) != 6 && st != -1 &&
               now_ms() - t0 < VIF_BACKEND_WAIT_MS)
            usleep(20000);
        if (st != 6 && st != -1)
            fprintf(stderr, "%s: the backend did not close in 10 s (state "
                    "%d): removing it anyway\n", p.ifname, st);
    }
    if (p.script[0]) {
        rc = run_script(&p, "offline");
        if (rc)
            fprintf(stderr, "%s: hotplug script %s offline: %s %d\n",
                    p.ifname, p.script, rc < 0 ? "error" : "exit status",
                    rc < 0 ? -rc : rc);
    }
    rm_nodes(xs, &p);
    return 0;
}

/* devids of a domain's vifs (backend directory), sorted; count or -errno. */
static int list_devids(struct xs_handle *xs, uint32_t domid, uint32_t *out,
                       int max)
{
    char path[96], **d, *end;
    unsigned int n = 0, i;
    int k = 0;

    snprintf(path, sizeof(path), "/local/domain/0/backend/vif/%u", domid);
    d = xs_directory(xs, XBT_NULL, path, &n);
    for (i = 0; d && i < n && k < max; i++) {
        unsigned long v = strtoul(d[i], &end, 10);
        if (*end || v > 65535)
            continue;
        int j = k++;
        while (j > 0 && out[j - 1] > v) {
            out[j] = out[j - 1];
            j--;
        }
        out[j] = (uint32_t)v;
    }
    free(d);
    return k;
}

void xl_vifs_release_all(uint32_t domid)
{
    struct xs_handle *xs = xs_open(0);
    uint32_t ids[64];
    int n;

    if (!xs)
        return;
    n = list_devids(xs, domid, ids, 64);
    /* the domain is going: no handshake with its frontend */
    for (int i = 0; i < n; i++)
        vif_remove(xs, domid, ids[i], VIF_RM_DESTROY, NULL);
    xs_close(xs);
}

/* ------------------------------------------------------------ commands */

int xl_cmd_network_attach(int argc, char **argv)
{
    struct xlcfg_vif v;
    struct errbuf eb = { 0 };
    struct xs_handle *xs;
    char spec[2048] = "", why[512];
    uint32_t domid, ids[64];
    int opt, n, i;
    size_t len = 0;

    while ((opt = xl_getopt(argc, argv, "", NULL, "network-attach", 1)) != -1)
        ;
    domid = xl_find_domain(argv[optind]);
    for (i = optind + 1; i < argc; i++) {
        int w = snprintf(spec + len, sizeof(spec) - len, "%s%s",
                         len ? "," : "", argv[i]);
        if (w < 0 || (size_t)w >= sizeof(spec) - len) {
            fprintf(stderr, "network-attach: arguments too long\n");
            return EXIT_FAILURE;
        }
        len += (size_t)w;
    }
    /* the next devid after the highest in use, as libxl picks it */
    xs = xs_open(0);
    if (!xs) {
        fprintf(stderr, "cannot connect to xenstore: %s\n", strerror(errno));
        return EXIT_FAILURE;
    }
    n = list_devids(xs, domid, ids, 64);
    xs_close(xs);
    if (xlcfg_parse_vif(spec, n > 0 ? ids[n - 1] + 1 : 0, &v, why,
                        sizeof(why))) {
        fprintf(stderr, "%s\n", why);
        return EXIT_FAILURE;
    }
    if (xl_dryrun) {
        printf("vif: {\n    \"devid\": %u,\n    \"mac\": \"%s\"%s%s%s\n}\n",
               v.devid, v.mac[0] ? v.mac : "00:00:00:00:00:00",
               v.bridge[0] ? ",\n    \"bridge\": \"" : "", v.bridge,
               v.bridge[0] ? "\"" : "");
        return EXIT_SUCCESS;
    }
    if (xl_vif_add(domid, &v, &eb)) {
        fprintf(stderr, "%s\nlibxl_device_nic_add failed.\n", eb.msg);
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}

int xl_cmd_network_detach(int argc, char **argv)
{
    struct errbuf eb = { 0 };
    struct xs_handle *xs;
    uint32_t domid, ids[64], devid = UINT32_MAX;
    const char *which;
    int opt, n, i, rc;

    while ((opt = xl_getopt(argc, argv, "", NULL, "network-detach", 2)) != -1)
        ;
    domid = xl_find_domain(argv[optind]);
    which = argv[optind + 1];
    xs = xs_open(0);
    if (!xs) {
        fprintf(stderr, "cannot connect to xenstore: %s\n", strerror(errno));
        return EXIT_FAILURE;
    }
    n = list_devids(xs, domid, ids, 64);
    for (i = 0; i < n; i++) {
        if (strchr(which, ':')) {
            char *mac = xread(xs, "/local/domain/0/backend/vif/%u/%u/mac",
                              domid, ids[i]);
            bool same = mac && !strcasecmp(mac, which);
            free(mac);
            if (same)
                devid = ids[i];
        } else if ((uint32_t)atoi(which) == ids[i]) {
            devid = ids[i];
        }
    }
    if (devid == UINT32_MAX) {
        fprintf(stderr, "Unknown device %s.\n", which);
        xs_close(xs);
        return EXIT_FAILURE;
    }
    rc = vif_remove(xs, domid, devid, VIF_RM_DETACH, &eb);
    xs_close(xs);
    if (rc) {
        fprintf(stderr, "%s\nlibxl_device_nic_del failed.\n", eb.msg);
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}

void xl_network_list_header(FILE *out)
{
    fprintf(out, "%-3s %-2s %-17s %-6s %-5s %-6s %5s/%-5s %-30s\n", "Idx",
            "BE", "Mac Addr.", "handle", "state", "evt-ch", "tx-",
            "rx-ring-ref", "BE-path");
}

void xl_network_list_row(FILE *out, const struct xl_nicinfo *i)
{
    fprintf(out, "%-3u %-2u %s%6u %5d %6d %5d/%-11d %-30s\n", i->devid,
            i->backend_id, i->mac, i->devid, i->state, i->evtch, i->rref_tx,
            i->rref_rx, i->backend);
}

static int num(struct xs_handle *xs, const char *dir, const char *key)
{
    char *s = xread(xs, "%s/%s", dir, key);
    int v = s ? (int)strtol(s, NULL, 10) : -1;

    free(s);
    return v;
}

int xl_cmd_network_list(int argc, char **argv)
{
    struct xs_handle *xs;
    int opt;

    while ((opt = xl_getopt(argc, argv, "", NULL, "network-list", 1)) != -1)
        ;
    xs = xs_open(0);
    if (!xs) {
        fprintf(stderr, "cannot connect to xenstore: %s\n", strerror(errno));
        return EXIT_FAILURE;
    }
    xl_network_list_header(stdout);
    for (int a = optind; a < argc; a++) {
        uint32_t domid = xl_find_domain(argv[a]), ids[64];
        int n = list_devids(xs, domid, ids, 64);

        for (int k = 0; k < n; k++) {
            struct xl_nicinfo ni = { .devid = ids[k] };
            char fe[96], *s;

            snprintf(ni.backend, sizeof(ni.backend),
                     "/local/domain/0/backend/vif/%u/%u", domid, ids[k]);
            snprintf(fe, sizeof(fe), "/local/domain/%u/device/vif/%u", domid,
                     ids[k]);
            s = xread(xs, "/libxl/%u/device/vif/%u/mac", domid, ids[k]);
            if (!s)
                s = xread(xs, "%s/mac", ni.backend);
            snprintf(ni.mac, sizeof(ni.mac), "%s",
                     s ? s : "00:00:00:00:00:00");
            free(s);
            ni.state = num(xs, fe, "state");
            ni.evtch = num(xs, fe, "event-channel");
            ni.rref_tx = num(xs, fe, "tx-ring-ref");
            ni.rref_rx = num(xs, fe, "rx-ring-ref");
            xl_network_list_row(stdout, &ni);
        }
    }
    xs_close(xs);
    return EXIT_SUCCESS;
}
