/*
 * test_mem_top.c — xl mem-set's target rules (libxl_set_memory_target's
 * arithmetic and refusals), xl.conf's autoballoon setting, and xl top's
 * figures (CPU %, vif counters, the table's columns) and SVG writer, all
 * on canned inputs: no hypervisor needed.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl.h"
#include "helpers.h"

/* ------------------------------------------------------------ mem-set */

Test(memtarget, absolute_target_minus_videoram)
{
    struct errbuf eb = { 0 };
    uint64_t t = 0;

    cr_assert_eq(mem_target_compute(3, 131072, false, 262144, 262144, 0, &t, &eb), 0);
    cr_assert_eq(t, 131072);
    cr_assert_eq(mem_target_compute(3, 262144, false, 131072, 262144, 8192, &t, &eb), 0);
    cr_assert_eq(t, 262144 - 8192, "videoram comes off the target, as libxl");
    /* exactly static-max is allowed */
    cr_assert_eq(mem_target_compute(3, 262144, false, 131072, 262144, 0, &t, &eb), 0);
    cr_assert_eq(t, 262144);
}

Test(memtarget, above_static_max_is_refused_by_name)
{
    struct errbuf eb = { 0 };
    uint64_t t = 77;

    cr_assert_eq(mem_target_compute(3, 262145, false, 131072, 262144, 0, &t, &eb), -EINVAL);
    cr_assert_eq(t, 77, "no result on refusal");
    cr_assert(strstr(eb.msg, "domain 3"), "%s", eb.msg);
    cr_assert(strstr(eb.msg, "static-max 262144"), "%s", eb.msg);
}

Test(memtarget, floors_for_dom0_and_guests)
{
    struct errbuf eb = { 0 };
    uint64_t t;

    cr_assert_eq(mem_target_compute(0, 128 * 1024 - 4, false, 1 << 20, 1ull << 34, 0, &t, &eb),
                 -EINVAL);
    cr_assert(strstr(eb.msg, "dom0"), "%s", eb.msg);
    eb_clear(&eb);
    cr_assert_eq(mem_target_compute(0, 128 * 1024, false, 1 << 20, 1ull << 34, 0, &t, &eb), 0);
    cr_assert_eq(mem_target_compute(5, 16384, false, 131072, 262144, 0, &t, &eb), -EINVAL);
    cr_assert(strstr(eb.msg, "domain 5"), "%s", eb.msg);
    cr_assert(strstr(eb.msg, "minimum"), "%s", eb.msg);
    cr_assert_eq(mem_target_compute(5, MEM_MIN_GUEST_KB, false, 131072, 262144, 0, &t, &eb), 0);
}

Test(memtarget, relative_moves_floor_at_zero)
{
    struct errbuf eb = { 0 };
    uint64_t t;

    /* autoballoon's use: dom0 down by what a new guest lacks */
    cr_assert_eq(mem_target_compute(0, -262144, true, 1048576, 1ull << 34, 0, &t, &eb), 0);
    cr_assert_eq(t, 786432);
    cr_assert_eq(mem_target_compute(7, -4096, true, 2048, 262144, 0, &t, &eb), 0);
    cr_assert_eq(t, 0, "more than the target: 0 (then refused for dom0 below)");
    cr_assert_eq(mem_target_compute(0, -(int64_t)1048576, true, 1048576, 1ull << 34, 0, &t, &eb),
                 -EINVAL, "dom0 is never ballooned below its floor");
    cr_assert_eq(mem_target_compute(7, 65536, true, 131072, 262144, 0, &t, &eb), 0);
    cr_assert_eq(t, 196608);
}

