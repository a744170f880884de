/*
 * fuzz_xenstore.c - libFuzzer target for xenstored's message parser and
 * dispatcher.  Each input is a byte stream fed to a fresh daemon core over
 * two connections (privileged dom0 and unprivileged dom5, chosen per chunk),
 * split at points taken from the input itself so framing across reads is
 * exercised too.  Any crash, sanitizer report or leak is a bug; fixed ones
 * become tests in tests/unit/xenstore/test_wire.c.
 *
 * Build: make -f Rules.mk obj=tests/unit/xenstore FLAVOR=host
 * Run:   tests/fuzz/xenstore/run.sh [seconds]
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xsd.h"

static ssize_t sink_read(struct conn *c, void *b, size_t l) { return 0; }
static ssize_t sink_write(struct conn *c, const void *b, size_t l) { return l; }
static void sink_destroy(struct conn *c) { }

static const struct transport_ops sink_ops = {
    .name = "fuzz", .read = sink_read, .write = sink_write,
    .destroy = sink_destroy,
};

static void setup_guest_home(struct conn *d0)
{
    static const char mk[] = "/local/domain/5";
    static const char perms[] = "/local/domain/5\0n5\0r0";
    struct xsd_sockmsg h = { XS_MKDIR, 1, 0, sizeof(mk) };
    char buf[64];

    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), mk, sizeof(mk));
    conn_feed(d0, buf, sizeof(h) + sizeof(mk));
    h.type = XS_SET_PERMS;
    h.len = sizeof(perms);
    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), perms, sizeof(perms));
    conn_feed(d0, buf, sizeof(h) + sizeof(perms));
}

static bool alive(struct conn *c)
{
    struct conn *x;
    for (x = xsd_conns; x; x = x->next)
        if (x == c)
            return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct conn *c[2];
    size_t off = 0;

    /* small quotas so the fuzzer reaches the limits quickly */
    xsd_quota.entry_nb = 30;
    xsd_quota.tx_nodes = 40;
    xsd_quota.memory = 64 * 1024;
    store_init();
    c[0] = conn_new(&sink_ops, NULL, -1, 0);
    c[1] = conn_new(&sink_ops, NULL, -1, 5);
    setup_guest_home(c[0]);
    conn_flush_dirty();
    while (off < size) {
        /* chunk header byte: bit 7 picks the connection, low bits the length */
        uint8_t ctl = data[off++];
        size_t n = (ctl & 0x7f) * 8 + 1;
        int which = ctl >> 7;
        if (n > size - off)
            n = size - off;
        if (conn_feed(c[which], data + off, n) < 0) {
            c[which]->dead = true;
            conn_mark_dirty(c[which]);
        }
        off += n;
        conn_flush_dirty();
        /* a dropped connection is replaced, like a client reconnecting */
        if (!alive(c[which]))
            c[which] = conn_new(&sink_ops, NULL, -1, which ? 5 : 0);
    }
    while (xsd_conns)
        conn_free(xsd_conns);
    store_fini();
    domain_reset_all();
    return 0;
}
