/*
 * test_lib.c — the hypervisor's string functions and number parsing
 * (hypervisor/common/lib/string.c, strtol.c).
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include "harness.h"

static int sign(int v)
{
    return (v > 0) - (v < 0);
}

Test(lib, memcpy_all_lengths_and_offsets)
{
    unsigned char src[300], dst[300];

    for (int i = 0; i < 300; i++)
        src[i] = (unsigned char)(i * 7 + 3);
    for (size_t off = 0; off < 9; off++)
        for (size_t n = 0; n < 280; n += (n < 40 ? 1 : 17)) {
            memset(dst, 0xee, sizeof(dst));
            cr_assert_eq(memcpy(dst + off, src + (8 - off), n), dst + off);
            for (size_t i = 0; i < sizeof(dst); i++) {
                unsigned char want = (i >= off && i < off + n) ? src[8 - off + i - off] : 0xee;

                cr_assert_eq(dst[i], want, "off %zu n %zu byte %zu", off, n, i);
            }
        }
}

Test(lib, memmove_overlapping_both_ways)
{
    char buf[64], ref[64];

    for (int shift = -10; shift <= 10; shift++)
        for (size_t n = 0; n < 40; n++) {
            for (int i = 0; i < 64; i++)
                buf[i] = ref[i] = (char)('A' + i % 50);
            /* The reference: copy through a temporary. */
            char tmp[64];
            for (size_t i = 0; i < n; i++)
                tmp[i] = ref[12 + i];
            for (size_t i = 0; i < n; i++)
                ref[12 + shift + i] = tmp[i];
            cr_assert_eq(memmove(buf + 12 + shift, buf + 12, n), buf + 12 + shift);
            cr_assert_arr_eq(buf, ref, sizeof(buf), "shift %d n %zu", shift, n);
        }
}

Test(lib, memset_and_memcmp)
{
    unsigned char b[100];

    memset(b, 0, sizeof(b));
    cr_assert_eq(memset(b + 3, 0x1ff, 50), b + 3);     /* only the low byte */
    for (int i = 0; i < 100; i++)
        cr_assert_eq(b[i], (i >= 3 && i < 53) ? 0xff : 0);
    cr_assert_eq(memcmp("abc", "abd", 3), -1);
    cr_assert_eq(memcmp("abd", "abc", 3), 1);
    cr_assert_eq(memcmp("abc", "abd", 2), 0);
    cr_assert_eq(memcmp("\x80", "\x01", 1), 1, "bytes compare unsigned");
    cr_assert_eq(memcmp("x", "y", 0), 0);
    cr_assert_eq(memchr("hello", 'l', 5), (void *)((const char *)"hello" + 2));
    cr_assert_null(memchr("hello", 'z', 5));
    cr_assert_null(memchr("hello", 'o', 4));
}

Test(lib, strlen_strnlen)
{
    cr_assert_eq(strlen(""), 0);
    cr_assert_eq(strlen("hypervisor"), 10);
    cr_assert_eq(strnlen("hypervisor", 4), 4);
    cr_assert_eq(strnlen("hyp", 40), 3);
    cr_assert_eq(strnlen("abc", 0), 0);
}

Test(lib, strcmp_family)
{
    cr_assert_eq(strcmp("a", "a"), 0);
    cr_assert_eq(sign(strcmp("a", "b")), -1);
    cr_assert_eq(sign(strcmp("b", "a")), 1);
    cr_assert_eq(sign(strcmp("ab", "a")), 1);
    cr_assert_eq(sign(strcmp("a", "ab")), -1);
    cr_assert_eq(sign(strcmp("\xff", "a")), 1, "chars compare unsigned");
    cr_assert_eq(strncmp("abcdef", "abcxyz", 3), 0);
    cr_assert_eq(sign(strncmp("abcdef", "abcxyz", 4)), -1);
    cr_assert_eq(strncmp("ab", "ab", 100), 0);
    cr_assert_eq(strncmp("x", "y", 0), 0);
    cr_assert_eq(strcasecmp("DOM0_Mem", "dom0_mem"), 0);
    cr_assert_eq(sign(strcasecmp("abc", "ABD")), -1);
    cr_assert_eq(strncasecmp("GRUB 2.06", "grub 2", 6), 0);
}

