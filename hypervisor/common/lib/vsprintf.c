/*
 * vsprintf.c — formatted output (vsnprintf and friends) for printk and for
 * building strings; the subset of C99 printf the hypervisor needs, without
 * floating point.  Behaviour matches glibc for every supported conversion
 * (the unit tests compare against the host's snprintf).
 */
#include <xen/lib.h>

#define F_LEFT   0x01   /* '-' */
#define F_ZERO   0x02   /* '0' */
#define F_PLUS   0x04   /* '+' */
#define F_SPACE  0x08   /* ' ' */
#define F_ALT    0x10   /* '#' */
#define F_UPPER  0x20

struct out {
    char *buf;
    size_t size, len;   /* len counts every byte, stored or not */
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void put_n(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

static void put_str(struct out *o, const char *s, int prec, int width, unsigned flags)
{
    int len = 0;

    /* Never read past prec bytes: %.*s may point at unterminated data. */
    while ((prec < 0 || len < prec) && s[len])
        len++;
    if (!(flags & F_LEFT))
        put_n(o, ' ', width - len);
    for (int i = 0; i < len; i++)
        put(o, s[i]);
    if (flags & F_LEFT)
        put_n(o, ' ', width - len);
}

/*
 * One integer conversion.  base 8/10/16; neg set for a negative signed value
 * (v holds its magnitude).  prec < 0 means none given.
 */
static void put_num(struct out *o, unsigned long long v, bool neg, unsigned base,
                    int width, int prec, unsigned flags)
{
    const char *digits = (flags & F_UPPER) ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];           /* 2^64 in octal is 22 digits */
    int n = 0, zeros, pad;
    char sign = 0;
    const char *prefix = "";

    while (v) {
        tmp[n++] = digits[v % base];
        v /= base;
    }
    /* C99: precision 0 with value 0 prints no digits (but "%#.0o" prints 0). */
    if (n == 0 && prec != 0)
        tmp[n++] = '0';
    if (neg)
        sign = '-';
    else if (flags & F_PLUS)
        sign = '+';
    else if (flags & F_SPACE)
        sign = ' ';
    if (flags & F_ALT) {
        if (base == 16 && !(n == 1 && tmp[0] == '0') && n)
            prefix = (flags & F_UPPER) ? "0X" : "0x";
        else if (base == 8 && (n == 0 || tmp[n - 1] != '0') && prec <= n)
            tmp[n++] = '0';     /* octal: force a leading zero */
    }
    zeros = prec > n ? prec - n : 0;
    pad = width - n - zeros - (sign ? 1 : 0) - (int)strlen(prefix);
    /* '0' flag: pad with zeros after the sign, ignored with a precision. */
    if ((flags & F_ZERO) && !(flags & F_LEFT) && prec < 0 && pad > 0) {
        zeros += pad;
        pad = 0;
    }
    if (!(flags & F_LEFT))
        put_n(o, ' ', pad);
    if (sign)
        put(o, sign);
    for (; *prefix; prefix++)
        put(o, *prefix);
    put_n(o, '0', zeros);
    while (n)
        put(o, tmp[--n]);
    if (flags & F_LEFT)
        put_n(o, ' ', pad);
}

enum len_mod { LM_NONE, LM_HH, LM_H, LM_L, LM_LL, LM_Z, LM_T, LM_J };

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { .buf = buf, .size = size, .len = 0 };

    /* %zd reads a long: the signed size type on x86-64. */
    BUILD_BUG_ON(sizeof(long) != sizeof(size_t));