Test(memtarget, autoballoon_setting_and_need)
{
    cr_assert_eq(xl_autoballoon_mode(NULL), XL_AUTOBALLOON_AUTO);
    cr_assert_eq(xl_autoballoon_mode("# autoballoon=\"off\"\n"), XL_AUTOBALLOON_AUTO,
                 "a comment is not a setting");
    cr_assert_eq(xl_autoballoon_mode("autoballoon=\"off\"\n"), XL_AUTOBALLOON_OFF);
    cr_assert_eq(xl_autoballoon_mode("x=1\n  autoballoon = 1\n"), XL_AUTOBALLOON_ON);
    cr_assert_eq(xl_autoballoon_mode("autoballoon=\"on\"\nautoballoon=\"auto\"\n"),
                 XL_AUTOBALLOON_AUTO, "the last one wins");
    cr_assert(xl_autoballoon_enabled(XL_AUTOBALLOON_AUTO, "console=com1 loglvl=all"));
    cr_assert(!xl_autoballoon_enabled(XL_AUTOBALLOON_AUTO, "console=com1 dom0_mem=1024M"));
    cr_assert(!xl_autoballoon_enabled(XL_AUTOBALLOON_AUTO, "dom0_mem=1G"));
    cr_assert(xl_autoballoon_enabled(XL_AUTOBALLOON_AUTO, "xdom0_mem=1G"), "a word's end only");
    cr_assert(xl_autoballoon_enabled(XL_AUTOBALLOON_ON, "dom0_mem=1G"));
    cr_assert(!xl_autoballoon_enabled(XL_AUTOBALLOON_OFF, ""));
    /* libxl: PV needs target + 1 MiB, rounded up to 2 MiB */
    cr_assert_eq(xl_need_memory_kb(128), 128 * 1024 + 2048);
    cr_assert_eq(xl_need_memory_kb(1), 2048);
    cr_assert_eq(xl_need_memory_kb(2), 4096);
}

/* ------------------------------------------------------------ top */

static struct xl_top_dom dom(uint32_t id, const char *name, uint64_t cpu_ns, uint64_t mem_kb)
{
    struct xl_top_dom d;

    memset(&d, 0, sizeof(d));
    d.domid = id;
    snprintf(d.name, sizeof(d.name), "%s", name);
    d.cpu_ns = cpu_ns;
    d.mem_kb = mem_kb;
    d.maxmem_kb = mem_kb + 1024;
    d.vcpus = 1;
    d.blocked = true;
    return d;
}

static void sample(struct xl_top_sample *s, long sec, long usec, struct xl_top_dom *d, int n)
{
    memset(s, 0, sizeof(*s));
    s->t.tv_sec = sec;
    s->t.tv_usec = usec;
    s->total_kb = 2097152;
    s->free_kb = 1048576;
    s->doms = d;
    s->n = n;
}

Test(top, cpu_percent_is_xentops)
{
    struct xl_top_dom a[2] = { dom(0, "Domain-0", 5000000000ull, 1048576),
                               dom(1, "g", 1000000000ull, 262144) };
    struct xl_top_dom b[3] = { dom(0, "Domain-0", 5500000000ull, 1048576),
                               dom(1, "g", 3000000000ull, 262144),
                               dom(2, "new", 10000000ull, 131072) };
    struct xl_top_sample p, c;

    sample(&p, 100, 0, a, 2);
    sample(&c, 102, 0, b, 3);          /* 2 s later */
    cr_assert_float_eq(xl_top_cpu_pct(&p, &c, &b[0]), 25.0, 1e-9);
    cr_assert_float_eq(xl_top_cpu_pct(&p, &c, &b[1]), 100.0, 1e-9, "1 CPU busy");
    cr_assert_float_eq(xl_top_cpu_pct(&p, &c, &b[2]), 0.0, 1e-9, "no previous sample");
    cr_assert_float_eq(xl_top_cpu_pct(NULL, &c, &b[1]), 0.0, 1e-9);
    /* half a second, usec arithmetic across the second boundary */
    sample(&c, 100, 500000, b, 3);
    cr_assert_float_eq(xl_top_cpu_pct(&p, &c, &b[0]), 100.0, 1e-9);
    sample(&p, 99, 900000, a, 2);
    sample(&c, 100, 400000, b, 3);
    cr_assert_float_eq(xl_top_cpu_pct(&p, &c, &b[0]), 100.0, 1e-9);
    /* a reused domid whose time went backwards: no negative figure */
    b[1].cpu_ns = 1;
    cr_assert_float_eq(xl_top_cpu_pct(&p, &c, &b[1]), 0.0, 1e-9);
}

Test(top, vif_counters_from_proc_net_dev)
{
    const char *netdev =
        "Inter-|   Receive                                                |  Transmit\n"
        " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
        "    lo:     100       1    0    0    0     0          0         0      100       1    0    0    0     0       0          0\n"
        "vif1.0: 2048000    1000    0    0    0     0          0         0  4096000    2000    0    0    0     0       0          0\n"
        "vif1.1:    1024       1    0    0    0     0          0         0     2048       1    0    0    0     0       0          0\n"
        "vif11.0:   999999      9    0    0    0     0          0         0   999999       9    0    0    0     0       0          0\n"
        "vif1.0-emu:  5555     5    0    0    0     0          0         0     5555       5    0    0    0     0       0          0\n";
    struct xl_top_dom d = dom(1, "g", 0, 0);

    xl_top_net_counters(netdev, &d);
    cr_assert_eq(d.nets, 2, "vif1.0 and vif1.1, not vif11.0 or -emu");
    cr_assert_eq(d.net_tx, 2048000 + 1024, "dom0's receive is the guest's transmit");
    cr_assert_eq(d.net_rx, 4096000 + 2048);
    xl_top_net_counters(NULL, &d);
    cr_assert_eq(d.nets, 0);
}

