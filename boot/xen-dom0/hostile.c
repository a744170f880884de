/*
 * hostile.c — the hostile guest of suite 61's toolstack_hostile mode
 * (boot/xen-dom0/domu-init.sh), attacking dom0's daemons through what every
 * guest has, as fast as the guest can:
 *
 *   1. xenstore, raw requests on /dev/xen/xenbus one at a time:
 *      XS_WRITE data/g<i/50>/n<i> = "x" until xenstored refuses one: its
 *      nodes quota (1000 per domain).  Spread over groups of 50 so that no
 *      parent's child list reaches the node-size quota (2048 bytes) first,
 *      which a flat data/<i> flood hits after about 200 children.
 *      "DOMU-XSFLOOD nodes tried=<i> last=<OK|error name>".
 *   2. XS_WATCH data/w<i> token t<i> until refused (its watches quota):
 *      "DOMU-XSFLOOD watches tried=<i> last=<...>".  Linux's xenbus device
 *      answers a watch request itself once xenstored has: a refused watch
 *      fails the write(2) with xenstored's errno and queues no reply.
 *   3. "DOMU-FLOOD start", then its console for good: one short write(2)
 *      after another, each a notification on xenconsoled's event channel,
 *      until the toolstack destroys it.
 *
 * A shell loop did this before, a few forks per xenstore request: under TCG
 * on a loaded host a thousand requests took longer than the suite waits, and
 * its console lines came too slowly to reach xenconsoled's rate limit.  No
 * libc (raw system calls, -nostdlib): a few KiB in every toolstack domU.
 */
#include <stdint.h>

#define XS_WATCH        4
#define XS_WRITE        11
#define XS_WATCH_EVENT  15
#define XS_ERROR        16

#define NODES_MAX       1500
#define WATCHES_MAX     400

struct xsd_sockmsg { uint32_t type, req_id, tx_id, len; };

static long sys3(long nr, long a, long b, long c)
{
    long r;

    __asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return r;
}
#define sys_read(fd, b, n)   sys3(0, (fd), (long)(b), (n))
#define sys_write(fd, b, n)  sys3(1, (fd), (long)(b), (n))
#define sys_open(p, f)       sys3(2, (long)(p), (f), 0)

static unsigned long slen(const char *s)
{
    unsigned long n = 0;

    while (s[n])
        n++;
    return n;
}

/* Append s at *p; returns the new end. */
static char *put(char *p, const char *s)
{
    while (*s)
        *p++ = *s++;
    return p;
}

static char *put_uint(char *p, unsigned long v)
{
    char tmp[24];
    int n = 0;

    do
        tmp[n++] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    while (n)
        *p++ = tmp[--n];
    return p;
}

static void say(const char *s)
{
    sys_write(1, s, slen(s));
}

static int fd;
static char rbuf[8192];
static unsigned long rlen;

/*
 * Send one request (payload of plen bytes) and wait for its reply, skipping
 * watch events.  Writes the outcome ("OK", xenstored's error name, or
 * "WRITE-REFUSED:<errno>" when the write itself failed) into out.
 */
static void request(uint32_t type, const char *payload, uint32_t plen, char *out)
{
    static uint32_t req_id;
    char msg[sizeof(struct xsd_sockmsg) + 256];
    struct xsd_sockmsg *h = (struct xsd_sockmsg *)msg;
    long r;

    *h = (struct xsd_sockmsg){ .type = type, .req_id = ++req_id, .len = plen };
    for (uint32_t i = 0; i < plen; i++)
        msg[sizeof(*h) + i] = payload[i];
    r = sys_write(fd, msg, sizeof(*h) + plen);
    if (r < 0) {
        char *p = put(out, r == -7 ? "E2BIG" : "WRITE-REFUSED:");

        if (r != -7)
            p = put_uint(p, (unsigned long)-r);
        *p = 0;
        return;
    }
    for (;;) {
        struct xsd_sockmsg rh;
        unsigned long whole;

        if (rlen >= sizeof(rh) && ((struct xsd_sockmsg *)rbuf)->len > sizeof(rbuf) - sizeof(rh)) {
            put(out, "REPLY-TOO-LONG")[0] = 0;
            return;
        }
        while (rlen < sizeof(rh) ||
               rlen < sizeof(rh) + ((struct xsd_sockmsg *)rbuf)->len) {
            r = sys_read(fd, rbuf + rlen, sizeof(rbuf) - rlen);
            if (r <= 0) {
                put(out, "READ-FAILED")[0] = 0;
                return;
            }
            rlen += (unsigned long)r;
        }
        rh = *(struct xsd_sockmsg *)rbuf;
        whole = sizeof(rh) + rh.len;
        if (rh.type != XS_WATCH_EVENT) {
            const char *body = rbuf + sizeof(rh);
            char *p = out;

            if (rh.type == XS_ERROR)
                for (uint32_t i = 0; i < rh.len && body[i] && i < 31; i++)
                    *p++ = body[i];
            else
                p = put(p, "OK");
            *p = 0;
        }
        for (unsigned long i = whole; i < rlen; i++)
            rbuf[i - whole] = rbuf[i];
        rlen -= whole;
        if (rh.type != XS_WATCH_EVENT)
            return;
    }
}

static int is_ok(const char *s)
{
    return s[0] == 'O' && s[1] == 'K' && s[2] == 0;
}

static void report(const char *what, unsigned long tried, const char *last)
{
    char line[128], *p = line;

    p = put(p, "DOMU-XSFLOOD ");
    p = put(p, what);
    p = put(p, " tried=");
    p = put_uint(p, tried);
    p = put(p, " last=");
    p = put(p, last);
    p = put(p, "\n");
    sys_write(1, line, (unsigned long)(p - line));
}

/* Entered by a jump, not a call: realign the stack for the compiler. */
/* Steps 1 and 2: nodes, then watches, each until refused. */
static void flood_xenstore(void)
{
    char last[32], pl[64], *p;
    unsigned long i;

    put(last, "OK")[0] = 0;
    for (i = 0; is_ok(last) && i < NODES_MAX;) {
        i++;
        p = put_uint(put(put_uint(put(pl, "data/g"), i / 50), "/n"), i);
        *p++ = 0;
        *p++ = 'x';
        request(XS_WRITE, pl, (uint32_t)(p - pl), last);
    }
    report("nodes", i, last);
    put(last, "OK")[0] = 0;
    for (i = 0; is_ok(last) && i < WATCHES_MAX;) {
        i++;
        p = put_uint(put(pl, "data/w"), i);
        *p++ = 0;
        p = put_uint(put(p, "t"), i);
        *p++ = 0;
        request(XS_WATCH, pl, (uint32_t)(p - pl), last);
    }
    report("watches", i, last);
}

void _start(void) __attribute__((force_align_arg_pointer));
void _start(void)
{
    fd = (int)sys_open("/dev/xen/xenbus", 2);
    if (fd < 0)
        say("DOMU-XSFLOOD cannot open /dev/xen/xenbus\n");
    else
        flood_xenstore();
    say("DOMU-FLOOD start\n");
    for (;;)
        say("DOMU-FLOOD x\n");
}
