/*
 * xenstore_client.c - the xenstore-* command line tools as one multi-call
 * binary: `xenstore-read ...` (via a symlink) or `xenstore read ...`.
 * Flags, output and exit codes follow Debian's xenstore-utils 4.17:
 *   read [-p] [-R] [-s] key...      write [-R] [-s] key value...
 *   rm [-t] [-s] key...             exists [-s] key
 *   list [-p] [-s] key...           ls [-f] [-p] [-s] [path]
 *   chmod [-u] [-r] [-s] key perm...  watch [-n NR] [-s] key
 * Several keys are handled inside one transaction, retried on EAGAIN.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "xenstore.h"

enum mode { M_NONE, M_CHMOD, M_EXISTS, M_LIST, M_LS, M_READ, M_RM, M_WRITE,
            M_WATCH };

static const struct { const char *name; enum mode m; } modes[] = {
    { "chmod", M_CHMOD }, { "exists", M_EXISTS }, { "list", M_LIST },
    { "ls", M_LS }, { "read", M_READ }, { "rm", M_RM }, { "write", M_WRITE },
    { "watch", M_WATCH },
};

/* Output is collected and printed only once the transaction committed. */
static char *obuf;
static size_t olen, ocap;

static void out_raw(const char *p, size_t n)
{
    if (olen + n > ocap) {
        ocap = (olen + n) * 2 + 1024;
        obuf = realloc(obuf, ocap);
        if (!obuf)
            err(1, "malloc");
    }
    memcpy(obuf + olen, p, n);
    olen += n;
}

static void out(const char *fmt, ...)
{
    va_list ap;
    char *s;
    int n;
    va_start(ap, fmt);
    n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0)
        err(1, "output");
    out_raw(s, n);
    free(s);
}

/* Printable form of a value: \t \n \r \\, \ooo below 8, \xNN otherwise. */
static char *sanitise(const char *v, unsigned len)
{
    char *s = malloc((size_t)len * 4 + 1), *p = s;
    unsigned i;
    if (!s)
        err(1, "malloc");
    for (i = 0; i < len; i++) {
        unsigned char c = v[i];
        if (c >= ' ' && c <= '~' && c != '\\') {
            *p++ = c;
            continue;
        }
        *p++ = '\\';
        switch (c) {
        case '\t': *p++ = 't'; break;
        case '\n': *p++ = 'n'; break;
        case '\r': *p++ = 'r'; break;
        case '\\': *p++ = '\\'; break;
        default:
            p += sprintf(p, c < 8 ? "%03o" : "x%02x", c);
        }
    }
    *p = 0;
    return s;
}

/* Inverse of sanitise() for values given on the command line. */
static char *unsanitise(const char *in, unsigned *len)
{
    char *o = malloc(strlen(in) + 1), *op = o;
    const char *ip = in;
    if (!o)
        err(1, "malloc");
    while (*ip) {
        unsigned c = (unsigned char)*ip++;
        if (c == '\\') {
            int n = 0;
            c = (unsigned char)*ip++;
            switch (c) {
            case 't': c = '\t'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case '\\': c = '\\'; break;
            case 'x':
                if (sscanf(ip, "%2x%n", &c, &n) < 1)
                    c = 'x';
                ip += n;
                break;
            case '0': case '1': case '2': case '3':
            case '4': case '5': case '6': case '7':
                ip--;
                sscanf(ip, "%3o%n", &c, &n);
                ip += n;
                break;
            case 0:
                ip--;
                c = '\\';
                break;
            default:
                break;
            }
        }
        *op++ = c;
    }
    *op = 0;
    *len = op - o;
    return o;
}

