/*
 * fuzz_cmdline.c — libFuzzer target for cmdline_parse and the number
 * parsers it uses (hypervisor/common/param.c, lib/strtol.c).
 *
 * The input (NUL-terminated copy) is parsed against a table holding every
 * parameter kind, with variables surrounded by guard bytes that must stay
 * untouched; string variables must stay NUL-terminated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/param.h>

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "invariant broken: %s\n", #c); abort(); } } while (0)

static struct {
    uint64_t g0; bool b; uint8_t g1[7];
    uint64_t g2; uint8_t u8; uint8_t g3[7];
    uint64_t g4; uint16_t u16; uint8_t g5[6];
    uint64_t g6; uint32_t u32; uint8_t g7[4];
    uint64_t g8; uint64_t u64;
    uint64_t g9; uint64_t size;
    uint64_t g10; char str[16];
    uint64_t g11;
} v;

static int custom(const char *val)
{
    CHECK(val != NULL);
    return parse_bool(val) < 0 ? -EINVAL : 0;
}

static const struct kernel_param table[] = {
    { "flag", PARAM_BOOL, &v.b, sizeof(v.b), NULL },
    { "u8", PARAM_UINT, &v.u8, sizeof(v.u8), NULL },
    { "u16", PARAM_UINT, &v.u16, sizeof(v.u16), NULL },
    { "u32", PARAM_UINT, &v.u32, sizeof(v.u32), NULL },
    { "u64", PARAM_UINT, &v.u64, sizeof(v.u64), NULL },
    { "dom0_mem", PARAM_SIZE, &v.size, sizeof(v.size), NULL },
    { "console", PARAM_STRING, &v.str, sizeof(v.str), NULL },
    { "loglvl", PARAM_CUSTOM, NULL, 0, custom },
    { "noreboot", PARAM_BOOL, &v.b, sizeof(v.b), NULL },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    const char *end;
    int bad;

    xen_memcpy(s, data, size);
    s[size] = '\0';
    xen_memset(&v, 0x5a, sizeof(v));
    v.str[sizeof(v.str) - 1] = '\0';
    bad = cmdline_parse(s, table, table + sizeof(table) / sizeof(table[0]));
    CHECK(bad >= 0 && (size_t)bad <= size);
    CHECK(v.g0 == 0x5a5a5a5a5a5a5a5aULL && v.g2 == v.g0 && v.g4 == v.g0 && v.g6 == v.g0 &&
          v.g8 == v.g0 && v.g9 == v.g0 && v.g10 == v.g0 && v.g11 == v.g0);
    CHECK(xen_strnlen(v.str, sizeof(v.str)) < sizeof(v.str));

    /* The number parsers on the raw text: end stays inside it. */
    parse_size_and_unit(s, &end);
    CHECK(end >= s && end <= s + size);
    simple_strtoull(s, &end, 0);
    CHECK(end >= s && end <= s + size);
    simple_strtoll(s, &end, 16);
    CHECK(end >= s && end <= s + size);
    free(s);
    return 0;
}
