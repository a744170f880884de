/*
 * strtol.c — number parsing for the command line and boot data:
 * simple_strto*, the strict parse_ull, and Xen's size syntax
 * (parse_size_and_unit).
 */
#include <xen/lib.h>
#include <xen/errno.h>

static int digit_value(int c)
{
    if (xen_isdigit(c))
        return c - '0';
    c = xen_tolower(c);
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    return 99;
}

/*
 * The one real parser: digits of base (after the base-0/16 prefix rules).
 * Returns 0, -EINVAL (no digit; *end = s) or -ERANGE (value saturated to
 * ULLONG_MAX, *end after all the digits).
 */
static int parse_digits(const char *s, const char **end, int base,
                        unsigned long long *val)
{
    const char *p = s;
    unsigned long long v = 0;
    bool overflow = false, any = false;

    while (xen_isspace((unsigned char)*p))
        p++;
    if (base == 0 || base == 16) {
        /* "0x" counts as a prefix only when a hex digit follows; "0x" alone
         * is the number 0 followed by "x". */
        if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
            xen_isxdigit((unsigned char)p[2])) {
            p += 2;
            base = 16;
        } else if (base == 0) {
            base = p[0] == '0' ? 8 : 10;
        }
    }
    if (base < 2 || base > 36) {
        if (end)
            *end = s;
        *val = 0;
        return -EINVAL;
    }
    for (;; p++) {
        int d = digit_value((unsigned char)*p);

        if (d >= base)
            break;
        any = true;
        if (v > (~0ULL - d) / base)
            overflow = true;
        else
            v = v * base + d;
    }
    if (!any) {
        if (end)
            *end = s;
        *val = 0;
        return -EINVAL;
    }
    if (end)
        *end = p;
    *val = overflow ? ~0ULL : v;
    return overflow ? -ERANGE : 0;
}

int parse_ull(const char *s, const char **end, int base, unsigned long long *val)
{
    return parse_digits(s, end, base, val);
}

unsigned long long simple_strtoull(const char *s, const char **end, int base)
{
    unsigned long long v;

    parse_digits(s, end, base, &v);
    return v;
}

unsigned long simple_strtoul(const char *s, const char **end, int base)
{
    return simple_strtoull(s, end, base);
}

long long simple_strtoll(const char *s, const char **end, int base)
{
    const char *p = s, *e;
    bool neg = false;
    unsigned long long v;
    int rc;

    while (xen_isspace((unsigned char)*p))
        p++;
    if (*p == '-' || *p == '+')
        neg = *p++ == '-';
    rc = parse_digits(p, &e, base, &v);
    if (end)
        *end = rc == -EINVAL ? s : e;
    if (neg)
        return v >= (unsigned long long)INT64_MAX + 1 ? INT64_MIN : -(long long)v;
    return v > INT64_MAX ? INT64_MAX : (long long)v;
}

unsigned long long parse_size_and_unit(const char *s, const char **ps)
{
    const char *p;
    unsigned long long v;
    unsigned int shift;

    if (parse_digits(s, &p, 0, &v))
        goto bad;
    switch (*p) {
    case 'T': case 't': shift = 40; p++; break;
    case 'G': case 'g': shift = 30; p++; break;
    case 'M': case 'm': shift = 20; p++; break;
    case 'K': case 'k': shift = 10; p++; break;
    case 'B': case 'b': shift = 0;  p++; break;
    default:            shift = 10; break;  /* bare number: KiB */
    }
    if (shift && v > (~0ULL >> shift))
        goto bad;
    if (ps)
        *ps = p;
    return v << shift;

 bad:
    if (ps)
        *ps = s;
    return 0;
}
