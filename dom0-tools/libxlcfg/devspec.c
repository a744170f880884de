/*
 * devspec.c — disk and vif specification strings (xl-disk-configuration(5),
 * xl-network-configuration(5)) into struct xlcfg_disk / struct xlcfg_vif.
 *
 * The disk syntax is the awkward one: `key=value' parameters mixed with up
 * to four positional ones (target, format, vdev, access) and the legacy
 * `phy:', `file:', `tap:aio:' ... prefixes in front of the target.  The
 * rules below follow libxlu's scanner: a legacy prefix means the format
 * positional is skipped; `target=' swallows the rest of the string, commas
 * included.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlcfg_parse.h"

static int derr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int derr(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -EINVAL;
}

/* Copies [s, s+n) into dst[size] or fails naming the field. */
static int setstr(char *dst, size_t size, const char *s, size_t n,
                  const char *what, bool once, const char *spec, char *err,
                  size_t errlen)
{
    if (once && dst[0])
        return derr(err, errlen, "%s respecified near `%.*s' in `%s'", what,
                    (int)n, s, spec);
    if (n >= size)
        return derr(err, errlen, "%s too long (at most %zu characters) in "
                    "`%s'", what, size - 1, spec);
    memcpy(dst, s, n);
    dst[n] = 0;
    return 0;
}

static const char *const formats[] = {
    "raw", "qcow", "qcow2", "vhd", "empty", "qed",
};

static int setformat(struct xlcfg_disk *d, const char *s, size_t n,
                     const char *spec, char *err, size_t errlen)
{
    const char *f = NULL;
    unsigned int i;

    if (!n)
        f = "raw";
    for (i = 0; !f && i < sizeof(formats) / sizeof(formats[0]); i++)
        if (strlen(formats[i]) == n && !strncmp(s, formats[i], n))
            f = formats[i];
    if (!f)
        return derr(err, errlen, "unknown value for format near `%.*s' in "
                    "`%s' (raw, qcow, qcow2, vhd, qed, empty)", (int)n, s,
                    spec);
    if (d->format[0] && strcmp(d->format, f))
        return derr(err, errlen, "format respecified near `%.*s' in `%s'",
                    (int)n, s, spec);
    strcpy(d->format, f);
    return 0;
}

static int setaccess(struct xlcfg_disk *d, const char *s, size_t n,
                     const char *spec, char *err, size_t errlen)
{
    if ((n == 1 && *s == 'r') || (n == 2 && !strncmp(s, "ro", 2)))
        d->readonly = true;
    else if (!n || (n == 1 && *s == 'w') || (n == 2 && !strncmp(s, "rw", 2)))
        d->readonly = false;
    else if ((n == 2 && !strncmp(s, "w!", 2)) || (n == 3 && !strncmp(s, "rw!", 3)))
        d->readonly = false, d->shared = true;  /* our extension: see dev_vbd.c */
    else
        return derr(err, errlen, "unknown value for access near `%.*s' in "
                    "`%s' (r, ro, w, rw, w!)", (int)n, s, spec);
    return 0;
}

/* "xvdc:cdrom" (legacy vdev with device type); returns 1 if it was one. */
static int vdev_and_devtype(struct xlcfg_disk *d, const char *s, size_t n,
                            const char *spec, char *err, size_t errlen,
                            int *rc)
{
    const char *colon = memrchr(s, ':', n);
    size_t tl;

    if (!colon)
        return 0;
    *rc = setstr(d->vdev, sizeof(d->vdev), s, (size_t)(colon - s), "vdev",
                 true, spec, err, errlen);
    if (*rc)
        return 1;
    tl = n - (size_t)(colon + 1 - s);
    if (tl == 5 && !strncmp(colon + 1, "cdrom", 5))
        d->cdrom = true;
    else if (tl == 4 && !strncmp(colon + 1, "disk", 4))
        d->cdrom = false;
    else
        *rc = derr(err, errlen, "unknown device type near `%.*s' in `%s'",
                   (int)tl, colon + 1, spec);
    return 1;
}

static const char *const legacy_prefixes[] = {
    "raw", "qcow", "qcow2", "vhd", "iscsi", "nbd", "enbd", "drbd",
    "tapdisk", "tap", "tap2", "aio", "ioemu", "file", "phy",
};