static char *render(void (*fn)(FILE *, void *), void *arg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    cr_assert_not_null(f);
    fn(f, arg);
    fclose(f);
    return buf;
}

struct table_args { struct xl_top_sample *p, *c; };

static void table(FILE *f, void *arg)
{
    struct table_args *a = arg;

    xl_top_table(f, a->p, a->c);
}

Test(top, table_columns_are_xentops)
{
    struct xl_top_dom a[2] = { dom(1, "zeta", 1000000000ull, 262144),
                               dom(0, "Domain-0", 5000000000ull, 1048576) };
    struct xl_top_dom b[2] = { dom(1, "zeta", 3000000000ull, 262144),
                               dom(0, "Domain-0", 5500000000ull, 1048576) };
    struct xl_top_sample p, c;
    struct table_args ta = { &p, &c };
    char *out;

    b[1].maxmem_kb = UINT64_MAX;
    b[1].running = true;
    b[1].blocked = false;
    b[0].vbds = 1;                     /* a vbd without readable counters */
    sample(&p, 100, 0, a, 2);
    sample(&c, 102, 0, b, 2);
    out = render(table, &ta);
    cr_assert_str_eq(out,
        "      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS "
        "NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID\n"
        "  Domain-0 -----r          5   25.0    1048576   50.0   no limit       n/a     1    0 "
        "       0        0    0        0        0        0          0          0    0\n"
        "      zeta --b---          3  100.0     262144   12.5     263168      12.5     1    0 "
        "       0        0    1        -        -        -          -          -    0\n");
    free(out);
}

Test(top, wide_counters_widen_the_column)
{
    struct xl_top_dom b[1] = { dom(4, "io", 0, 4096) };
    struct xl_top_sample c;
    struct table_args ta = { NULL, &c };
    char *out, *hdr_end;

    b[0].vbds = 1;
    b[0].vbd_stats = true;
    b[0].vbd_rd = 123456789012ull;     /* 12 digits > 8 */
    sample(&c, 1, 0, b, 1);
    out = render(table, &ta);
    hdr_end = strchr(out, '\n');
    cr_assert_not_null(hdr_end);
    cr_assert(strstr(out, "       VBD_RD "), "%s", out);
    cr_assert(strstr(out, " 123456789012 "), "%s", out);
    /* header and row stay aligned: same length */
    cr_assert_eq(hdr_end - out, (long)strlen(hdr_end + 1) - 1, "%s", out);
    free(out);
}

/* ------------------------------------------------------------ plot */

static void svg(FILE *f, void *arg)
{
    xl_top_plot_svg(f, arg);
}

