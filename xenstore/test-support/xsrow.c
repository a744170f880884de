/*
 * xsrow.c - repeat one kind of xenstore request so that an outside counter
 * (perf stat on the daemon and on this process) can price it per request.
 * Used by tests/bench/41-xenstore-syscalls.sh.
 *
 * Only libxenstore's public API, so the same source builds against Debian's
 * library (what libxl uses) or ours.  The connection is chosen as xs_open(0)
 * does (XENSTORED_PATH).  Setup (the nodes a row needs) happens first; then
 * the program prints "ready" and waits for one line on stdin, so the counters
 * can be attached before the measured loop and the setup is not counted.
 *
 * Usage: xsrow ROW N
 *   read      READ of a 5-byte value                     1 request per op
 *   overwrite WRITE of an existing node                  1 request
 *   dir10     DIRECTORY of 10 children                   1 request
 *   dir10k    xs_directory of 10,000 children            many (E2BIG, parts)
 *   tx        TRANSACTION_START, 10 WRITEs, END          12 requests
 *   watch     WRITE by one handle, its event read by another
 * Prints "ROW N: <us>/op" (wall clock, for orientation only) and exits 0 if
 * every request succeeded.  Run it against a daemon started for it: it
 * leaves /xsrow behind.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xenstore.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int one(struct xs_handle *h, struct xs_handle *w, const char *row,
               unsigned i)
{
    char p[64], v[32];
    unsigned len, num, k;
    void *r;

    if (!strcmp(row, "read"))
        r = xs_read(h, XBT_NULL, "/xsrow/k", &len);
    else if (!strcmp(row, "overwrite"))
        return xs_write(h, XBT_NULL, "/xsrow/k", "x", 1) ? 0 : -1;
    else if (!strcmp(row, "dir10"))
        r = xs_directory(h, XBT_NULL, "/xsrow/d", &num);
    else if (!strcmp(row, "dir10k")) {
        r = xs_directory(h, XBT_NULL, "/xsrow/kv", &num);
        if (r && num != 10000) {
            free(r);
            return -1;
        }
    } else if (!strcmp(row, "tx")) {
        xs_transaction_t t;
        for (;;) {
            t = xs_transaction_start(h);
            if (t == XBT_NULL)
                return -1;
            for (k = 0; k < 10; k++) {
                snprintf(p, sizeof(p), "/xsrow/t/%u", k);
                snprintf(v, sizeof(v), "%u", i);
                if (!xs_write(h, t, p, v, strlen(v))) {
                    xs_transaction_end(h, t, true);
                    return -1;
                }
            }
            if (xs_transaction_end(h, t, false))
                return 0;
        }
    } else if (!strcmp(row, "watch")) {
        snprintf(v, sizeof(v), "%u", i);
        if (!xs_write(h, XBT_NULL, "/xsrow/w/n", v, strlen(v)))
            return -1;
        for (;;) {
            char **e = xs_read_watch(w, &num);
            int match;
            if (!e)
                return -1;
            match = !strcmp(e[XS_WATCH_PATH], "/xsrow/w/n");
            free(e);
            if (match)
                return 0;
        }
    } else
        return -2;
    free(r);
    return r ? 0 : -1;
}

int main(int argc, char **argv)
{
    struct xs_handle *h, *w = NULL;
    unsigned i, n, num;
    char p[64], line[8];
    double t0;
    int rc;

    if (argc != 3 || !(n = strtoul(argv[2], NULL, 0))) {
        fprintf(stderr, "usage: xsrow read|overwrite|dir10|dir10k|tx|watch N\n");
        return 2;
    }
    h = xs_open(0);
    if (!h) {
        perror("xs_open");
        return 1;
    }
    xs_rm(h, XBT_NULL, "/xsrow");
    if (!xs_write(h, XBT_NULL, "/xsrow/k", "hello", 5))
        goto setup;
    for (i = 0; i < 10; i++) {
        snprintf(p, sizeof(p), "/xsrow/d/%u", i);
        if (!xs_write(h, XBT_NULL, p, "", 0))
            goto setup;
    }
    if (!strcmp(argv[1], "dir10k"))
        for (i = 0; i < 10000; i++) {
            snprintf(p, sizeof(p), "/xsrow/kv/%u", i);
            if (!xs_write(h, XBT_NULL, p, "v", 1))
                goto setup;
        }
    if (!strcmp(argv[1], "watch")) {
        char **e;
        w = xs_open(0);
        if (!w || !xs_write(h, XBT_NULL, "/xsrow/w", "", 0) ||
            !xs_watch(w, "/xsrow/w", "tok"))
            goto setup;
        e = xs_read_watch(w, &num);   /* the initial event */
        if (!e)
            goto setup;
        free(e);
    }
    /* one warm-up op, then wait for the counters */
    rc = one(h, w, argv[1], 0);
    if (rc == -2) {
        fprintf(stderr, "xsrow: unknown row %s\n", argv[1]);
        return 2;
    }
    printf("ready\n");
    fflush(stdout);
    if (!fgets(line, sizeof(line), stdin))
        return 1;
    t0 = now();
    for (i = 0; i < n && rc == 0; i++)
        rc = one(h, w, argv[1], i + 1);
    printf("%s %u: %.1f us/op%s\n", argv[1], n, (now() - t0) / n * 1e6,
           rc ? " FAILED" : "");
    /* no clean-up: the daemon is thrown away, and removing 10,000 nodes
     * (seconds in C xenstored) would be counted */
    if (w)
        xs_close(w);
    xs_close(h);
    return rc ? 1 : 0;
setup:
    perror("xsrow: setup");
    return 1;
}
