/*
 * test_param.c — command-line parsing (hypervisor/common/param.c) through
 * the real boolean_param/integer_param/... macros, so the section layout
 * the linker script relies on is exercised too.
 */
#include <criterion/criterion.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/param.h>
#include "harness.h"

static bool opt_flag;
boolean_param("flag", opt_flag);
static bool opt_noreboot;
boolean_param("noreboot", opt_noreboot);
static int opt_intbool = 7;             /* a boolean stored in an int */
boolean_param("intbool", opt_intbool);
static unsigned int opt_num;
integer_param("num", opt_num);
static uint8_t opt_byte;
integer_param("byte", opt_byte);
static uint16_t opt_short;
integer_param("short", opt_short);
static uint64_t opt_quad;
integer_param("quad", opt_quad);
static uint64_t opt_mem;
size_param("dom0_mem", opt_mem);
static uint32_t opt_mem32;
size_param("mem32", opt_mem32);
static char opt_console[12] = "vga";
string_param("console", opt_console);
/* A second name for the same variable (as Xen's aliases do). */
boolean_param("flag-alias", opt_flag);

static char custom_seen[64];
static int custom_calls;
static int parse_loglvl(const char *val)
{
    static const char *const lv[] = { "none", "error", "warning", "info", "debug", "all" };

    custom_calls++;
    strlcpy(custom_seen, val, sizeof(custom_seen));
    for (unsigned i = 0; i < ARRAY_SIZE(lv); i++)
        if (!strcmp(val, lv[i]))
            return 0;
    return -EINVAL;
}
custom_param("loglvl", parse_loglvl);

static int parse(const char *s)
{
    return cmdline_parse(s, __param_start, __param_end);
}

Test(param, section_holds_every_entry_contiguously)
{
    unsigned n = __param_end - __param_start;

    cr_assert_eq(n, 12, "%u entries", n);
    for (const struct kernel_param *kp = __param_start; kp < __param_end; kp++)
        cr_assert_not_null(kp->name);
}

Test(param, booleans)
{
    cr_assert_eq(parse("flag"), 0);
    cr_assert(opt_flag);
    cr_assert_eq(parse("no-flag"), 0);
    cr_assert_not(opt_flag);
    static const char *const on[] = { "flag=1", "flag=yes", "flag=on", "flag=true", "flag=enable" };
    static const char *const off[] = { "flag=0", "flag=no", "flag=off", "flag=false", "flag=disable" };
    for (unsigned i = 0; i < 5; i++) {
        cr_assert_eq(parse(on[i]), 0, "%s", on[i]);
        cr_assert(opt_flag, "%s", on[i]);
        cr_assert_eq(parse(off[i]), 0, "%s", off[i]);
        cr_assert_not(opt_flag, "%s", off[i]);
    }
    cr_assert_eq(parse("noreboot"), 0, "a name starting with no is matched whole first");
    cr_assert(opt_noreboot);
    cr_assert_eq(parse("no-noreboot"), 0);
    cr_assert_not(opt_noreboot);
    cr_assert_eq(parse("flag-alias"), 0, "two options may share a variable");
    cr_assert(opt_flag);
    cr_assert_eq(parse("no-flag_alias"), 0);
    cr_assert_not(opt_flag);
    cr_assert_eq(parse("intbool"), 0);
    cr_assert_eq(opt_intbool, 1);
    cr_assert_eq(parse("no-intbool"), 0);
    cr_assert_eq(opt_intbool, 0);
}

Test(param, bad_booleans)
{
    opt_flag = true;
    cr_assert_eq(parse("flag=maybe"), 1);
    cr_assert(opt_flag, "unchanged");
    cr_assert_eq(parse("flag="), 1);
    cr_assert_eq(parse("no-flag=1"), 1);
    cr_assert(opt_flag);
    cr_assert(harness_log_contains("invalid value"));
}

Test(param, integers)
{
    cr_assert_eq(parse("num=42"), 0);
    cr_assert_eq(opt_num, 42);
    cr_assert_eq(parse("num=0x10"), 0);
    cr_assert_eq(opt_num, 16);
    cr_assert_eq(parse("num=010"), 0);
    cr_assert_eq(opt_num, 8);
    cr_assert_eq(parse("num=4294967295"), 0);
    cr_assert_eq(opt_num, 4294967295u);
    cr_assert_eq(parse("byte=255 short=65535"), 0);
    cr_assert_eq(opt_byte, 255);
    cr_assert_eq(opt_short, 65535);
    cr_assert_eq(parse("quad=18446744073709551615"), 0);
    cr_assert_eq(opt_quad, UINT64_MAX);
}

Test(param, bad_integers)
{
    opt_num = 5;
    opt_byte = 6;
    cr_assert_eq(parse("num="), 1);
    cr_assert_eq(parse("num"), 1);
    cr_assert_eq(parse("num=12abc"), 1);
    cr_assert_eq(parse("num=-1"), 1);
    cr_assert_eq(parse("num=x"), 1);
    cr_assert_eq(parse("num=4294967296"), 1, "does not fit 32 bits");
    cr_assert_eq(parse("byte=256"), 1);
    cr_assert_eq(parse("short=65536"), 1);
    cr_assert_eq(parse("quad=18446744073709551616"), 1);
    cr_assert_eq(parse("no-num"), 1, "no- only for booleans and custom");
    cr_assert_eq(opt_num, 5);
    cr_assert_eq(opt_byte, 6);
}

