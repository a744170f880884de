/*
 * test_printf.c — the hypervisor's vsnprintf (hypervisor/common/lib/
 * vsprintf.c) against the host C library's snprintf: same text, same return
 * value, same truncation, for fixed cases and for randomly built formats.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xen/lib.h>
#include "harness.h"

/* From here on snprintf means the host's; ours is xen_snprintf. */
#undef snprintf
#undef vsnprintf
#undef strcmp
#undef memset

/* Sizes are volatile so GCC cannot see (and warn about) truncation. */
static volatile size_t big = 512;

#define CHECK(fmt, ...) do { \
        char want[512], got[512]; \
        int wn = snprintf(want, big, fmt, ##__VA_ARGS__); \
        int gn = xen_snprintf(got, big, fmt, ##__VA_ARGS__); \
        cr_assert_str_eq(got, want, "format \"%s\"", fmt); \
        cr_assert_eq(gn, wn, "format \"%s\": returned %d, libc %d", fmt, gn, wn); \
        for (size_t sz = 0; sz < 12; sz++) { \
            memset(want, 'Q', sizeof(want)); \
            memset(got, 'Q', sizeof(got)); \
            volatile size_t vsz = sz; \
            wn = snprintf(want, vsz, fmt, ##__VA_ARGS__); \
            gn = xen_snprintf(got, vsz, fmt, ##__VA_ARGS__); \
            cr_assert_eq(gn, wn, "format \"%s\" size %zu", fmt, sz); \
            cr_assert_arr_eq(got, want, 16, "format \"%s\" size %zu", fmt, sz); \
        } \
    } while (0)

Test(printf, plain_text_and_percent)
{
    CHECK("hello");
    CHECK("100%% sure");
    CHECK("%%%%");
    CHECK("tab\tnew\nline");
}

Test(printf, signed_decimal)
{
    CHECK("%d", 0);
    CHECK("%d", 42);
    CHECK("%d", -42);
    CHECK("%i", 2147483647);
    CHECK("%d", (int)-2147483648LL);
    CHECK("%ld", -1234567890123L);
    CHECK("%lld", (long long)-9223372036854775807LL - 1);
    CHECK("%lld", 9223372036854775807LL);
    CHECK("%hd", (short)-32768);
    CHECK("%hhd", (signed char)-128);
    CHECK("%hhd", 300);             /* converted to signed char */
    CHECK("%hd", 70000);            /* converted to short */
    CHECK("%zd", (ssize_t)-5);
    CHECK("%td", (ptrdiff_t)-77);
    CHECK("%jd", (intmax_t)-99);
}

Test(printf, unsigned_hex_octal)
{
    CHECK("%u", 0u);
    CHECK("%u", 4294967295u);
    CHECK("%lu", 18446744073709551615UL);
    CHECK("%llu", 18446744073709551615ULL);
    CHECK("%x", 0xdeadbeefu);
    CHECK("%X", 0xdeadbeefu);
    CHECK("%lx", 0xffff82d080000000UL);
    CHECK("%llx", 0x123456789abcdefULL);
    CHECK("%llX", 0xfedcba9876543210ULL);
    CHECK("%o", 8u);
    CHECK("%lo", 0777777777777UL);
    CHECK("%zx", (size_t)4096);
    CHECK("%zu", (size_t)123456789);
    CHECK("%hhx", 0x1ff);
    CHECK("%hx", 0x12345);
    CHECK("%x", 0u);
    CHECK("%o", 0u);
}

Test(printf, flags)
{
    CHECK("%+d", 5);
    CHECK("%+d", -5);
    CHECK("% d", 5);
    CHECK("% d", -5);
    CHECK("%#x", 255u);
    CHECK("%#X", 255u);
    CHECK("%#x", 0u);
    CHECK("%#o", 8u);
    CHECK("%#o", 0u);
    CHECK("%-5d|", 42);
    CHECK("%05d", 42);
    CHECK("%05d", -42);
    CHECK("%+05d", 42);
    CHECK("%#010x", 0xbeefu);
    CHECK("%#10x", 0xbeefu);
    CHECK("%#-10x|", 0xbeefu);
    CHECK("%016lx", 0xffff830000000000UL);
    CHECK("%08X", 0xabcu);
}

Test(printf, width_and_precision)
{
    CHECK("%10d|", 123);
    CHECK("%-10d|", 123);
    CHECK("%.5d", 42);
    CHECK("%.5d", -42);
    CHECK("%8.5d|", 42);
    CHECK("%-8.5d|", -42);
    CHECK("%.0d|", 0);
    CHECK("%5.0d|", 0);
    CHECK("%.0x|", 0u);
    CHECK("%#.0x|", 0u);
    CHECK("%#.0o|", 0u);
    CHECK("%#.3o", 8u);
    CHECK("%#.2o", 8u);
    CHECK("%#.8x", 0x1234u);
    CHECK("%.3u", 7u);
    CHECK("%1d", 12345);
    CHECK("%*d|", 6, 42);
    CHECK("%*d|", -6, 42);
    CHECK("%-*d|", 6, 42);
    CHECK("%.*d|", 4, 42);
    CHECK("%.*d|", -4, 42);
    CHECK("%*.*d|", 8, 4, -42);
}

Test(printf, strings_and_chars)
{
    const char *volatile null = NULL;     /* hidden from the format checker */
    const char unterminated[4] = { 'a', 'b', 'c', 'd' };

    CHECK("%s", "xen");
    CHECK("%s", "");
    CHECK("[%10s]", "xen");
    CHECK("[%-10s]", "xen");
    CHECK("[%.2s]", "xen");
    CHECK("[%.0s]", "xen");
    CHECK("[%5.1s]", "xen");
    CHECK("[%-5.1s]", "xen");
    CHECK("[%*s]", 7, "ab");
    CHECK("[%.*s]", 2, "abcdef");
    CHECK("[%.*s]", 4, unterminated);   /* must not read past 4 bytes */
    CHECK("[%s]", null);
    CHECK("[%.3s]", null);
    CHECK("[%10s]", null);
    CHECK("%c", 'x');
    CHECK("[%3c]", 'x');
    CHECK("[%-3c]", 'x');
    CHECK("%c%c%c", 'a', 'b', 'c');
    CHECK("%s=%d (%s)", "dom0_mem", 512, "MiB");
}

Test(printf, pointers)
{
    int x;

    CHECK("%p", (void *)&x);
    CHECK("%p", (void *)0xffff82d080000000UL);
    CHECK("%p", (void *)1);
    CHECK("%p", (void *)NULL);
    CHECK("[%20p]", (void *)0x1234);
    CHECK("[%-20p]", (void *)0x1234);
    CHECK("[%10p]", (void *)NULL);
}

Test(printf, mixed_long_line)
{
    CHECK("(XEN) mfn %#lx order %u owner d%d flags %08x name %-8s|%5.2s|%c%%",
          0x12345UL, 9u, 0, 0x80000001u, "dom0", "xyz", '!');
}

Test(printf, size_zero_leaves_buffer_untouched)
{
    char b[4] = "abc";

    cr_assert_eq(xen_snprintf(b, 0, "%d", 12345), 5);
    cr_assert_str_eq(b, "abc");
    cr_assert_eq(xen_snprintf(NULL, 0, "%s-%s", "ab", "cd"), 5);
}

Test(printf, scnprintf_returns_stored_length)
{
    char b[6];

    cr_assert_eq(xen_scnprintf(b, sizeof(b), "%s", "hello world"), 5);
    cr_assert_str_eq(b, "hello");
    cr_assert_eq(xen_scnprintf(b, sizeof(b), "%d", 42), 2);
    cr_assert_eq(xen_scnprintf(b, 0, "%d", 42), 0);
}

Test(printf, unknown_conversion_is_visible)
{
    char b[32];

    /* Not valid C: built at run time so the compiler's format check, which
     * would reject it, does not see it. */
    volatile char fmt[] = "a%yb";
    xen_snprintf(b, sizeof(b), (const char *)fmt);
    cr_assert_str_eq(b, "a%yb");
    volatile char fmt2[] = "end%";
    cr_assert_eq(xen_snprintf(b, sizeof(b), (const char *)fmt2), 3);
    cr_assert_str_eq(b, "end");
}

/* Random formats built from every flag/width/precision/length/conversion
 * combination, with random values, compared against libc. */
Test(printf, random_formats_match_libc)
{
    /* Includes the combinations where one flag overrides another ("+ ",
     * "-0"), which GCC's format check rejects in literal formats. */
    static const char *const flagset[] = { "", "-", "0", "+", " ", "#", "-+", "0#", "- #", "+0",
                                           "+ ", "-0", "0-#+" };
    static const char *const lens[] = { "", "hh", "h", "l", "ll", "z", "j", "t" };
    static const char convs[] = "diuxXo";
    unsigned int seed = 12345;

    for (int iter = 0; iter < 20000; iter++) {
        char fmt[64], want[256], got[256];
        int wn, gn;
        const char *len = lens[rand_r(&seed) % 8];
        char conv = convs[rand_r(&seed) % 6];
        unsigned long long v = ((unsigned long long)rand_r(&seed) << 40) ^
                               ((unsigned long long)rand_r(&seed) << 20) ^ rand_r(&seed);
        int shift = rand_r(&seed) % 64;
        int n = 0;

        v >>= shift;
        if (rand_r(&seed) & 1)
            v = -v;
        n += sprintf(fmt + n, "<%%%s", flagset[rand_r(&seed) % 13]);
        if (rand_r(&seed) % 3)
            n += sprintf(fmt + n, "%d", rand_r(&seed) % 30);
        if (rand_r(&seed) % 3 == 0)
            n += sprintf(fmt + n, ".%d", rand_r(&seed) % 25);
        sprintf(fmt + n, "%s%c>", len, conv);

        /* Pass the argument with the type the length modifier reads. */
        if (!strcmp(len, "ll") || !strcmp(len, "l") || !strcmp(len, "z") ||
            !strcmp(len, "j") || !strcmp(len, "t")) {
            wn = snprintf(want, sizeof(want), fmt, v);
            gn = xen_snprintf(got, sizeof(got), fmt, v);
        } else {
            wn = snprintf(want, sizeof(want), fmt, (int)v);
            gn = xen_snprintf(got, sizeof(got), fmt, (int)v);
        }
        cr_assert_str_eq(got, want, "format %s value %#llx", fmt, v);
        cr_assert_eq(gn, wn, "format %s", fmt);
    }
}

Test(printf, random_strings_match_libc)
{
    static const char *const strs[] = { "", "a", "xen", "hypervisor", "dom0 kernel cmdline" };
    unsigned int seed = 777;

    for (int iter = 0; iter < 5000; iter++) {
        char fmt[32], want[128], got[128];
        int n = sprintf(fmt, "[%%%s", (rand_r(&seed) & 1) ? "-" : "");

        if (rand_r(&seed) & 1)
            n += sprintf(fmt + n, "%d", rand_r(&seed) % 25);
        if (rand_r(&seed) & 1)
            n += sprintf(fmt + n, ".%d", rand_r(&seed) % 25);
        sprintf(fmt + n, "s]");
        const char *s = strs[rand_r(&seed) % 5];
        size_t sz = rand_r(&seed) % 40;
        int wn = snprintf(want, sz, fmt, s);
        int gn = xen_snprintf(got, sz, fmt, s);

        cr_assert_eq(gn, wn, "format %s", fmt);
        if (sz)
            cr_assert_str_eq(got, want, "format %s size %zu", fmt, sz);
    }
}