Test(plot, svg_has_a_line_per_domain_and_escapes_names)
{
    struct xl_top_dom s0[1] = { dom(0, "Domain-0", 0, 1048576) };
    struct xl_top_dom s1[2] = { dom(0, "Domain-0", 500000000ull, 1048576),
                                dom(3, "a<b>&\"c\"", 0, 131072) };
    struct xl_top_dom s2[2] = { dom(0, "Domain-0", 1000000000ull, 917504),
                                dom(3, "a<b>&\"c\"", 1000000000ull, 262144) };
    struct xl_top_sample a, b, c;
    struct xl_top_plot pl;
    char *out;

    sample(&a, 10, 0, s0, 1);
    sample(&b, 11, 0, s1, 2);
    sample(&c, 12, 0, s2, 2);
    cr_assert_eq(xl_top_plot_init(&pl, 3), 0);
    cr_assert_eq(xl_top_plot_add(&pl, NULL, &a), 0);
    cr_assert_eq(xl_top_plot_add(&pl, &a, &b), 0);
    cr_assert_eq(xl_top_plot_add(&pl, &b, &c), 0);
    cr_assert_eq(xl_top_plot_add(&pl, &b, &c), -1, "capacity is the sample count");
    cr_assert_eq(pl.nsamples, 3);
    cr_assert_eq(pl.nseries, 2);
    cr_assert(isnan(pl.series[0].cpu[0]), "no interval before the first sample");
    cr_assert_float_eq(pl.series[0].cpu[1], 50.0, 1e-9);
    cr_assert_float_eq(pl.series[1].cpu[2], 100.0, 1e-9);
    cr_assert(isnan(pl.series[1].mem_mib[0]), "domain 3 did not exist yet");
    cr_assert_float_eq(pl.series[1].mem_mib[2], 256.0, 1e-9);
    cr_assert_float_eq(pl.t[2], 2.0, 1e-9);

    out = render(svg, &pl);
    cr_assert(!strncmp(out, "<?xml version=\"1.0\"", 19));
    cr_assert(strstr(out, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
    cr_assert(strstr(out, "</svg>\n"));
    cr_assert(strstr(out, "a&lt;b&gt;&amp;&quot;c&quot; (3)"), "%s", out);
    cr_assert_null(strstr(out, "a<b>"), "raw name leaked into the XML");
    cr_assert_null(strstr(out, "href"), "self-contained: no links");
    cr_assert_null(strstr(out, "nan"), "no NaN coordinates");
    /* CPU: dom0 2 points, domain 3 1 point; memory: 3 and 2 points */
    {
        int polylines = 0;
        for (const char *p = out; (p = strstr(p, "<polyline")); p++)
            polylines++;
        cr_assert_eq(polylines, 4, "%s", out);
    }
    /* the memory axis tops at 1024 MiB -> "nice" 2000 */
    cr_assert(strstr(out, ">2000</text>"), "%s", out);
    free(out);
    xl_top_plot_free(&pl);
}

Test(plot, axis_maxima)
{
    cr_assert_float_eq(xl_top_axis_max(0), 1.0, 1e-12);
    cr_assert_float_eq(xl_top_axis_max(-3), 1.0, 1e-12);
    cr_assert_float_eq(xl_top_axis_max(NAN), 1.0, 1e-12);
    cr_assert_float_eq(xl_top_axis_max(0.3), 0.5, 1e-12);
    cr_assert_float_eq(xl_top_axis_max(1.0), 1.0, 1e-12);
    cr_assert_float_eq(xl_top_axis_max(37), 50.0, 1e-12);
    cr_assert_float_eq(xl_top_axis_max(100), 100.0, 1e-12);
    cr_assert_float_eq(xl_top_axis_max(101), 200.0, 1e-9);
    cr_assert_float_eq(xl_top_axis_max(1024), 2000.0, 1e-9);
}

/* ------------------------------------------------------------ commands */

Test(memcmd, argument_errors)
{
    const char *bad[] = { "xl", "mem-set", "0", "lots", NULL };
    const char *noarg[] = { "xl", "mem-set", "0", NULL };
    const char *badtop[] = { "xl", "top", "-d", "0", NULL };
    struct xl_run r;

    run_xl(&r, NULL, bad);
    cr_assert_eq(r.status, 1);
    cr_assert_str_eq(r.err, "invalid memory size: lots\n");
    xl_run_free(&r);
    run_xl(&r, NULL, noarg);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "'xl mem-set' requires at least 2 arguments."), "%s", r.err);
    xl_run_free(&r);
    run_xl(&r, NULL, badtop);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "-d needs a positive number"), "%s", r.err);
    xl_run_free(&r);
}

static void summary(FILE *f, void *arg)
{
    xl_top_summary(f, arg);
}

Test(top, summary_lines_are_xentops)
{
    struct xl_top_dom d[3] = { dom(0, "Domain-0", 0, 1048576), dom(1, "a", 0, 4096),
                               dom(2, "b", 0, 4096) };
    struct xl_top_sample s;
    char *out, *nl;

    d[0].running = true;
    d[0].blocked = false;
    d[2].blocked = false;
    d[2].paused = true;
    sample(&s, 0, 0, d, 3);
    s.nr_cpus = 2;
    s.mhz = 2994;
    snprintf(s.version, sizeof(s.version), "4.17.0");
    out = render(summary, &s);
    nl = strchr(out, '\n');
    cr_assert_not_null(nl);
    cr_assert(!strncmp(out, "xentop - ", 9) && strstr(out, "   Xen 4.17.0\n"), "%s", out);
    cr_assert_str_eq(nl + 1,
        "3 domains: 1 running, 1 blocked, 1 paused, 0 crashed, 0 dying, 0 shutdown \n"
        "Mem: 2097152k total, 1048576k used, 1048576k free    CPUs: 2 @ 2994MHz\n");
    free(out);
}
