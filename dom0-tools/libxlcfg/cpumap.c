/*
 * cpumap.c — CPU maps as xl writes them ("all", "0-3", "0,2", "^1" to take
 * one out), for xl.cfg's cpus= / cpus_soft= and xl vcpu-pin, and printed
 * back as xl's print_bitmap() does.
 */
#include <stdlib.h>
#include <string.h>
#include "xlcfg.h"

int xlcfg_parse_cpumap(const char *s, uint8_t *map, unsigned nbytes, const char **bad)
{
    char *copy, *tok, *save = NULL;
    static char badtok[64];
    int rc = 0;

    memset(map, 0, nbytes);
    if (!strcmp(s, "all")) {
        memset(map, 0xff, nbytes);
        return 0;
    }
    copy = strdup(s);
    if (!copy)
        return -1;
    for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        bool neg = tok[0] == '^';
        char *p = tok + neg, *end;
        unsigned long a, b;

        if (!strcmp(p, "all")) {
            memset(map, neg ? 0 : 0xff, nbytes);
            continue;
        }
        if (*p < '0' || *p > '9')
            goto bad;
        a = strtoul(p, &end, 10);
        b = a;
        if (*end == '-') {
            p = end + 1;
            if (*p < '0' || *p > '9')
                goto bad;
            b = strtoul(p, &end, 10);
        }
        if (*end || b < a || b >= nbytes * 8UL)
            goto bad;
        for (unsigned long i = a; i <= b; i++) {
            if (neg)
                map[i / 8] &= (uint8_t)~(1u << (i % 8));
            else
                map[i / 8] |= (uint8_t)(1u << (i % 8));
        }
    }
    goto out;
bad:
    snprintf(badtok, sizeof(badtok), "%s", tok);
    if (bad)
        *bad = badtok;
    rc = -1;
out:
    free(copy);
    return rc;
}

void xlcfg_print_cpumap(FILE *out, const uint8_t *map, unsigned nr)
{
    int first = -1;
    bool any = false;
    unsigned i;

    for (i = 0; i < nr; i++) {
        bool set = map[i / 8] & (1u << (i % 8));

        if (set && first < 0) {
            first = (int)i;
        } else if (!set && first >= 0) {
            fprintf(out, "%s%d", any ? "," : "", first);
            if ((int)i - 1 > first)
                fprintf(out, "-%u", i - 1);
            any = true;
            first = -1;
        }
    }
    if (first == 0 && !any) {
        fputs("all", out);
    } else if (first >= 0) {
        fprintf(out, "%s%d", any ? "," : "", first);
        if ((int)nr - 1 > first)
            fprintf(out, "-%u", nr - 1);
    } else if (!any) {
        fputs("none", out);
    }
}
