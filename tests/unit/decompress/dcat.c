/*
 * dcat.c — command-line front end to the hypervisor's decompressors, built
 * for the host: decompresses a file (xz or gzip, found by magic; with -x
 * the first xz stream inside the file, e.g. a bzImage's payload) to stdout
 * or just checks it.  With -x on a bzImage the setup header locates the
 * payload (which ends with Linux's 4-byte appended size).  Used by the unit-test suite, the benchmark and for
 * reproducing fuzzer findings by hand.
 *
 *   dcat [-x] [-n] [-r N] FILE    -n: no output; -r N: repeat N times and
 *                                 print the best time to stderr
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xen/decompress.h>

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int read_file(const char *path, unsigned char **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 1 << 20, n = 0, r;
    unsigned char *b = malloc(cap);

    if (!f || !b) {
        perror(path);
        free(b);
        if (f)
            fclose(f);
        return -1;
    }
    while ((r = fread(b + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            unsigned char *nb = realloc(b, cap *= 2);

            if (!nb) {
                free(b);
                fclose(f);
                return -1;
            }
            b = nb;
        }
    }
    fclose(f);
    *buf = b;
    *len = n;
    return 0;
}

int main(int argc, char **argv)
{
    static const unsigned char xzmagic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
    int scan = 0, quiet = 0, reps = 1, i, rc;
    unsigned char *in, *p, *out;
    size_t in_len, len, size, out_len, used;
    const char *why = "";
    double best = 1e9;
    void *ws;

    while (argc > 2 && argv[1][0] == '-') {
        if (!strcmp(argv[1], "-x"))
            scan = 1;
        else if (!strcmp(argv[1], "-n"))
            quiet = 1;
        else if (!strcmp(argv[1], "-r") && argc > 3) {
            reps = atoi(argv[2]);
            argv++;
            argc--;
        } else
            break;
        argv++;
        argc--;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: dcat [-x] [-n] [-r N] FILE\n");
        return 2;
    }
    if (read_file(argv[1], &in, &in_len))
        return 1;
    p = in;
    len = in_len;
    if (scan && in_len > 0x250 && !memcmp(in + 0x202, "HdrS", 4)) {
        /* bzImage: the setup header says where the payload is */
        size_t off = ((size_t)in[0x1f1] + 1) * 512 +
                     (in[0x248] | in[0x249] << 8 | in[0x24a] << 16 |
                      (size_t)in[0x24b] << 24);
        size_t plen = in[0x24c] | in[0x24d] << 8 | in[0x24e] << 16 |
                      (size_t)in[0x24f] << 24;

        if (off > in_len || plen > in_len - off) {
            fprintf(stderr, "dcat: bad bzImage payload fields\n");
            return 1;
        }
        p = in + off;
        len = plen;
    } else if (scan) {
        unsigned char *m = memmem(in, in_len, xzmagic, sizeof(xzmagic));

        if (!m) {
            fprintf(stderr, "dcat: no xz stream in %s\n", argv[1]);
            return 1;
        }
        p = m;
        len = in_len - (size_t)(m - in);
    }
    rc = decompress_size(p, len, &size, &why);
    if (rc) {
        fprintf(stderr, "dcat: size: %s (%d)\n", why, rc);
        return 1;
    }
    out = malloc(size ? size : 1);
    ws = malloc(decompress_workspace_size());
    if (!out || !ws)
        return 1;
    for (i = 0; i < reps; i++) {
        double t = now();

        rc = decompress_ex(p, len, out, size, &out_len, &used, ws,
                           decompress_workspace_size(), &why);
        t = now() - t;
        if (t < best)
            best = t;
        if (rc) {
            fprintf(stderr, "dcat: %s (%d)\n", why, rc);
            return 1;
        }
    }
    if (reps > 1)
        fprintf(stderr, "dcat: %zu -> %zu bytes, best %.3f s, %.1f MB/s\n",
                used, out_len, best, out_len / best / 1e6);
    if (!quiet && fwrite(out, 1, out_len, stdout) != out_len)
        return 1;
    return 0;
}