/* Length of a legacy prefix ("phy:") at s, 0 if none; -1 if unknown one. */
static int legacy_prefix(const char *s, const char **name)
{
    size_t n = 0;
    unsigned int i;

    if (!islower((unsigned char)s[0]))
        return 0;
    while (islower((unsigned char)s[n]) || isdigit((unsigned char)s[n]))
        n++;
    if (s[n] != ':')
        return 0;
    for (i = 0; i < sizeof(legacy_prefixes) / sizeof(legacy_prefixes[0]); i++)
        if (strlen(legacy_prefixes[i]) == n &&
            !strncmp(s, legacy_prefixes[i], n)) {
            *name = legacy_prefixes[i];
            return (int)n + 1;
        }
    /* "xvdc:cdrom" is a positional vdev, not a prefix */
    if (islower((unsigned char)s[n + 1]) || isdigit((unsigned char)s[n + 1]))
        return 0;
    return -1;
}

struct dstate {
    bool had_prefix, access_set, target_set, vdev_set;
    int npos;
};

static int positional(struct xlcfg_disk *d, struct dstate *st, const char *s,
                      size_t n, const char *spec, char *err, size_t errlen)
{
    int rc = 0;

    if (!st->target_set) {
        st->target_set = true;
        return setstr(d->target, sizeof(d->target), s, n, "target", true,
                      spec, err, errlen);
    }
    if (!st->had_prefix && !d->format[0]) {
        if (!d->target[0] && vdev_and_devtype(d, s, n, spec, err, errlen, &rc)) {
            if (!rc)
                strcpy(d->format, "empty");
            st->vdev_set = true;
            return rc;
        }
        return setformat(d, s, n, spec, err, errlen);
    }
    if (!st->vdev_set) {
        st->vdev_set = true;
        if (vdev_and_devtype(d, s, n, spec, err, errlen, &rc))
            return rc;
        return setstr(d->vdev, sizeof(d->vdev), s, n, "vdev", true, spec, err,
                      errlen);
    }
    if (!st->access_set) {
        st->access_set = true;
        return setaccess(d, s, n, spec, err, errlen);
    }
    return derr(err, errlen, "too many positional parameters near `%.*s' in "
                "`%s'", (int)n, s, spec);
}

static int keyword(struct xlcfg_disk *d, struct dstate *st, const char *key,
                   size_t kl, const char *v, size_t vl, const char *spec,
                   char *err, size_t errlen)
{
#define IS(k) (kl == sizeof(k) - 1 && !strncmp(key, k, kl))
    if (IS("format"))
        return setformat(d, v, vl, spec, err, errlen);
    if (IS("devtype")) {
        if (vl == 5 && !strncmp(v, "cdrom", 5))
            d->cdrom = true;
        else if (vl == 4 && !strncmp(v, "disk", 4))
            d->cdrom = false;
        else
            return derr(err, errlen, "unknown value for devtype near `%.*s' "
                        "in `%s' (disk, cdrom)", (int)vl, v, spec);
        return 0;
    }
    if (IS("access"))
        return setaccess(d, v, vl, spec, err, errlen);
    if (IS("backend"))
        return setstr(d->backend_domname, sizeof(d->backend_domname), v, vl,
                      "backend", true, spec, err, errlen);
    if (IS("backendtype")) {
        static const char *const types[] = { "phy", "tap", "qdisk", "standalone" };
        unsigned int i;
        for (i = 0; i < 4; i++)
            if (strlen(types[i]) == vl && !strncmp(v, types[i], vl)) {
                if (d->backendtype[0] && strcmp(d->backendtype, types[i]))
                    return derr(err, errlen, "backendtype respecified near "
                                "`%.*s' in `%s'", (int)vl, v, spec);
                strcpy(d->backendtype, types[i]);
                return 0;
            }
        return derr(err, errlen, "unknown value for backendtype near `%.*s' "
                    "in `%s' (phy, tap, qdisk, standalone)", (int)vl, v, spec);
    }
    if (IS("vdev")) {
        st->vdev_set = true;
        return setstr(d->vdev, sizeof(d->vdev), v, vl, "vdev", true, spec, err,
                      errlen);
    }
    if (IS("script"))
        return setstr(d->script, sizeof(d->script), v, vl, "script", true,
                      spec, err, errlen);
    if (IS("specification") || IS("colo-host") || IS("colo-port") ||
        IS("colo-export") || IS("active-disk") || IS("hidden-disk") ||
        IS("grant_usage"))
        return derr(err, errlen, "parameter `%.*s' is not supported by this "
                    "toolstack in `%s'", (int)kl, key, spec);
    return derr(err, errlen, "unknown parameter `%.*s' in `%s'", (int)kl, key,
                spec);
#undef IS
}

