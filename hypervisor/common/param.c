/*
 * param.c — the hypervisor command line: match each "name[=value]" word
 * against the kernel_param table and store the value (syntax in
 * xen/param.h).  A bad option never stops the boot: it is reported and
 * counted, because a typo on a serial console must not make a machine
 * unbootable.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/param.h>

int parse_bool(const char *s)
{
    static const char *const yes[] = { "1", "yes", "on", "true", "enable" };
    static const char *const no[] = { "0", "no", "off", "false", "disable" };

    for (unsigned i = 0; i < ARRAY_SIZE(yes); i++) {
        if (!strcmp(s, yes[i]))
            return 1;
        if (!strcmp(s, no[i]))
            return 0;
    }
    return -EINVAL;
}

/* Option names compare with '-' and '_' as the same character (Xen does
 * the same, so dom0-mem and dom0_mem both work). */
static bool name_eq(const char *a, const char *b)
{
    for (;; a++, b++) {
        char x = *a == '-' ? '_' : *a, y = *b == '-' ? '_' : *b;

        if (x != y)
            return false;
        if (!x)
            return true;
    }
}

static const struct kernel_param *find_param(const char *name,
                                             const struct kernel_param *start,
                                             const struct kernel_param *end)
{
    for (const struct kernel_param *kp = start; kp < end; kp++)
        if (kp->name && name_eq(kp->name, name))
            return kp;
    return NULL;
}

/* Store v in an unsigned variable of len bytes; -ERANGE if it does not fit. */
static int store_uint(void *var, size_t len, unsigned long long v)
{
    switch (len) {
    case 1:
        if (v > UINT8_MAX)
            return -ERANGE;
        *(uint8_t *)var = v;
        return 0;
    case 2:
        if (v > UINT16_MAX)
            return -ERANGE;
        *(uint16_t *)var = v;
        return 0;
    case 4:
        if (v > UINT32_MAX)
            return -ERANGE;
        *(uint32_t *)var = v;
        return 0;
    case 8:
        *(uint64_t *)var = v;
        return 0;
    default:
        return -EINVAL;
    }
}

/*
 * Apply one option.  val is the text after '=' or NULL when there was none;
 * negated is set for the "no-" form.
 */
static int apply_param(const struct kernel_param *kp, const char *val, bool negated)
{
    unsigned long long v;
    const char *e;
    int rc;

    if (negated && kp->type != PARAM_BOOL && kp->type != PARAM_CUSTOM)
        return -EINVAL;
    switch (kp->type) {
    case PARAM_BOOL:
        if (negated)
            rc = val ? -EINVAL : 0;
        else
            rc = val ? parse_bool(val) : 1;
        if (rc < 0)
            return rc;
        return store_uint(kp->var, kp->len, negated ? 0 : rc);
    case PARAM_UINT:
        if (!val)
            return -EINVAL;
        rc = parse_ull(val, &e, 0, &v);
        if (rc)
            return rc;
        if (*e || e == val || xen_isspace((unsigned char)*val))
            return -EINVAL;
        return store_uint(kp->var, kp->len, v);
    case PARAM_SIZE:
        if (!val || !*val || xen_isspace((unsigned char)*val))
            return -EINVAL;
        v = parse_size_and_unit(val, &e);
        if (e == val || *e)
            return -EINVAL;
        return store_uint(kp->var, kp->len, v);
    case PARAM_STRING:
        if (!val)
            val = "";
        if (!kp->len || strlen(val) >= kp->len)
            return -E2BIG;
        strlcpy(kp->var, val, kp->len);
        return 0;
    case PARAM_CUSTOM:
        if (!kp->fn)
            return -EINVAL;
        if (negated)
            return val ? -EINVAL : kp->fn("no");
        return kp->fn(val ? val : "");
    }
    return -EINVAL;
}

int cmdline_parse(const char *cmdline, const struct kernel_param *start,
                  const struct kernel_param *end)
{
    char opt[PARAM_MAX_LEN];
    int bad = 0;
    const char *p = cmdline;

    if (!p)
        return 0;
    for (;;) {
        const struct kernel_param *kp;
        const char *tok;
        char *val;
        size_t len;
        bool negated = false;
        int rc;

        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        tok = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        len = p - tok;
        /* "--" separates our options from what follows (dom0's). */
        if (len == 2 && tok[0] == '-' && tok[1] == '-')
            break;
        if (len >= sizeof(opt)) {
            printk(XENLOG_WARNING "parameter \"%.32s...\" too long, ignored\n", tok);
            bad++;
            continue;
        }
        memcpy(opt, tok, len);
        opt[len] = '\0';

        val = strchr(opt, '=');
        if (val)
            *val++ = '\0';
        kp = find_param(opt, start, end);
        if (!kp && !strncmp(opt, "no-", 3)) {
            kp = find_param(opt + 3, start, end);
            negated = kp != NULL;
        }
        if (!kp) {
            printk(XENLOG_WARNING "parameter \"%s\" unknown!\n", opt);
            bad++;
            continue;
        }
        rc = apply_param(kp, val, negated);
        if (rc) {
            printk(XENLOG_WARNING "parameter \"%s\" has invalid value \"%s\", rc=%d!\n",
                   opt, val ? val : "", rc);
            bad++;
        }
    }
    return bad;
}
