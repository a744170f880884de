/*
 * control.c - XS_CONTROL, the administration request of xenstore-control.
 *
 * Commands, their argument rules and the text of their answers are those of
 * C xenstored 4.17 as Debian ships it (checked byte for byte against it by
 * xenstore/test-support/wireprobe.py in tests/suites/40-xenstore.sh), so
 * scripts that parse `xenstore-control help` or `quota` work with ours.
 * The command table is also the `help` text: name, a tab, the parameters.
 * We have no live update: `live-update` answers like C with no session
 * active and refuses to start one with a message (any answer other than
 * "OK" is a failure for xenstore-control).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "xsd.h"

struct ctl {
    struct conn *c;
    const struct xsd_sockmsg *h;
    char out[XENSTORE_PAYLOAD_MAX];
    size_t olen;
};

static int ctl_reply(struct ctl *x, const char *s)
{
    size_t len = strlen(s) + 1;
    if (len > XENSTORE_PAYLOAD_MAX)
        return -E2BIG;
    return conn_send(x->c, XS_CONTROL, x->h->req_id, x->h->tx_id, s, len,
                     NULL, 0);
}

static int ctl_ack(struct ctl *x)
{
    return ctl_reply(x, "OK");
}

/* Append to the answer being built; the buffer is far larger than any
 * answer (the quota tables are ~700 bytes), so truncation cannot happen. */