int xlcfg_parse_disk(const char *spec, struct xlcfg_disk *d, char *err,
                     size_t errlen)
{
    struct dstate st = { 0 };
    const char *p = spec;
    int rc;

    memset(d, 0, sizeof(*d));
    d->discard = -1;
    d->trusted = -1;
    while (*p) {
        const char *seg, *comma, *eq, *pname = NULL;
        size_t n;
        int pl;

        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        if (!*p)
            break;
        if (!strncmp(p, "target=", 7)) {
            /* takes the rest of the string, commas included */
            n = strlen(p + 7);
            if (n && p[7 + n - 1] == ',')
                n--;
            rc = setstr(d->target, sizeof(d->target), p + 7, n, "target",
                        true, spec, err, errlen);
            if (rc)
                return rc;
            st.target_set = true;
            break;
        }
        seg = p;
        comma = strchr(seg, ',');
        n = comma ? (size_t)(comma - seg) : strlen(seg);
        p = comma ? comma + 1 : seg + n;
        eq = memchr(seg, '=', n);
        if (eq) {
            rc = keyword(d, &st, seg, (size_t)(eq - seg), eq + 1,
                         n - (size_t)(eq + 1 - seg), spec, err, errlen);
        } else if ((n == 5 && !strncmp(seg, "cdrom", 5))) {
            d->cdrom = true;
            rc = 0;
        } else if (n == 14 && !strncmp(seg, "direct-io-safe", 14)) {
            d->direct_io_safe = true;
            rc = 0;
        } else if (n == 7 && !strncmp(seg, "discard", 7)) {
            d->discard = 1;
            rc = 0;
        } else if (n == 10 && !strncmp(seg, "no-discard", 10)) {
            d->discard = 0;
            rc = 0;
        } else if (n == 7 && !strncmp(seg, "trusted", 7)) {
            d->trusted = 1;
            rc = 0;
        } else if (n == 9 && !strncmp(seg, "untrusted", 9)) {
            d->trusted = 0;
            rc = 0;
        } else if ((pl = legacy_prefix(seg, &pname)) != 0) {
            if (pl < 0)
                return derr(err, errlen, "unknown deprecated disk prefix near "
                            "`%.*s' in `%s'", (int)(strchr(seg, ':') - seg + 1),
                            seg, spec);
            st.had_prefix = true;
            if (!strcmp(pname, "raw") || !strncmp(pname, "qcow", 4) ||
                !strcmp(pname, "vhd")) {
                rc = setformat(d, pname, strlen(pname), spec, err, errlen);
            } else if (!strcmp(pname, "iscsi") || !strcmp(pname, "nbd") ||
                       !strcmp(pname, "enbd") || !strcmp(pname, "drbd")) {
                char script[32];
                snprintf(script, sizeof(script), "block-%s", pname);
                rc = setstr(d->script, sizeof(d->script), script,
                            strlen(script), "script", true, spec, err, errlen);
            } else {
                rc = 0;
            }
            p = seg + pl;        /* the target follows the prefix */
        } else {
            rc = positional(d, &st, seg, n, spec, err, errlen);
        }
        if (rc)
            return rc;
    }
    if (!d->format[0])
        strcpy(d->format, "raw");
    if (d->cdrom) {
        d->readonly = true;
        if (!d->target[0])
            strcpy(d->format, "empty");
    }
    if (!d->vdev[0])
        return derr(err, errlen, "no vdev specified in `%s'", spec);
    if (!d->target[0] && !d->cdrom)
        return derr(err, errlen, "no target specified (and device not "
                    "removable) in `%s'", spec);
    return 0;
}