Test(lib, strchr_strrchr_strstr)
{
    const char *s = "a=b=c";

    cr_assert_eq(strchr(s, '='), s + 1);
    cr_assert_eq(strrchr(s, '='), s + 3);
    cr_assert_null(strchr(s, 'x'));
    cr_assert_null(strrchr(s, 'x'));
    cr_assert_eq(strchr(s, '\0'), s + 5, "the terminator is part of the string");
    cr_assert_eq(strrchr(s, '\0'), s + 5);
    cr_assert_eq(strstr("console=com1,vga", "com1"), (char *)"console=com1,vga" + 8);
    cr_assert_null(strstr("console", "consoles"));
    cr_assert_eq(strstr(s, ""), s);
}

Test(lib, strlcpy_strlcat)
{
    char b[8];

    cr_assert_eq(strlcpy(b, "hello", sizeof(b)), 5);
    cr_assert_str_eq(b, "hello");
    cr_assert_eq(strlcpy(b, "hello world", sizeof(b)), 11);
    cr_assert_str_eq(b, "hello w");
    b[0] = 'Z';
    cr_assert_eq(strlcpy(b, "abc", 0), 3);
    cr_assert_eq(b[0], 'Z', "size 0 writes nothing");
    strlcpy(b, "ab", sizeof(b));
    cr_assert_eq(strlcat(b, "cd", sizeof(b)), 4);
    cr_assert_str_eq(b, "abcd");
    cr_assert_eq(strlcat(b, "efghij", sizeof(b)), 10);
    cr_assert_str_eq(b, "abcdefg");
    cr_assert_eq(strlcat(b, "x", 3), 3 + 1, "dst longer than size: size + strlen(src)");
}

Test(lib, strtoull_bases)
{
    const char *e;

    cr_assert_eq(simple_strtoull("123", &e, 0), 123);
    cr_assert_eq(*e, '\0');
    cr_assert_eq(simple_strtoull("0x1f", &e, 0), 31);
    cr_assert_eq(simple_strtoull("0X1F", &e, 0), 31);
    cr_assert_eq(simple_strtoull("017", &e, 0), 15);
    cr_assert_eq(simple_strtoull("0", &e, 0), 0);
    cr_assert_eq(*e, '\0');
    cr_assert_eq(simple_strtoull("ff", &e, 16), 255);
    cr_assert_eq(simple_strtoull("0xff", &e, 16), 255);
    cr_assert_eq(simple_strtoull("777", &e, 8), 511);
    cr_assert_eq(simple_strtoull("102", &e, 2), 2);
    cr_assert_str_eq(e, "2");
    cr_assert_eq(simple_strtoull("zz", &e, 36), 35 * 36 + 35);
    cr_assert_eq(simple_strtoull("  42abc", &e, 10), 42);
    cr_assert_str_eq(e, "abc");
    cr_assert_eq(simple_strtoull("0x", &e, 0), 0, "0x without digits is 0 then x");
    cr_assert_str_eq(e, "x");
    cr_assert_eq(simple_strtoull("089", &e, 0), 0, "octal stops at 8");
    cr_assert_str_eq(e, "89");
    cr_assert_eq(simple_strtoull("18446744073709551615", &e, 10), ULLONG_MAX);
    cr_assert_eq(simple_strtoul("4294967296", NULL, 10), 4294967296UL);
}

Test(lib, strtoull_no_digits_and_overflow)
{
    const char *s = "abc", *e;

    cr_assert_eq(simple_strtoull(s, &e, 10), 0);
    cr_assert_eq(e, s, "no digits: end points at the start");
    s = "  -5";
    simple_strtoull(s, &e, 10);
    cr_assert_eq(e, s);
    cr_assert_eq(simple_strtoull("99999999999999999999x", &e, 10), ULLONG_MAX, "saturates");
    cr_assert_str_eq(e, "x");
    cr_assert_eq(simple_strtoull("12", &e, 1), 0, "bad base");
    cr_assert_eq(simple_strtoull("12", &e, 37), 0);
}