    for (; *fmt; fmt++) {
        unsigned flags = 0, base = 10;
        int width = -1, prec = -1;
        enum len_mod lm = LM_NONE;
        unsigned long long v;
        bool neg = false, is_signed = false;

        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        /* flags */
        for (;;) {
            char c = *++fmt;

            if (c == '-')      flags |= F_LEFT;
            else if (c == '0') flags |= F_ZERO;
            else if (c == '+') flags |= F_PLUS;
            else if (c == ' ') flags |= F_SPACE;
            else if (c == '#') flags |= F_ALT;
            else break;
        }
        /* width */
        if (*fmt == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                flags |= F_LEFT;
                width = width == (-2147483647 - 1) ? 2147483647 : -width;
            }
            fmt++;
        } else {
            for (width = 0; xen_isdigit(*fmt); fmt++)
                if (width < 100000)
                    width = width * 10 + (*fmt - '0');
        }
        /* precision */
        if (*fmt == '.') {
            fmt++;
            if (*fmt == '*') {
                prec = va_arg(ap, int);
                if (prec < 0)
                    prec = -1;  /* negative precision: as if omitted */
                fmt++;
            } else {
                for (prec = 0; xen_isdigit(*fmt); fmt++)
                    if (prec < 100000)
                        prec = prec * 10 + (*fmt - '0');
            }
        }
        /* length modifier */
        switch (*fmt) {
        case 'h':
            lm = LM_H;
            if (fmt[1] == 'h') { lm = LM_HH; fmt++; }
            fmt++;
            break;
        case 'l':
            lm = LM_L;
            if (fmt[1] == 'l') { lm = LM_LL; fmt++; }
            fmt++;
            break;
        case 'z': lm = LM_Z; fmt++; break;
        case 't': lm = LM_T; fmt++; break;
        case 'j': lm = LM_J; fmt++; break;
        case 'L': lm = LM_LL; fmt++; break;
        }

        switch (*fmt) {
        case '\0':
            /* Lone '%' at the end: print nothing more (glibc likewise). */
            goto done;
        case '%':
            put(&o, '%');
            continue;
        case 'c':
            if (!(flags & F_LEFT))
                put_n(&o, ' ', width - 1);
            put(&o, (char)va_arg(ap, int));
            if (flags & F_LEFT)
                put_n(&o, ' ', width - 1);
            continue;
        case 's': {
            const char *s = va_arg(ap, const char *);

            if (!s)
                s = (prec < 0 || prec >= 6) ? "(null)" : "";
            put_str(&o, s, prec, width, flags);
            continue;
        }
        case 'p': {
            void *p = va_arg(ap, void *);

            if (!p) {
                put_str(&o, "(nil)", -1, width, flags);
                continue;
            }
            put_num(&o, (uintptr_t)p, false, 16, width, prec, flags | F_ALT);
            continue;
        }
        case 'd':
        case 'i':
            is_signed = true;
            break;
        case 'u':
            break;
        case 'X':
            flags |= F_UPPER;
            /* fall through */
        case 'x':
            base = 16;
            break;
        case 'o':
            base = 8;
            break;
        default:
            /* Unknown conversion: show it verbatim so the bug is visible. */
            put(&o, '%');
            put(&o, *fmt);
            continue;
        }

        if (is_signed) {
            long long sv;

            switch (lm) {
            case LM_HH: sv = (signed char)va_arg(ap, int); break;
            case LM_H:  sv = (short)va_arg(ap, int); break;
            case LM_L:  sv = va_arg(ap, long); break;
            case LM_LL: sv = va_arg(ap, long long); break;
            case LM_Z:  sv = va_arg(ap, long); break;     /* ssize_t */
            case LM_T:  sv = va_arg(ap, ptrdiff_t); break;
            case LM_J:  sv = va_arg(ap, intmax_t); break;
            default:    sv = va_arg(ap, int); break;
            }
            neg = sv < 0;
            v = neg ? 0ULL - (unsigned long long)sv : (unsigned long long)sv;
            flags &= ~F_ALT;
        } else {
            switch (lm) {
            case LM_HH: v = (unsigned char)va_arg(ap, unsigned int); break;
            case LM_H:  v = (unsigned short)va_arg(ap, unsigned int); break;
            case LM_L:  v = va_arg(ap, unsigned long); break;
            case LM_LL: v = va_arg(ap, unsigned long long); break;
            case LM_Z:  v = va_arg(ap, size_t); break;
            case LM_T:  v = va_arg(ap, ptrdiff_t); break;
            case LM_J:  v = va_arg(ap, uintmax_t); break;
            default:    v = va_arg(ap, unsigned int); break;
            }
            /* '+' and ' ' only apply to signed conversions. */
            flags &= ~(F_PLUS | F_SPACE);
            if (base == 10)
                flags &= ~F_ALT;
        }
        put_num(&o, v, neg, base, width, prec, flags);
    }
 done:
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len > 0x7fffffff ? 0x7fffffff : (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int vscnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    int n = vsnprintf(buf, size, fmt, ap);

    if (!size)
        return 0;
    return (size_t)n < size ? n : (int)(size - 1);
}

int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vscnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
