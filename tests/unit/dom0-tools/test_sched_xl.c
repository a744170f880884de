/*
 * test_sched_xl.c — xl's vCPU and scheduler side without a hypervisor: CPU
 * maps printed as xl's print_bitmap() and parsed as its parse_cpurange(),
 * `xl vcpu-list` lines in Xen 4.17's format, and the xl.cfg scheduling keys
 * (cpus=, cpus_soft=, cpu_weight=, cap=) with their range checks.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "xl.h"
#include "xc.h"
#include "xlcfg_parse.h"

static char *cpumap_str(uint8_t b0, uint8_t b1, unsigned nr)
{
    static char buf[128];
    uint8_t map[2] = { b0, b1 };
    FILE *f = fmemopen(buf, sizeof(buf), "w");

    xl_print_cpumap(f, map, nr);
    fclose(f);
    return buf;
}

Test(sched_xl, cpumap_printed_as_xl)
{
    cr_expect_str_eq(cpumap_str(0x01, 0, 1), "all");
    cr_expect_str_eq(cpumap_str(0x03, 0, 2), "all");
    cr_expect_str_eq(cpumap_str(0xff, 0xff, 4), "all", "bits past nr ignored");
    cr_expect_str_eq(cpumap_str(0x00, 0, 4), "none");
    cr_expect_str_eq(cpumap_str(0x01, 0, 2), "0");
    cr_expect_str_eq(cpumap_str(0x02, 0, 2), "1");
    cr_expect_str_eq(cpumap_str(0x05, 0, 4), "0,2");
    cr_expect_str_eq(cpumap_str(0x0d, 0, 4), "0,2-3");
    cr_expect_str_eq(cpumap_str(0x06, 0, 4), "1-2");
    cr_expect_str_eq(cpumap_str(0x0e, 0x01, 12), "1-3,8");
}

Test(sched_xl, cpumap_parsed_as_xl)
{
    uint8_t m[4];

    cr_assert_eq(xl_parse_cpumap("all", m, sizeof(m)), 0);
    cr_expect_eq(m[0] & m[1] & m[2] & m[3], 0xff);
    cr_assert_eq(xl_parse_cpumap("0-3", m, sizeof(m)), 0);
    cr_expect_eq(m[0], 0x0f);
    cr_assert_eq(xl_parse_cpumap("0,2,9", m, sizeof(m)), 0);
    cr_expect(m[0] == 0x05 && m[1] == 0x02);
    cr_assert_eq(xl_parse_cpumap("0-3,^1", m, sizeof(m)), 0);
    cr_expect_eq(m[0], 0x0d);
    cr_assert_eq(xl_parse_cpumap("all,^0", m, sizeof(m)), 0);
    cr_expect_eq(m[0], 0xfe);
    cr_expect_eq(xl_parse_cpumap("x", m, sizeof(m)), -1);
    cr_expect_eq(xl_parse_cpumap("3-1", m, sizeof(m)), -1);
    cr_expect_eq(xl_parse_cpumap("1-", m, sizeof(m)), -1);
    cr_expect_eq(xl_parse_cpumap("32", m, sizeof(m)), -1, "beyond the map");
    cr_expect_eq(xl_parse_cpumap("", m, sizeof(m)), 0, "empty: none");
}

Test(sched_xl, vcpu_list_lines_as_xen_4_17)
{
    char buf[512];
    uint8_t all = 0x03, one = 0x02;
    struct xc_vcpuinfo run = { .online = true, .running = true, .cpu_time_ns = 12345678901ULL,
                               .cpu = 1 };
    struct xc_vcpuinfo blk = { .online = true, .blocked = true, .cpu_time_ns = 50000000 };
    struct xc_vcpuinfo off = { .online = false, .cpu_time_ns = 0 };
    FILE *f = fmemopen(buf, sizeof(buf), "w");

    xl_print_vcpu_line(f, "Domain-0", 0, 0, &run, &all, &all, 2);
    xl_print_vcpu_line(f, "guest", 3, 1, &blk, &one, &all, 2);
    xl_print_vcpu_line(f, "guest", 3, 2, &off, &all, &one, 2);
    fclose(f);
    cr_expect_str_eq(buf,
        "Domain-0                             0     0    1   r--      12.3  all / all\n"
        "guest                                3     1    0   -b-       0.1  1 / all\n"
        "guest                                3     2    -   --p       0.0  all / 1\n");
}

static int parse_str(const char *text, struct domain_config *cfg, struct xlcfg_error *err)
{
    return xlcfg_parse_buffer("t.cfg", text, strlen(text), NULL, 0, cfg, NULL, err);
}

Test(sched_xl, cfg_scheduling_keys)
{
    struct domain_config cfg;
    struct xlcfg_error err;

    cr_assert_eq(parse_str("name='d'\nkernel='/k'\nvcpus=2\nmaxvcpus=4\ncpus='0-1'\n"
                           "cpus_soft='^0,all'\ncpu_weight=512\ncap=150\n", &cfg, &err), 0,
                 "%s", err.msg);
    cr_expect_eq(cfg.vcpus, 2);
    cr_expect_eq(cfg.maxvcpus, 4);
    cr_expect(cfg.cpus_hard_set && cfg.cpus_soft_set);
    cr_expect_eq(cfg.cpus_hard[0][0], 0x03);
    cr_expect_eq(cfg.cpus_hard_n, 0, "one map for every vCPU");
    cr_expect_eq(cfg.cpus_soft[0][0], 0xff, "'^0,all' ends with all");
    cr_expect_eq(cfg.cpu_weight, 512);
    cr_expect_eq(cfg.cap, 150);

    cr_assert_eq(parse_str("name='d'\nkernel='/k'\nvcpus=2\ncpus=['1', '0-1']\n", &cfg, &err),
                 0, "%s", err.msg);
    cr_expect_eq(cfg.cpus_hard_n, 2, "one map per vCPU");
    cr_expect_eq(cfg.cpus_hard[0][0], 0x02);
    cr_expect_eq(cfg.cpus_hard[1][0], 0x03);

    cr_assert_eq(parse_str("name='d'\nkernel='/k'\n", &cfg, &err), 0);
    cr_expect(!cfg.cpus_hard_set && !cfg.cpus_soft_set);
    cr_expect_eq(cfg.cpu_weight, 0, "not given: the hypervisor's 256 stays");
    cr_expect_eq(cfg.cap, 0);

    cr_expect_neq(parse_str("name='d'\nkernel='/k'\ncpu_weight=0\n", &cfg, &err), 0);
    cr_expect(strstr(err.msg, "cpu_weight") || strstr(err.msg, "out of range"), "%s", err.msg);
    cr_expect_neq(parse_str("name='d'\nkernel='/k'\ncpu_weight=65536\n", &cfg, &err), 0);
    cr_expect_neq(parse_str("name='d'\nkernel='/k'\nvcpus=2\ncap=201\n", &cfg, &err), 0,
                  "cap above 100 per vCPU");
    cr_expect_neq(parse_str("name='d'\nkernel='/k'\ncpus='0-x'\n", &cfg, &err), 0);
    cr_expect(strstr(err.msg, "CPU list"), "%s", err.msg);
}