static void ctl_printf(struct ctl *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void ctl_printf(struct ctl *x, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(x->out + x->olen, sizeof(x->out) - x->olen, fmt, ap);
    va_end(ap);
    if (n > 0)
        x->olen += (size_t)n < sizeof(x->out) - x->olen ?
                   (size_t)n : sizeof(x->out) - x->olen - 1;
}

/* ---- quotas ---------------------------------------------------------------- */

enum qtype { Q_UINT, Q_ULONG };

static const struct quota_desc {
    const char *name;
    void *val;
    enum qtype type;
    const char *descr;
} hard_quotas[] = {
    { "nodes", &xsd_quota.entry_nb, Q_UINT, "Nodes per domain" },
    { "watches", &xsd_quota.watch_nb, Q_UINT, "Watches per domain" },
    { "transactions", &xsd_quota.transaction, Q_UINT,
      "Transactions per domain" },
    { "outstanding", &xsd_quota.outstanding, Q_UINT,
      "Outstanding requests per domain" },
    { "transaction-nodes", &xsd_quota.tx_nodes, Q_UINT,
      "Max. number of accessed nodes per transaction" },
    { "memory", &xsd_quota.memory, Q_ULONG,
      "Total Xenstore memory per domain (error level)" },
    { "node-size", &xsd_quota.entry_size, Q_UINT, "Max. size of a node" },
    { "path-max", &xsd_quota.path_max, Q_UINT, "Max. length of a node path" },
    { "permissions", &xsd_quota.perm_nb, Q_UINT,
      "Max. number of permissions per node" },
    { NULL, NULL, Q_UINT, NULL },
}, soft_quotas[] = {
    { "memory", &xsd_quota.memory_soft, Q_ULONG,
      "Total Xenstore memory per domain (warning level)" },
    { NULL, NULL, Q_UINT, NULL },
};

/* C keeps quotas in ints and prints them with %8d. */
static int quota_get_val(const struct quota_desc *q)
{
    return q->type == Q_UINT ? (int)*(unsigned *)q->val
                             : (int)*(unsigned long *)q->val;
}

static int quota_show(struct ctl *x, const struct quota_desc *q)
{
    ctl_printf(x, "Quota settings:\n");
    for (; q->name; q++)
        ctl_printf(x, "%-17s: %8d %s\n", q->name, quota_get_val(q), q->descr);
    return ctl_reply(x, x->out);
}

/* "set <name> <value>": atoi() and at least 1, as C. */
static int quota_set(struct ctl *x, const char **v, unsigned n,
                     const struct quota_desc *q)
{
    int val;

    if (n != 2)
        return -EINVAL;
    val = atoi(v[1]);
    if (val < 1)
        return -EINVAL;
    for (; q->name; q++)
        if (!strcmp(v[0], q->name)) {
            if (q->type == Q_UINT)
                *(unsigned *)q->val = (unsigned)val;
            else
                *(unsigned long *)q->val = (unsigned long)val;
            return ctl_ack(x);
        }
    return -EINVAL;
}

/* "quota <domid>": what a domain uses now. */
static int quota_domain(struct ctl *x, const char *arg)
{
    uint32_t domid = (uint32_t)atoi(arg);
    struct domain *d = domain_get(domid, false);
    unsigned watches = 0, txns = 0, outst = 0;
    struct conn *c;

    /* dom0 always exists; other domains once introduced or charged. */
    if (!d && domid != 0)
        return -ENOENT;
    for (c = xsd_conns; c; c = c->next)
        if (c->domid == domid) {
            watches += c->nwatches;
            txns += c->ntxns;
            outst += c->out_msgs;
        }
    ctl_printf(x, "Domain %u:\n", domid);
    ctl_printf(x, "%-16s: %8d\n", "nodes", d ? (int)d->nodes : 0);
    ctl_printf(x, "%-16s: %8d\n", "watches", (int)watches);
    ctl_printf(x, "%-16s: %8d\n", "transactions", (int)txns);
    ctl_printf(x, "%-16s: %8d\n", "outstanding", (int)outst);
    ctl_printf(x, "%-16s: %8d\n", "memory", d ? (int)d->mem : 0);
    return ctl_reply(x, x->out);
}

/* ---- commands ---------------------------------------------------------------- */

static int ctl_check(struct ctl *x, const char **v, unsigned n)
{
    (void)v;
    return n ? -EINVAL : ctl_ack(x);
}

static int ctl_log(struct ctl *x, const char **v, unsigned n)
{
    if (n != 1)
        return -EINVAL;
    if (!strcmp(v[0], "on"))
        xsd_verbose = 1;
    else if (!strcmp(v[0], "off"))
        xsd_verbose = 0;
    else
        return -EINVAL;
    return ctl_ack(x);
}

static int ctl_live_update(struct ctl *x, const char **v, unsigned n)
{
    if (n < 1)
        return -EINVAL;
    if (!strcmp(v[0], "-a"))
        return n == 1 ? ctl_reply(x, "No live-update session active.")
                      : -EINVAL;
    if (!strcmp(v[0], "-c"))
        return n == 2 ? ctl_reply(x, "Not in live-update session.") : -EINVAL;
    if (!strcmp(v[0], "-s")) {
        unsigned i;
        for (i = 1; i < n; i++)
            if (!strcmp(v[i], "-t") && i < n - 1)
                i++;
            else if (strcmp(v[i], "-F"))
                return -EINVAL;
        return ctl_reply(x, "Not in live-update session.");
    }
    if (!strcmp(v[0], "-f") && n == 2)
        return ctl_reply(x, "Live update is not supported by this xenstored.");
    return -EINVAL;
}

static int ctl_logfile(struct ctl *x, const char **v, unsigned n)
{
    FILE *f;

    if (n != 1)
        return -EINVAL;
    f = fopen(v[0], "a");
    if (!f)
        return -EINVAL;
    if (xsd_trace && xsd_trace != stdout && xsd_trace != stderr)
        fclose(xsd_trace);
    setvbuf(f, NULL, _IOLBF, 0);
    xsd_trace = f;
    return ctl_ack(x);
}

/* C writes its talloc report to the named file, else to the trace file
 * (EBADF without one), and answers OK.  Ours reports what we hold. */
static int ctl_memreport(struct ctl *x, const char **v, unsigned n)
{
    FILE *f;
    struct conn *c;

    if (n > 1)
        return -EINVAL;
    if (n == 1)
        f = fopen(v[0], "a");
    else
        f = xsd_trace;
    if (!f)
        return -EBADF;
    fprintf(f, "xenstored memory report: %zu nodes\n", xsd_store.count);
    for (c = xsd_conns; c; c = c->next) {
        struct domain *d = domain_get(c->domid, false);
        fprintf(f, "  connection dom%u: output %zu bytes, input %zu bytes, "
                "%u watches, %u transactions, domain %ld nodes %ld bytes\n",
                c->domid, c->out.len, c->ilen, c->nwatches, c->ntxns,
                d ? d->nodes : 0, d ? d->mem : 0);
    }
    if (n == 1)
        fclose(f);
    else
        fflush(f);
    return ctl_ack(x);
}

static int ctl_print(struct ctl *x, const char **v, unsigned n)
{
    if (n != 1)
        return -EINVAL;
    xsd_log("control: %s", v[0]);
    return ctl_ack(x);
}

static int ctl_quota(struct ctl *x, const char **v, unsigned n)
{
    if (n == 0)
        return quota_show(x, hard_quotas);
    if (!strcmp(v[0], "set"))
        return quota_set(x, v + 1, n - 1, hard_quotas);
    return n == 1 ? quota_domain(x, v[0]) : -EINVAL;
}

static int ctl_quota_soft(struct ctl *x, const char **v, unsigned n)
{
    if (n == 0)
        return quota_show(x, soft_quotas);
    if (!strcmp(v[0], "set"))
        return quota_set(x, v + 1, n - 1, soft_quotas);
    return -EINVAL;
}

static int ctl_help(struct ctl *x, const char **v, unsigned n);

static const struct {
    const char *name;
    int (*fn)(struct ctl *x, const char **v, unsigned n);
    const char *pars;
} cmds[] = {
    { "check", ctl_check, "" },
    { "log", ctl_log, "on|off" },
    { "live-update", ctl_live_update,
      "[-c <cmdline>] [-F] [-t <timeout>] <file>\n"
      "    Default timeout is 60 seconds." },
    { "logfile", ctl_logfile, "<file>" },
    { "memreport", ctl_memreport, "[<file>]" },
    { "print", ctl_print, "<string>" },
    { "quota", ctl_quota, "[set <name> <val>|<domid>]" },
    { "quota-soft", ctl_quota_soft, "[set <name> <val>]" },
    { "help", ctl_help, "" },
};

static int ctl_help(struct ctl *x, const char **v, unsigned n)
{
    size_t i;

    (void)v;
    if (n)
        return -EINVAL;
    for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
        ctl_printf(x, "%s\t%s\n", cmds[i].name, cmds[i].pars);
    return ctl_reply(x, x->out);
}

#define CTL_MAXARGS 16

int xsd_control(struct conn *c, const struct xsd_sockmsg *h, const char *p,
                size_t len)
{
    static struct ctl x;    /* 4 KiB answer buffer: keep it off the stack */
    const char *v[CTL_MAXARGS];
    size_t off = 0, i;
    unsigned n = 0;

    if (!conn_is_priv(c))
        return -EACCES;
    /* NUL-terminated strings; trailing bytes without a NUL are no string. */
    while (off < len && n < CTL_MAXARGS) {
        const char *e = memchr(p + off, 0, len - off);
        if (!e)
            break;
        v[n++] = p + off;
        off = e - p + 1;
    }
    if (n < 1)
        return -EINVAL;
    if (off < len && n == CTL_MAXARGS)
        return -EINVAL;     /* more arguments than any command takes */
    x.c = c;
    x.h = h;
    x.olen = 0;
    x.out[0] = 0;
    for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
        if (!strcmp(v[0], cmds[i].name))
            return cmds[i].fn(&x, v + 1, n - 1);
    return -EINVAL;
}
