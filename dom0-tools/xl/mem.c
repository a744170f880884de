/*
 * mem.c — a domain's memory while it runs: `xl mem-set' (the balloon
 * target the guest's balloon driver follows), `xl mem-max' (the ceiling)
 * and xl create's autoballoon, which takes memory from dom0 when the host
 * has too little free for a new guest.  All as Xen 4.17's xl and libxl;
 * where we differ (mem-max also records memory/static-max, a floor for
 * guest targets) docs/xl.md says so.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xl.h"

#define FOREACH_OPT(opt, opts, longopts, cmd, nreq)                          \
    while (((opt) = xl_getopt(argc, argv, (opts), (longopts), (cmd),        \
                              (nreq))) != -1)                               \
        switch (opt)

/* ------------------------------------------------------------ mem-set */

int xl_cmd_memset(int argc, char **argv)
{
    struct errbuf eb = { 0 };
    const char *mem;
    uint32_t domid;
    int64_t kb;
    int opt;

    FOREACH_OPT(opt, "", NULL, "mem-set", 2) {
    }
    domid = xl_find_domain(argv[optind]);
    mem = argv[optind + 1];
    kb = xl_parse_mem_kb(mem);
    if (kb < 0) {
        fprintf(stderr, "invalid memory size: %s\n", mem);
        return EXIT_FAILURE;
    }
    if (domain_set_memory_target(domid, kb, false, true, &eb)) {
        fprintf(stderr, "%s\n", eb.msg[0] ? eb.msg : strerror(-eb.err));
        fprintf(stderr, "cannot set domid %u dynamic max memory to : %s\n",
                domid, mem);
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}

/* ------------------------------------------------------------ mem-max */

int xl_cmd_memmax(int argc, char **argv)
{
    struct domain_info d;
    struct errbuf eb = { 0 };
    uint64_t target;
    const char *mem;
    uint32_t domid;
    int64_t kb;
    int opt;

    FOREACH_OPT(opt, "", NULL, "mem-max", 2) {
    }
    domid = xl_find_domain(argv[optind]);
    mem = argv[optind + 1];
    kb = xl_parse_mem_kb(mem);
    if (kb < 0) {
        fprintf(stderr, "invalid memory size: %s\n", mem);
        return EXIT_FAILURE;
    }
    if (domain_get_info(domid, &d, &eb) || d.domid != domid) {
        fprintf(stderr, "domain %u does not exist\n", domid);
        goto fail;
    }
    /* libxl compares with the balloon target, not what the guest holds
     * at this instant (it may be on its way down) */
    eb.msg[0] = 0;
    if (domain_get_memory_target(domid, &target, NULL, &eb)) {
        fprintf(stderr, "%s\n", eb.msg);
        goto fail;
    }
    if ((uint64_t)kb < target) {
        fprintf(stderr, "domain %u: memory_static_max (%" PRId64 " KiB) must be "
                "greater than or equal to its memory target (%" PRIu64 " KiB, "
                "lower it with xl mem-set first)\n", domid, kb, target);
        goto fail;
    }
    if (domain_set_maxmem(domid, (uint64_t)kb, &eb)) {
        fprintf(stderr, "%s\n", eb.msg);
        goto fail;
    }
    return EXIT_SUCCESS;
fail:
    fprintf(stderr, "cannot set domid %u static max memory to : %s\n", domid,
            mem);
    return EXIT_FAILURE;
}

/* ------------------------------------------------------------ autoballoon */

int xl_autoballoon_mode(const char *conf)
{
    const char *p = conf;
    int mode = XL_AUTOBALLOON_AUTO;

    /* the last `autoballoon = ...' line of xl.conf wins, as in xl */
    while (p && *p) {
        const char *eol = strchr(p, '\n'), *q = p;
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        char val[16];
        size_t k = 0;

        while (q < p + n && isspace((unsigned char)*q))
            q++;
        if (!strncmp(q, "autoballoon", 11)) {
            q += 11;
            while (q < p + n && isspace((unsigned char)*q))
                q++;
            if (q < p + n && *q == '=') {
                q++;
                while (q < p + n && (isspace((unsigned char)*q) || *q == '"' || *q == '\''))
                    q++;
                while (q < p + n && k < sizeof(val) - 1 && (isalnum((unsigned char)*q)))
                    val[k++] = *q++;
                val[k] = 0;
                if (!strcmp(val, "on") || !strcmp(val, "1"))
                    mode = XL_AUTOBALLOON_ON;
                else if (!strcmp(val, "off") || !strcmp(val, "0"))
                    mode = XL_AUTOBALLOON_OFF;
                else if (!strcmp(val, "auto"))
                    mode = XL_AUTOBALLOON_AUTO;
            }
        }
        p = eol ? eol + 1 : NULL;
    }
    return mode;
}

bool xl_autoballoon_enabled(int mode, const char *xen_cmdline)
{
    const char *p = xen_cmdline;

    if (mode != XL_AUTOBALLOON_AUTO)
        return mode == XL_AUTOBALLOON_ON;
    /* "auto": off when the administrator sized dom0 (dom0_mem= given) */
    while (p && (p = strstr(p, "dom0_mem=")) != NULL) {
        if (p == xen_cmdline || p[-1] == ' ')
            return false;
        p++;
    }
    return true;
}

uint64_t xl_need_memory_kb(uint64_t memory_mb)
{
    /* libxl__domain_need_memory_calculate for PV: target + 1 MiB, up to 2 MiB */
    uint64_t kb = memory_mb * 1024 + 1024;

    return (kb + 2047) & ~(uint64_t)2047;
}

static char *read_conf(void)
{
    const char *path = getenv("XL_CONF") ? getenv("XL_CONF") : "/etc/xen/xl.conf";
    FILE *f = fopen(path, "r");
    char *buf;
    size_t n;

    if (!f)
        return NULL;
    buf = calloc(1, 65536);
    if (buf) {
        n = fread(buf, 1, 65535, f);
        buf[n] = 0;
    }
    fclose(f);
    return buf;
}

bool xl_freemem(const struct domain_config *cfg)
{
    struct host_info hi;
    struct errbuf eb = { 0 };
    uint64_t need = xl_need_memory_kb(cfg->memory_mb), free_kb;
    double credit = 30;
    char *conf;
    int mode;

    conf = read_conf();
    mode = xl_autoballoon_mode(conf);
    free(conf);
    if (mode == XL_AUTOBALLOON_AUTO && host_get_info(&hi, NULL) == 0)
        mode = xl_autoballoon_enabled(mode, hi.ver.commandline) ? XL_AUTOBALLOON_ON
                                                                 : XL_AUTOBALLOON_OFF;
    if (mode != XL_AUTOBALLOON_ON)
        return true;
    for (;;) {
        time_t start;

        if (host_free_memory_kb(&free_kb, &eb))
            break;
        if (free_kb >= need)
            return true;
        if (credit <= 0)
            break;
        if (xl_verbose)
            fprintf(stderr, "autoballoon: %" PRIu64 " KiB free, %" PRIu64 " KiB "
                    "needed: taking the difference from dom0\n", free_kb, need);
        if (domain_set_memory_target(0, -(int64_t)(need - free_kb), true, false, &eb))
            break;
        start = time(NULL);
        if (domain_wait_memory_target(0, 10, &eb))
            break;
        credit -= difftime(time(NULL), start);
    }
    if (eb.msg[0])
        fprintf(stderr, "autoballoon: %s\n", eb.msg);
    return false;
}

/* ------------------------------------------------------------ list -l */

void xl_list_long_memory(json_t *stored, uint32_t domid)
{
    json_t *b_info = json_object_get(stored, "b_info");
    uint64_t target, smax;

    if (!b_info || domain_get_memory_target(domid, &target, &smax, NULL))
        return;
    if (json_object_get(b_info, "target_memkb"))
        json_object_set_new(b_info, "target_memkb", json_integer((json_int_t)target));
    if (json_object_get(b_info, "max_memkb"))
        json_object_set_new(b_info, "max_memkb", json_integer((json_int_t)smax));
}