Test(param, sizes)
{
    static const struct { const char *s; uint64_t v; } t[] = {
        { "dom0_mem=512M", 512ULL << 20 },
        { "dom0_mem=2G", 2ULL << 30 },
        { "dom0_mem=64K", 64ULL << 10 },
        { "dom0_mem=4096B", 4096 },
        { "dom0_mem=100", 100ULL << 10 },
        { "dom0_mem=1T", 1ULL << 40 },
        { "dom0_mem=0x200m", 512ULL << 20 },
    };

    for (unsigned i = 0; i < ARRAY_SIZE(t); i++) {
        cr_assert_eq(parse(t[i].s), 0, "%s", t[i].s);
        cr_assert_eq(opt_mem, t[i].v, "%s", t[i].s);
    }
    cr_assert_eq(parse("mem32=3G"), 0);
    cr_assert_eq(opt_mem32, 3ULL << 30);
}

Test(param, bad_sizes)
{
    opt_mem = 99;
    cr_assert_eq(parse("dom0_mem=12X"), 1);
    cr_assert_eq(parse("dom0_mem="), 1);
    cr_assert_eq(parse("dom0_mem"), 1);
    cr_assert_eq(parse("dom0_mem=G"), 1);
    cr_assert_eq(parse("dom0_mem=16777216T"), 1);
    cr_assert_eq(parse("dom0_mem=512M,max:1G"), 1, "Xen's extended syntax is not a size");
    cr_assert_eq(parse("mem32=4G"), 1, "does not fit 32 bits");
    cr_assert_eq(opt_mem, 99);
}

Test(param, strings)
{
    cr_assert_eq(parse("console=com1"), 0);
    cr_assert_str_eq(opt_console, "com1");
    cr_assert_eq(parse("console=com1,vga"), 0);
    cr_assert_str_eq(opt_console, "com1,vga");
    cr_assert_eq(parse("console=12345678901"), 0, "11 chars + NUL fit 12");
    cr_assert_eq(parse("console=123456789012"), 1, "12 chars do not");
    cr_assert_str_eq(opt_console, "12345678901", "unchanged when too long");
    cr_assert_eq(parse("console"), 0);
    cr_assert_str_eq(opt_console, "");
    cr_assert_eq(parse("console=a=b"), 0, "only the first = splits");
    cr_assert_str_eq(opt_console, "a=b");
}

Test(param, custom)
{
    cr_assert_eq(parse("loglvl=all"), 0);
    cr_assert_str_eq(custom_seen, "all");
    cr_assert_eq(parse("loglvl=verbose"), 1, "handler's error is counted");
    cr_assert_str_eq(custom_seen, "verbose");
    cr_assert_eq(parse("loglvl"), 1);
    cr_assert_str_eq(custom_seen, "", "no value: empty string");
    cr_assert_eq(parse("no-loglvl"), 1);
    cr_assert_str_eq(custom_seen, "no");
    cr_assert_eq(custom_calls, 4);
    cr_assert_eq(parse("no-loglvl=x"), 1);
    cr_assert_eq(custom_calls, 4, "not called for no-opt=value");
}

Test(param, unknown_options_counted_and_reported)
{
    cr_assert_eq(parse("bogus flag other=1 no-"), 3);
    cr_assert(opt_flag, "known options still applied");
    cr_assert(harness_log_contains("\"bogus\" unknown"));
    cr_assert(harness_log_contains("\"other\" unknown"));
    cr_assert(harness_log_contains("\"no-\" unknown"));
}

Test(param, separators_dashes_and_terminator)
{
    cr_assert_eq(parse(NULL), 0);
    cr_assert_eq(parse(""), 0);
    cr_assert_eq(parse("   \t  "), 0);
    cr_assert_eq(parse("  flag\tnum=3   dom0-mem=1G  "), 0);
    cr_assert(opt_flag);
    cr_assert_eq(opt_num, 3);
    cr_assert_eq(opt_mem, 1ULL << 30, "- and _ are the same in names");
    cr_assert_eq(parse("num=4 -- num=5 bogus"), 0, "-- ends the hypervisor's options");
    cr_assert_eq(opt_num, 4);
    cr_assert_eq(parse("num=6 --x"), 1, "--x is an ordinary (unknown) word");
    cr_assert_eq(parse("num=1 num=2"), 0);
    cr_assert_eq(opt_num, 2, "last one wins");
}

Test(param, overlong_option_skipped)
{
    char line[1024];
    size_t n = 0;

    n += snprintf(line + n, sizeof(line) - n, "console=");
    memset(line + n, 'x', 600);
    n += 600;
    snprintf(line + n, sizeof(line) - n, " num=77");
    cr_assert_eq(parse(line), 1);
    cr_assert_eq(opt_num, 77, "parsing continues after it");
    cr_assert(harness_log_contains("too long"));
}

Test(param, explicit_table)
{
    static unsigned int a;
    static bool b;
    static const struct kernel_param tbl[] = {
        { .name = "a", .type = PARAM_UINT, .var = &a, .len = sizeof(a) },
        { .name = "b", .type = PARAM_BOOL, .var = &b, .len = sizeof(b) },
        { .name = "odd", .type = PARAM_UINT, .var = &a, .len = 3 },     /* bad size */
        { .name = "nofn", .type = PARAM_CUSTOM },
    };

    cr_assert_eq(cmdline_parse("a=9 b flag odd=1 nofn", tbl, tbl + 4), 3);
    cr_assert_eq(a, 9);
    cr_assert(b);
    cr_assert_eq(cmdline_parse("a=1", tbl, tbl), 1, "empty table: all unknown");
}

Test(param, parse_bool_values)
{
    cr_assert_eq(parse_bool("yes"), 1);
    cr_assert_eq(parse_bool("enable"), 1);
    cr_assert_eq(parse_bool("off"), 0);
    cr_assert_eq(parse_bool("Yes"), -EINVAL, "case matters, as in Xen");
    cr_assert_eq(parse_bool(""), -EINVAL);
}