static void usage(int code, enum mode m, const char *prog, bool incl)
{
    const char *ms = "";
    int i;
    if (incl)
        for (i = 0; i < (int)(sizeof(modes) / sizeof(modes[0])); i++)
            if (modes[i].m == m)
                ms = modes[i].name;
    switch (m) {
    case M_NONE:
        errx(code, "Usage: %s <mode> [-h] [...]", prog);
    case M_READ:
        errx(code, "Usage: %s %s%s[-h] [-p] [-s] [-R] key [...]", prog, ms, incl ? " " : "");
    case M_WRITE:
        errx(code, "Usage: %s %s%s[-h] [-s] [-R] key value [...]", prog, ms, incl ? " " : "");
    case M_RM:
        errx(code, "Usage: %s %s%s[-h] [-s] [-t] key [...]", prog, ms, incl ? " " : "");
    case M_EXISTS:
    case M_LIST:
        errx(code, "Usage: %s %s%s[-h] [-p] [-s] key [...]", prog, ms, incl ? " " : "");
    case M_LS:
        errx(code, "Usage: %s %s%s[-h] [-f] [-p] [-s] [path]", prog, ms, incl ? " " : "");
    case M_CHMOD:
        errx(code, "Usage: %s %s%s[-h] [-u] [-r] [-s] key <mode [modes...]>", prog, ms, incl ? " " : "");
    case M_WATCH:
        errx(code, "Usage: %s %s%s[-h] [-n NR] [-s] key", prog, ms, incl ? " " : "");
    }
    exit(code);
}

/* ---- ls ------------------------------------------------------------------ */

static int max_width = 80, desired_width = 60, whole_path;
#define TAG " = \"...\""
#define TAG_LEN ((int)strlen(TAG))

static void do_ls(struct xs_handle *h, const char *path, int depth, int perms)
{
    unsigned num, i, len;
    char **e = xs_directory(h, XBT_NULL, path, &num);
    size_t pl = strlen(path);

    if (!e) {
        if (depth && errno == ENOENT)
            return;     /* removed while we walked */
        err(1, "xs_directory (%s)", path);
    }
    for (i = 0; i < num; i++) {
        char *np, *val;
        int w = 0;
        if (asprintf(&np, "%s%s%s", path, pl && path[pl - 1] == '/' ? "" : "/",
                     e[i]) < 0)
            err(1, "malloc");
        if (whole_path) {
            fputs(np, stdout);
            w = strlen(np);
        } else {
            for (; w < depth; w++)
                putchar(' ');
            w += printf("%.*s", max_width - TAG_LEN - w > 0 ?
                        max_width - TAG_LEN - w : 0, e[i]);
        }
        val = xs_read(h, XBT_NULL, np, &len);
        if (!val) {
            printf(":\n");
        } else {
            char *s = sanitise(val, len);
            if (max_width < w + (int)len + TAG_LEN) {
                printf(" = \"%.*s\\...\"", max_width - TAG_LEN - w > 0 ?
                       max_width - TAG_LEN - w : 0, s);
            } else {
                w += printf(" = \"%s\"", s);
                if (perms) {
                    putchar(' ');
                    for (w++; w < (desired_width < max_width ?
                                   desired_width : max_width); w++)
                        putchar((w & 1) ? '.' : ' ');
                }
            }
            free(s);
        }
        if (perms) {
            unsigned np_n, j;
            struct xs_permissions *p = xs_get_permissions(h, XBT_NULL, np,
                                                          &np_n);
            if (!p) {
                warn("\ncould not access permissions for %s", e[i]);
            } else {
                fputs("  (", stdout);
                for (j = 0; j < np_n; j++) {
                    char b[MAX_STRLEN(unsigned) + 2];
                    if (j)
                        putchar(',');
                    xs_perm_to_string(&p[j], b, sizeof(b));
                    fputs(b, stdout);
                }
                putchar(')');
                free(p);
            }
        }
        putchar('\n');
        free(val);
        do_ls(h, np, depth + 1, perms);
        free(np);
    }
    free(e);
}

/* ---- chmod ----------------------------------------------------------------- */

static void do_chmod(struct xs_handle *h, xs_transaction_t t, char *path,
                     struct xs_permissions *p, int n, int upto, int recurse)
{
    if (!path[0])
        return;
    if (!xs_set_permissions(h, t, path, p, n))
        err(1, "Error occurred setting permissions on '%s'", path);
    if (upto) {
        char *s = strrchr(path, '/');
        if (!s)
            errx(1, "Unable to locate path separator '/' in '%s'", path);
        *s = 0;
        do_chmod(h, t, path, p, n, 1, 0);
        *s = '/';
    }
    if (recurse) {
        unsigned num, i;
        char **e = xs_directory(h, t, path, &num);
        for (i = 0; e && i < num; i++) {
            char *c;
            if (asprintf(&c, "%s/%s", path, e[i]) < 0)
                err(1, "malloc");
            do_chmod(h, t, c, p, n, 0, 1);
            free(c);
        }
        free(e);
    }
}

