/*
 * xlcfg.c — gives the xl.cfg keys their meaning: turns the settings read by
 * cfgsyntax.c into a struct domain_config, with xl's defaults and its
 * rules for combining keys (cmdline vs root/extra, maxmem/maxvcpus
 * defaulting to memory/vcpus).
 *
 * Where Xen's xl only warns and carries on with a value ignored (a
 * non-numeric memory, a list where a number belongs, `+=' on a number) we
 * refuse the config instead: a guest silently built with other settings
 * than the file asked for is worse than an error naming the line.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfgsyntax.h"
#include "xlcfg_parse.h"

#define MAX_FILE_SIZE (1 << 20)
#define MAX_VCPUS 512
#define MAX_MEMORY_MB (16ull << 20)   /* 16 TiB: beyond any host we run on */

struct ctx {
    struct cfgfile cf;
    const char *file;            /* the main config file, for file-wide errors */
    struct domain_config *cfg;
    FILE *warn;
    struct xlcfg_error *err;
};

static int fail(struct ctx *c, const struct cfgsetting *s,
                const struct cfgval *v, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* "file:line:col: key: why" — the shape of every semantic error. */
static int fail(struct ctx *c, const struct cfgsetting *s,
                const struct cfgval *v, const char *fmt, ...)
{
    char why[768];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    if (s)
        snprintf(c->err->msg, sizeof(c->err->msg), "%s:%d:%d: %s: %s",
                 s->source, v ? v->line : s->line, v ? v->col : s->col,
                 s->name, why);
    else
        snprintf(c->err->msg, sizeof(c->err->msg), "%s: %s", c->file, why);
    return -EINVAL;
}

/* A single (non-list) value; ESRCH (positive) when the key is absent. */
static int get_atom(struct ctx *c, const char *key,
                    const struct cfgsetting **sp)
{
    const struct cfgsetting *s = cfg_find(&c->cf, key);

    if (!s)
        return ESRCH;
    if (s->val->type != CFGVAL_STRING)
        return fail(c, s, s->val, "a single value is expected here, not a "
                    "[list]");
    *sp = s;
    return 0;
}

static int get_string(struct ctx *c, const char *key, char *dst, size_t size,
                      bool *present)
{
    const struct cfgsetting *s = NULL;
    int rc = get_atom(c, key, &s);

    if (present)
        *present = rc == 0;
    if (rc)
        return rc == ESRCH ? 0 : rc;
    if (strlen(s->val->str) >= size)
        return fail(c, s, s->val, "value is too long (at most %zu "
                    "characters)", size - 1);
    strcpy(dst, s->val->str);
    return 0;
}

/* A number as xl reads it (strtol base 0: 0x.. hex, 0.. octal). */
static int get_number(struct ctx *c, const char *key, long long min,
                      long long max, long long *out, bool *present)
{
    const struct cfgsetting *s = NULL;
    const char *str;
    char *end;
    long long v;
    int rc = get_atom(c, key, &s);

    *present = rc == 0;
    if (rc)
        return rc == ESRCH ? 0 : rc;
    if (s->append)
        return fail(c, s, s->val, "`+=' cannot be used with numbers");
    str = s->val->str;
    errno = 0;
    v = strtoll(str, &end, 0);
    if (end == str || *end || (*str != '-' && *str != '+' &&
                               (*str < '0' || *str > '9')))
        return fail(c, s, s->val, "`%s' is not a valid number", str);
    if (errno == ERANGE || v < min || v > max)
        return fail(c, s, s->val, "%s is out of range (%lld to %lld)", str,
                    min, max);
    *out = v;
    return 0;
}

/*
 * cpus= / cpus_soft=: a CPU map string for every vCPU, or a list of them,
 * one per vCPU (vCPUs past the list's end keep "all"), as xl takes them.
 */
static int get_cpumap(struct ctx *c, const char *key, uint8_t (*maps)[XLCFG_CPUMAP_BYTES],
                      unsigned int *n, bool *present)
{
    const struct cfgsetting *s = cfg_find(&c->cf, key);
    const char *bad = NULL;
    unsigned int i;

    *present = s != NULL;
    *n = 0;
    if (!s)
        return 0;
    if (s->val->type == CFGVAL_STRING) {
        if (xlcfg_parse_cpumap(s->val->str, maps[0], XLCFG_CPUMAP_BYTES, &bad))
            goto bad;
        return 0;
    }
    if (s->val->nitems > XLCFG_MAX_AFFINITY)
        return fail(c, s, s->val, "at most %d per-vCPU maps", XLCFG_MAX_AFFINITY);
    for (i = 0; i < s->val->nitems; i++)
        if (xlcfg_parse_cpumap(s->val->items[i]->str, maps[i], XLCFG_CPUMAP_BYTES, &bad))
            return fail(c, s, s->val->items[i], "`%s' is not a CPU list (\"all\", \"0-3\", "
                        "\"0,2\", \"^1\"): bad part `%s'", s->val->items[i]->str, bad);
    *n = s->val->nitems;
    return 0;
bad:
    return fail(c, s, s->val, "`%s' is not a CPU list (\"all\", \"0-3\", \"0,2\", "
                "\"^1\"): bad part `%s'", s->val->str, bad ? bad : "");
}

static int parse_sched(struct ctx *c, struct domain_config *cfg)
{
    long long v;
    bool set;
    int rc;

    rc = get_cpumap(c, "cpus", cfg->cpus_hard, &cfg->cpus_hard_n, &cfg->cpus_hard_set);
    if (!rc)
        rc = get_cpumap(c, "cpus_soft", cfg->cpus_soft, &cfg->cpus_soft_n,
                        &cfg->cpus_soft_set);
    if (!rc)
        rc = get_number(c, "cpu_weight", 1, 65535, &v, &set);
    if (rc)
        return rc;
    cfg->cpu_weight = set ? (unsigned int)v : 0;
    rc = get_number(c, "cap", 0, 100LL * cfg->maxvcpus, &v, &set);
    if (rc)
        return rc;
    cfg->cap = set ? (unsigned int)v : 0;
    return 0;
}

/* A list of strings; an absent key gives *present = false. */
static int get_list(struct ctx *c, const char *key,
                    const struct cfgsetting **sp, bool *present)
{
    const struct cfgsetting *s = cfg_find(&c->cf, key);

    *present = s != NULL;
    if (!s)
        return 0;
    if (s->val->type != CFGVAL_LIST)
        return fail(c, s, s->val, "a [list] is expected here, e.g. "
                    "%s = [ '%s' ]", key, s->val->str);
    *sp = s;
    return 0;
}

static const char *const action_names[] = {
    [XLCFG_ACTION_DESTROY] = "destroy",
    [XLCFG_ACTION_RESTART] = "restart",
    [XLCFG_ACTION_RENAME_RESTART] = "rename-restart",
    [XLCFG_ACTION_PRESERVE] = "preserve",
    [XLCFG_ACTION_COREDUMP_DESTROY] = "coredump-destroy",
    [XLCFG_ACTION_COREDUMP_RESTART] = "coredump-restart",
    [XLCFG_ACTION_SOFT_RESET] = "soft-reset",
};

const char *xlcfg_action_name(enum xlcfg_action a)
{
    if ((unsigned int)a >= sizeof(action_names) / sizeof(action_names[0]))
        return "unknown";
    return action_names[a];
}

int xlcfg_action_parse(const char *s, enum xlcfg_action *a)
{
    unsigned int i;

    for (i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++)
        if (!strcmp(s, action_names[i])) {
            *a = (enum xlcfg_action)i;
            return 0;
        }
    return -EINVAL;
}

static int isxdigit_c(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
           (c >= 'A' && c <= 'F');
}

static int hexdigit(int c)
{
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

int xlcfg_uuid_parse(const char *s, uint8_t u[16])
{
    static const int dash[] = { 8, 13, 18, 23 };
    unsigned int i, j = 0, d = 0;

    if (strlen(s) != 36)
        return -EINVAL;
    for (i = 0; i < 36; i++) {
        int hi, lo;
        if (d < 4 && (int)i == dash[d]) {
            if (s[i] != '-')
                return -EINVAL;
            d++;
            continue;
        }
        hi = s[i];
        lo = s[i + 1];
        if (!isxdigit_c(hi) || !isxdigit_c(lo))
            return -EINVAL;
        u[j++] = (uint8_t)(hexdigit(hi) << 4 | hexdigit(lo));
        i++;
    }
    return 0;
}

static int parse_action(struct ctx *c, const char *key,
                        enum xlcfg_action def, enum xlcfg_action *out)
{
    char buf[32];
    bool present;
    const struct cfgsetting *s = NULL;
    int rc = get_string(c, key, buf, sizeof(buf), &present);

    if (rc && rc != -EINVAL)
        return rc;
    if (rc == -EINVAL) {
        /* too long: it cannot be a valid action either */
        s = cfg_find(&c->cf, key);
        if (s->val->type == CFGVAL_LIST)
            return rc;
        return fail(c, s, s->val, "unknown action \"%.40s...\" (one of "
                    "destroy, restart, rename-restart, preserve, "
                    "coredump-destroy, coredump-restart, soft-reset)",
                    s->val->str);
    }
    if (!present) {
        *out = def;
        return 0;
    }
    if (xlcfg_action_parse(buf, out)) {
        s = cfg_find(&c->cf, key);
        return fail(c, s, s->val, "unknown action \"%s\" (one of destroy, "
                    "restart, rename-restart, preserve, coredump-destroy, "
                    "coredump-restart, soft-reset)", buf);
    }
    return 0;
}

static int parse_devices(struct ctx *c)
{
    struct domain_config *cfg = c->cfg;
    const struct cfgsetting *s = NULL;
    char why[512];
    bool present;
    unsigned int i;
    int rc;

    rc = get_list(c, "disk", &s, &present);
    if (rc)
        return rc;
    if (present) {
        if (s->val->nitems > XLCFG_MAX_DISKS)
            return fail(c, s, s->val, "too many disks (%u, at most %d)",
                        s->val->nitems, XLCFG_MAX_DISKS);
        for (i = 0; i < s->val->nitems; i++) {
            const struct cfgval *it = s->val->items[i];
            if (xlcfg_parse_disk(it->str, &cfg->disks[i], why, sizeof(why)))
                return fail(c, s, it, "%s", why);
        }
        cfg->nr_disks = s->val->nitems;
    }

    rc = get_list(c, "vif", &s, &present);
    if (rc)
        return rc;
    if (present) {
        if (s->val->nitems > XLCFG_MAX_VIFS)
            return fail(c, s, s->val, "too many vifs (%u, at most %d)",
                        s->val->nitems, XLCFG_MAX_VIFS);
        for (i = 0; i < s->val->nitems; i++) {
            const struct cfgval *it = s->val->items[i];
            if (xlcfg_parse_vif(it->str, i, &cfg->vifs[i], why, sizeof(why)))
                return fail(c, s, it, "%s", why);
        }
        cfg->nr_vifs = s->val->nitems;
    }
    return 0;
}

/* cmdline wins over root/extra; otherwise "root=<root> <extra>" as xl. */
static int parse_cmdline(struct ctx *c)
{
    struct domain_config *cfg = c->cfg;
    char root[1024] = "", extra[1024] = "";
    bool has_cmdline, has_root, has_extra;
    const struct cfgsetting *s = NULL;
    int rc, n;

    rc = get_string(c, "cmdline", cfg->cmdline, sizeof(cfg->cmdline),
                    &has_cmdline);
    if (!rc)
        rc = get_string(c, "root", root, sizeof(root), &has_root);
    if (!rc)
        rc = get_string(c, "extra", extra, sizeof(extra), &has_extra);
    if (rc)
        return rc;
    if (has_cmdline) {
        if ((has_root || has_extra) && c->warn)
            fprintf(c->warn, "Warning: ignoring root= and extra= in favour "
                    "of cmdline=\n");
        return 0;
    }
    if (has_root && has_extra)
        n = snprintf(cfg->cmdline, sizeof(cfg->cmdline), "root=%s %s", root,
                     extra);
    else if (has_root)
        n = snprintf(cfg->cmdline, sizeof(cfg->cmdline), "root=%s", root);
    else
        n = snprintf(cfg->cmdline, sizeof(cfg->cmdline), "%s", extra);
    if (n >= (int)sizeof(cfg->cmdline)) {
        s = cfg_find(&c->cf, has_extra ? "extra" : "root");
        return fail(c, s, s->val, "root= and extra= together are too long "
                    "for the kernel command line (at most %zu characters)",
                    sizeof(cfg->cmdline) - 1);
    }
    return 0;
}

static int interpret(struct ctx *c)
{
    struct domain_config *cfg = c->cfg;
    const struct cfgsetting *s = NULL;
    long long v;
    bool present;
    char buf[64];
    int rc;

    rc = get_string(c, "type", cfg->type, sizeof(cfg->type), &present);
    if (rc == -EINVAL && (s = cfg_find(&c->cf, "type")) &&
        s->val->type == CFGVAL_STRING)
        return fail(c, s, s->val, "invalid domain type \"%.40s\"", s->val->str);
    if (rc)
        return rc;
    if (!present) {
        strcpy(cfg->type, "pv");
    } else if (strcmp(cfg->type, "pv")) {
        s = cfg_find(&c->cf, "type");
        if (!strcmp(cfg->type, "hvm") || !strcmp(cfg->type, "pvh"))
            return fail(c, s, s->val, "type \"%s\" is not supported: this "
                        "toolstack builds PV guests only (type = \"pv\")",
                        cfg->type);
        return fail(c, s, s->val, "invalid domain type \"%s\" (pv, pvh or "
                    "hvm)", cfg->type);
    }
    if (cfg_find(&c->cf, "builder")) {
        s = cfg_find(&c->cf, "builder");
        if (s->val->type != CFGVAL_STRING || strcmp(s->val->str, "generic"))
            return fail(c, s, s->val, "only PV guests are supported "
                        "(builder = \"generic\" or no builder key)");
    }

    rc = get_string(c, "name", cfg->name, sizeof(cfg->name), &present);
    if (rc)
        return rc;
    if (!present)
        return fail(c, NULL, NULL, "name: the domain name must be specified "
                    "(name = \"...\")");
    if (!cfg->name[0] || strchr(cfg->name, '/')) {
        s = cfg_find(&c->cf, "name");
        return fail(c, s, s->val, "invalid domain name \"%s\" (it must be "
                    "non-empty and contain no `/')", cfg->name);
    }

    rc = get_string(c, "uuid", buf, sizeof(buf), &present);
    if (rc == -EINVAL && (s = cfg_find(&c->cf, "uuid")) &&
        s->val->type == CFGVAL_STRING)
        return fail(c, s, s->val, "failed to parse UUID \"%.40s...\"",
                    s->val->str);
    if (rc)
        return rc;
    if (present) {
        if (xlcfg_uuid_parse(buf, cfg->uuid)) {
            s = cfg_find(&c->cf, "uuid");
            return fail(c, s, s->val, "failed to parse UUID \"%s\" (expected "
                        "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", buf);
        }
        cfg->uuid_set = true;
    }

    rc = get_number(c, "memory", 1, MAX_MEMORY_MB, &v, &cfg->memory_set);
    if (rc)
        return rc;
    if (cfg->memory_set)
        cfg->memory_mb = (uint64_t)v;
    rc = get_number(c, "maxmem", 1, MAX_MEMORY_MB, &v, &cfg->maxmem_set);
    if (rc)
        return rc;
    if (cfg->maxmem_set)
        cfg->maxmem_mb = (uint64_t)v;
    /* libxl's defaults: 32 MiB when neither is given, else each the other */
    if (!cfg->memory_set && !cfg->maxmem_set)
        cfg->memory_mb = cfg->maxmem_mb = 32;
    else if (!cfg->memory_set)
        cfg->memory_mb = cfg->maxmem_mb;
    else if (!cfg->maxmem_set)
        cfg->maxmem_mb = cfg->memory_mb;
    if (cfg->maxmem_mb < cfg->memory_mb) {
        s = cfg_find(&c->cf, "maxmem");
        return fail(c, s, s->val, "maxmem (%llu MiB) is smaller than "
                    "memory (%llu MiB)", (unsigned long long)cfg->maxmem_mb,
                    (unsigned long long)cfg->memory_mb);
    }

    rc = get_number(c, "vcpus", 1, MAX_VCPUS, &v, &cfg->vcpus_set);
    if (rc)
        return rc;
    cfg->vcpus = cfg->vcpus_set ? (unsigned int)v : 1;
    rc = get_number(c, "maxvcpus", 1, MAX_VCPUS, &v, &cfg->maxvcpus_set);
    if (rc)
        return rc;
    cfg->maxvcpus = cfg->maxvcpus_set ? (unsigned int)v : cfg->vcpus;
    if (cfg->maxvcpus < cfg->vcpus) {
        s = cfg_find(&c->cf, "maxvcpus");
        return fail(c, s, s->val, "maxvcpus (%u) is smaller than vcpus (%u)",
                    cfg->maxvcpus, cfg->vcpus);
    }

    rc = parse_sched(c, cfg);
    if (rc)
        return rc;

    rc = parse_action(c, "on_poweroff", XLCFG_ACTION_DESTROY,
                      &cfg->on_poweroff);
    if (!rc)
        rc = parse_action(c, "on_reboot", XLCFG_ACTION_RESTART,
                          &cfg->on_reboot);
    if (!rc)
        rc = parse_action(c, "on_crash", XLCFG_ACTION_DESTROY,
                          &cfg->on_crash);
    if (rc)
        return rc;

    if ((s = cfg_find(&c->cf, "bootloader")))
        return fail(c, s, s->val, "bootloaders (pygrub) are not supported: "
                    "give the guest's kernel with kernel = \"...\"");
    rc = get_string(c, "kernel", cfg->kernel, sizeof(cfg->kernel), &present);
    if (rc)
        return rc;
    if (!present || !cfg->kernel[0])
        return fail(c, NULL, NULL, "kernel: neither kernel nor bootloader "
                    "specified (kernel = \"/path/to/vmlinuz\")");
    rc = get_string(c, "ramdisk", cfg->ramdisk, sizeof(cfg->ramdisk), NULL);
    if (rc)
        return rc;
    rc = parse_cmdline(c);
    if (rc)
        return rc;
    return parse_devices(c);
}

int xlcfg_parse_buffer(const char *source, const char *data, size_t len,
                       const char *const *overrides, unsigned int noverrides,
                       struct domain_config *cfg, FILE *warn,
                       struct xlcfg_error *err)
{
    struct ctx c = { .file = source, .cfg = cfg, .warn = warn, .err = err };
    char **srcs = NULL;
    unsigned int i;
    int rc;

    memset(cfg, 0, sizeof(*cfg));
    err->msg[0] = 0;
    snprintf(cfg->source_file, sizeof(cfg->source_file), "%s", source);
    rc = cfg_parse(&c.cf, source, data, len, err->msg, sizeof(err->msg));
    if (rc)
        goto out;
    if (noverrides) {
        srcs = calloc(noverrides, sizeof(*srcs));
        if (!srcs) {
            rc = -ENOMEM;
            goto out;
        }
    }
    for (i = 0; i < noverrides; i++) {
        if (asprintf(&srcs[i], "command line argument `%s'",
                     overrides[i]) < 0) {
            srcs[i] = NULL;
            rc = -ENOMEM;
            goto out;
        }
        rc = cfg_parse(&c.cf, srcs[i], overrides[i], strlen(overrides[i]),
                       err->msg, sizeof(err->msg));
        if (rc)
            goto out;
    }
    rc = interpret(&c);
out:
    if (rc == -ENOMEM && !err->msg[0])
        snprintf(err->msg, sizeof(err->msg), "%s: out of memory", source);
    cfg_free(&c.cf);
    for (i = 0; srcs && i < noverrides; i++)
        free(srcs[i]);
    free(srcs);
    return rc;
}

int xlcfg_parse_file(const char *path,
                     const char *const *overrides, unsigned int noverrides,
                     struct domain_config *cfg, FILE *warn,
                     struct xlcfg_error *err)
{
    struct stat st;
    char *data = NULL;
    size_t got = 0;
    int fd, rc;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rc = -errno;
        /* xl's own wording */
        snprintf(err->msg, sizeof(err->msg), "Failed to read config file: "
                 "%s: %s", path, strerror(-rc));
        return rc;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        rc = -EINVAL;
        snprintf(err->msg, sizeof(err->msg), "config file %s: not a regular "
                 "file", path);
        goto out;
    }
    if (st.st_size > MAX_FILE_SIZE) {
        rc = -EFBIG;
        snprintf(err->msg, sizeof(err->msg), "config file %s: too large "
                 "(%lld bytes, at most %d)", path, (long long)st.st_size,
                 MAX_FILE_SIZE);
        goto out;
    }
    data = malloc((size_t)st.st_size + 1);
    if (!data) {
        rc = -ENOMEM;
        snprintf(err->msg, sizeof(err->msg), "config file %s: out of memory",
                 path);
        goto out;
    }
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, data + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = n < 0 ? -errno : -EIO;
            snprintf(err->msg, sizeof(err->msg), "failed to read config "
                     "file %s: %s", path, strerror(-rc));
            goto out;
        }
        got += (size_t)n;
    }
    rc = xlcfg_parse_buffer(path, data, got, overrides, noverrides, cfg, warn,
                            err);
out:
    free(data);
    close(fd);
    return rc;
}