Test(lib, strtoll_signs)
{
    const char *e, *s = "-";

    cr_assert_eq(simple_strtoll("-5", &e, 0), -5);
    cr_assert_eq(simple_strtoll("+7", &e, 0), 7);
    cr_assert_eq(simple_strtoll(" -0x10", &e, 0), -16);
    cr_assert_eq(simple_strtoll("-9223372036854775808", &e, 10), LLONG_MIN);
    cr_assert_eq(simple_strtoll("-9223372036854775809", &e, 10), LLONG_MIN);
    cr_assert_eq(simple_strtoll("9223372036854775807", &e, 10), LLONG_MAX);
    cr_assert_eq(simple_strtoll("9223372036854775808", &e, 10), LLONG_MAX);
    cr_assert_eq(simple_strtoll(s, &e, 10), 0);
    cr_assert_eq(e, s);
}

Test(lib, parse_ull_strict)
{
    unsigned long long v;
    const char *e;

    cr_assert_eq(parse_ull("4096", &e, 0, &v), 0);
    cr_assert_eq(v, 4096);
    cr_assert_eq(parse_ull("x", &e, 0, &v), -EINVAL);
    cr_assert_eq(parse_ull("", &e, 0, &v), -EINVAL);
    cr_assert_eq(parse_ull("18446744073709551616", &e, 0, &v), -ERANGE);
    cr_assert_eq(parse_ull("0xffffffffffffffff", &e, 0, &v), 0);
    cr_assert_eq(v, ULLONG_MAX);
    cr_assert_eq(parse_ull("0x10000000000000000", &e, 0, &v), -ERANGE);
}

Test(lib, parse_size_and_unit)
{
    const char *e;
    static const struct { const char *s; unsigned long long v; const char *rest; } t[] = {
        { "512M", 512ULL << 20, "" },
        { "2G", 2ULL << 30, "" },
        { "2g", 2ULL << 30, "" },
        { "64K", 64ULL << 10, "" },
        { "64k", 64ULL << 10, "" },
        { "4096B", 4096, "" },
        { "4096b", 4096, "" },
        { "1T", 1ULL << 40, "" },
        { "100", 100ULL << 10, "" },
        { "0x10M", 16ULL << 20, "" },
        { "0", 0, "" },
        { "1M,max:2G", 1ULL << 20, ",max:2G" },
        { "16777215T", 16777215ULL << 40, "" },
    };

    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        cr_assert_eq(parse_size_and_unit(t[i].s, &e), t[i].v, "%s", t[i].s);
        cr_assert_str_eq(e, t[i].rest, "%s", t[i].s);
    }
}

Test(lib, parse_size_and_unit_bad)
{
    const char *e, *s;

    s = "M";
    cr_assert_eq(parse_size_and_unit(s, &e), 0);
    cr_assert_eq(e, s);
    s = "16777216T";        /* 2^64 bytes */
    cr_assert_eq(parse_size_and_unit(s, &e), 0);
    cr_assert_eq(e, s, "overflow consumes nothing");
    s = "99999999999999999999999";
    cr_assert_eq(parse_size_and_unit(s, &e), 0);
    cr_assert_eq(e, s);
    s = "18014398509481984";  /* KiB: 2^54 << 10 overflows */
    cr_assert_eq(parse_size_and_unit(s, &e), 0);
    cr_assert_eq(e, s);
    cr_assert_eq(parse_size_and_unit("12X", &e), 12ULL << 10, "unknown unit is not consumed");
    cr_assert_str_eq(e, "X");
    cr_assert_eq(parse_size_and_unit("7M", NULL), 7ULL << 20, "ps may be NULL");
}