/* ---- one pass over the keys ----------------------------------------------------- */

struct opts {
    int prefix, tidy, upto, recurse, raw, nr_watches;
};

static int perform(enum mode m, int argc, char **argv, struct xs_handle *h,
                   xs_transaction_t t, const struct opts *o)
{
    int i = 0;

    if (m == M_LS && argc == 0) {
        do_ls(h, "/", 0, o->prefix);
        return 0;
    }
    while (i < argc) {
        switch (m) {
        case M_READ: {
            unsigned len;
            char *v = xs_read(h, t, argv[i], &len);
            if (!v) {
                warnx("couldn't read path %s", argv[i]);
                return 1;
            }
            if (o->prefix)
                out("%s: ", argv[i]);
            if (o->raw) {
                out_raw(v, len);
            } else {
                char *s = sanitise(v, len);
                out("%s\n", s);
                free(s);
            }
            free(v);
            i++;
            break;
        }
        case M_WRITE: {
            unsigned len;
            char *v;
            bool ok;
            if (o->raw) {
                v = strdup(argv[i + 1]);
                len = strlen(argv[i + 1]);
            } else {
                v = unsanitise(argv[i + 1], &len);
            }
            ok = xs_write(h, t, argv[i], v, len);
            free(v);
            if (!ok) {
                warnx("could not write path %s", argv[i]);
                return 1;
            }
            i += 2;
            break;
        }
        case M_RM: {
            char *p = strdup(argv[i]);
            if (!p)
                return 1;
            for (;;) {
                char *slash, *v;
                unsigned len, num;
                char **l;
                if (!xs_rm(h, t, p)) {
                    warnx("could not remove path %s", p);
                    free(p);
                    return 1;
                }
                if (!o->tidy)
                    break;
                /* -t: also remove parents left empty and valueless */
                slash = strrchr(p, '/');
                if (!slash)
                    break;
                *slash = 0;
                v = xs_read(h, t, p, &len);
                if (!v || len) {
                    free(v);
                    break;
                }
                free(v);
                l = xs_directory(h, t, p, &num);
                free(l);
                if (!l || num)
                    break;
            }
            free(p);
            i++;
            break;
        }
        case M_EXISTS: {
            char *v = xs_read(h, t, argv[i], NULL);
            if (!v)
                return 1;
            free(v);
            i++;
            break;
        }
        case M_LIST: {
            unsigned num, j;
            char **l = xs_directory(h, t, argv[i], &num);
            /* 4.17 prints "//name" for children of "/": keep that */
            const char *pref = argv[i];
            if (!l) {
                warnx("could not list path %s", argv[i]);
                return 1;
            }
            for (j = 0; j < num; j++) {
                if (o->prefix)
                    out("%s/", pref);
                out("%s\n", l[j]);
            }
            free(l);
            i++;
            break;
        }
        case M_LS:
            do_ls(h, argv[i], 0, o->prefix);
            i++;
            break;
        case M_CHMOD: {
            char *path = argv[i++];
            int n = argc - i, j;
            struct xs_permissions *p = calloc(n ? n : 1, sizeof(*p));
            if (!p)
                return 1;
            for (j = 0; j < n; j++) {
                p[j].id = atoi(argv[i + j] + 1);
                switch (argv[i + j][0]) {
                case 'n': p[j].perms = XS_PERM_NONE; break;
                case 'r': p[j].perms = XS_PERM_READ; break;
                case 'w': p[j].perms = XS_PERM_WRITE; break;
                case 'b': p[j].perms = XS_PERM_READ | XS_PERM_WRITE; break;
                default:
                    errx(1, "Invalid permission specification: '%c'",
                         argv[i + j][0]);
                }
            }
            do_chmod(h, t, path, p, n, o->upto, o->recurse);
            free(p);
            i = argc;
            break;
        }
        case M_WATCH: {
            int count;
            for (; i < argc; i++)
                if (!xs_watch(h, argv[i], argv[i]))
                    errx(1, "Unable to add watch on %s\n", argv[i]);
            for (count = 0; o->nr_watches == -1 || count < o->nr_watches;
                 count++) {
                unsigned num;
                char **v = xs_read_watch(h, &num);
                if (!v) {
                    if (errno == EINTR)
                        continue;
                    err(1, "xs_read_watch");
                }
                printf("%s\n", v[XS_WATCH_PATH]);
                fflush(stdout);
                free(v);
            }
            break;
        }
        case M_NONE:
            return 1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option lopts[] = {
        { "help", 0, NULL, 'h' }, { "flat", 0, NULL, 'f' },
        { "socket", 0, NULL, 's' }, { "prefix", 0, NULL, 'p' },
        { "tidy", 0, NULL, 't' }, { "upto", 0, NULL, 'u' },
        { "recurse", 0, NULL, 'r' }, { "number", 1, NULL, 'n' },
        { "raw", 0, NULL, 'R' }, { NULL, 0, NULL, 0 },
    };
    struct opts o = { .nr_watches = -1 };
    const char *cmd = strrchr(argv[0], '/');
    enum mode m = M_NONE;
    int sw, c, ret, transaction, socket_only = 0, nargs;
    unsigned i;
    struct xs_handle *h;
    xs_transaction_t t = XBT_NULL;
    char **args;

    cmd = cmd ? cmd + 1 : argv[0];
    if (!strncmp(cmd, "xenstore-", 9)) {
        sw = 0;
        cmd += 9;
    } else if (argc < 2) {
        usage(1, M_NONE, argv[0], false);
        return 1;
    } else {
        cmd = argv[1];
        sw = 1;
    }
    for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
        if (!strcmp(cmd, modes[i].name))
            m = modes[i].m;
    if (m == M_NONE)
        errx(1, "unknown mode %s\n", cmd);

    while ((c = getopt_long(argc - sw, argv + sw, "hfspturn:R", lopts,
                            NULL)) != -1) {
        switch (c) {
        case 'h':
            usage(0, m, argv[0], sw);
            break;
        case 'f':
            if (m != M_LS)
                usage(1, m, argv[0], sw);
            max_width = INT_MAX / 2;
            desired_width = 0;
            whole_path = 1;
            break;
        case 's':
            socket_only = 1;
            break;
        case 'p':
            if (m != M_READ && m != M_LIST && m != M_LS)
                usage(1, m, argv[0], sw);
            o.prefix = 1;
            break;
        case 't':
            if (m != M_RM)
                usage(1, m, argv[0], sw);
            o.tidy = 1;
            break;
        case 'u':
            if (m != M_CHMOD)
                usage(1, m, argv[0], sw);
            o.upto = 1;
            break;
        case 'r':
            if (m != M_CHMOD)
                usage(1, m, argv[0], sw);
            o.recurse = 1;
            break;
        case 'n':
            if (m != M_WATCH)
                usage(1, m, argv[0], sw);
            o.nr_watches = atoi(optarg);
            break;
        case 'R':
            if (m != M_READ && m != M_WRITE)
                usage(1, m, argv[0], sw);
            o.raw = 1;
            break;
        default:
            usage(1, m, argv[0], sw);
        }
    }
    args = argv + sw + optind;
    nargs = argc - sw - optind;
    if (m == M_WRITE && nargs % 2 == 1)
        usage(1, m, argv[0], sw);
    if (m != M_LS && nargs == 0)
        usage(1, m, argv[0], sw);

    switch (m) {
    case M_READ: transaction = nargs > 1; break;
    case M_WRITE: transaction = nargs > 2; break;
    case M_LS: case M_WATCH: transaction = 0; break;
    default: transaction = 1; break;
    }
    if (m == M_LS) {
        struct winsize ws;
        memset(&ws, 0, sizeof(ws));
        if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws))
            max_width = ws.ws_col - 2;
    }

    h = xs_open(socket_only ? XS_OPEN_SOCKETONLY : 0);
    if (!h)
        err(1, "xs_open");
again:
    if (transaction) {
        t = xs_transaction_start(h);
        if (t == XBT_NULL)
            errx(1, "couldn't start transaction");
    }
    ret = perform(m, nargs, args, h, t, &o);
    if (transaction && !xs_transaction_end(h, t, ret)) {
        if (ret == 0 && errno == EAGAIN) {
            olen = 0;
            goto again;
        }
        errx(1, "couldn't end transaction");
    }
    if (olen)
        fwrite(obuf, 1, olen, stdout);
    free(obuf);
    xs_close(h);
    return ret;
}