static int parse_mac(const char *s, char out[18])
{
    unsigned int b[6], i;
    const char *p = s;

    for (i = 0; i < 6; i++) {
        int hi, lo;
        if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]))
            return -EINVAL;
        hi = isdigit((unsigned char)p[0]) ? p[0] - '0' : (p[0] | 0x20) - 'a' + 10;
        lo = isdigit((unsigned char)p[1]) ? p[1] - '0' : (p[1] | 0x20) - 'a' + 10;
        b[i] = (unsigned int)(hi << 4 | lo);
        p += 2;
        if (i < 5) {
            if (*p != ':' && *p != '-')
                return -EINVAL;
            p++;
        }
    }
    if (*p)
        return -EINVAL;
    snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2],
             b[3], b[4], b[5]);
    return 0;
}

int xlcfg_parse_vif(const char *spec, unsigned int devid,
                    struct xlcfg_vif *v, char *err, size_t errlen)
{
    const char *p = spec;

    memset(v, 0, sizeof(*v));
    v->devid = devid;
    while (*p) {
        const char *tok, *eq, *val;
        size_t n, kl, vl;

        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        tok = p;
        p = strchrnul(p, ',');
        n = (size_t)(p - tok);
        eq = memchr(tok, '=', n);
        if (!eq)
            return derr(err, errlen, "unrecognized argument `%.*s' in `%s'",
                        (int)n, tok, spec);
        kl = (size_t)(eq - tok);
        val = eq + 1;
        vl = n - kl - 1;
#define IS(k) (kl == sizeof(k) - 1 && !strncmp(tok, k, kl))
#define SET(field, what) do {                                               \
        if (vl >= sizeof(v->field))                                         \
            return derr(err, errlen, "%s too long (at most %zu characters) " \
                        "in `%s'", what, sizeof(v->field) - 1, spec);       \
        memcpy(v->field, val, vl);                                          \
        v->field[vl] = 0;                                                   \
    } while (0)
        if (IS("mac")) {
            char m[32];
            if (vl >= sizeof(m) || (memcpy(m, val, vl), m[vl] = 0,
                                    parse_mac(m, v->mac)))
                return derr(err, errlen, "invalid mac `%.*s' in `%s' "
                            "(expected xx:xx:xx:xx:xx:xx)", (int)vl, val, spec);
        } else if (IS("type")) {
            if (vl == 3 && !strncmp(val, "vif", 3))
                strcpy(v->type, "vif");
            else if (vl == 5 && !strncmp(val, "ioemu", 5))
                strcpy(v->type, "ioemu");
            else
                return derr(err, errlen, "invalid type `%.*s' in `%s' (vif or "
                            "ioemu)", (int)vl, val, spec);
        } else if (IS("bridge")) {
            SET(bridge, "bridge");
        } else if (IS("gatewaydev") || IS("netdev")) {
            SET(gatewaydev, "gatewaydev");
        } else if (IS("ip")) {
            SET(ip, "ip");
        } else if (IS("script")) {
            SET(script, "script");
        } else if (IS("backend")) {
            SET(backend_domname, "backend");
        } else if (IS("vifname")) {
            SET(vifname, "vifname");
        } else if (IS("model")) {
            SET(model, "model");
        } else if (IS("devid")) {
            char *end;
            unsigned long d = strtoul(val, &end, 10);
            if (end == val || end != val + vl || d > 65535)
                return derr(err, errlen, "invalid devid `%.*s' in `%s'",
                            (int)vl, val, spec);
            v->devid = (unsigned int)d;
        } else if (IS("accel")) {
            /* xl ignores it too (with a warning on stderr) */
        } else if (IS("rate") || IS("mtu") || !strncmp(tok, "colo", 4) ||
                   (kl > 8 && !strncmp(tok, "forwarddev", 10))) {
            return derr(err, errlen, "vif parameter `%.*s' is not supported by "
                        "this toolstack in `%s'", (int)kl, tok, spec);
        } else {
            return derr(err, errlen, "unrecognized argument `%.*s' in `%s'",
                        (int)n, tok, spec);
        }
#undef IS
#undef SET
    }
    return 0;
}
