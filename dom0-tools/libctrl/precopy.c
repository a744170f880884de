/*
 * precopy.c — the round logic of a live save, apart from the hypercalls
 * (save.c supplies them as struct precopy_ops) so that the host tests can
 * run it against a fake hypervisor that dirties pages on cue.
 *
 * Two bitmaps: dirty, the pages the next round sends (the CLEAN after a
 * round overwrites it with what the guest wrote meanwhile), and deferred,
 * the pages no running round may send (page tables are rewritten to PFNs
 * only with the guest stopped; PFNs without a frame carry their type
 * only).  The last pre-copy CLEAN's pages have not been sent when the
 * guest suspends: the final CLEAN would overwrite them, so they are
 * folded into deferred first.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "migrate.h"

static uint64_t bits_count(const uint64_t *b, uint64_t words)
{
    uint64_t n = 0;

    for (uint64_t i = 0; i < words; i++)
        n += (uint64_t)__builtin_popcountll(b[i]);
    return n;
}

int precopy_rounds(const struct precopy_ops *ops, void *arg, const struct save_live *lv,
                   struct precopy_state *p, uint64_t *pages, struct errbuf *eb)
{
    unsigned max_rounds = lv->max_rounds ? lv->max_rounds : 5;
    uint64_t threshold = lv->dirty_threshold ? lv->dirty_threshold : 50;
    struct errbuf why = { 0 };
    int rc;

    rc = ops->shadow_op(arg, XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY, NULL, 0, &why);
    if (rc) {
        /* No log-dirty mode (ENOSYS/EOPNOTSUPP) or none to be had now:
         * stop-and-copy still migrates, with a longer downtime. */
        if (lv->no_logdirty)
            lv->no_logdirty(lv->arg, rc, why.msg);
        return 0;
    }
    p->on = true;
    rc = ops->head(arg, &p->nr_pfns);
    if (rc)
        return rc;
    p->words = (p->nr_pfns + 63) / 64;
    p->dirty = calloc(p->words ? p->words : 1, 8);
    p->deferred = calloc(p->words ? p->words : 1, 8);
    if (!p->dirty || !p->deferred)
        return eb_fail(eb, -ENOMEM, "dirty bitmaps of %" PRIu64 " pages", p->nr_pfns);
    for (uint64_t pfn = 0; pfn < p->nr_pfns; pfn++)
        bitmap_set(p->dirty, pfn);
    for (;;) {
        uint64_t sent = 0;

        p->round++;
        rc = ops->send_round(arg, p->dirty, p->deferred, &sent);
        if (rc)
            return rc;
        *pages += sent;
        if (lv->round)
            lv->round(lv->arg, p->round, sent);
        rc = ops->shadow_op(arg, XEN_DOMCTL_SHADOW_OP_CLEAN, p->dirty, p->nr_pfns, eb);
        if (rc)
            return rc;
        if (p->round >= max_rounds || bits_count(p->dirty, p->words) < threshold)
            return 0;
    }
}

int precopy_final(const struct precopy_ops *ops, void *arg, const struct save_live *lv,
                  struct precopy_state *p, uint64_t *pages, struct errbuf *eb)
{
    uint64_t sent = 0;
    int rc;

    /* p->dirty holds the last pre-copy CLEAN's pages, none sent yet. */
    for (uint64_t i = 0; i < p->words; i++)
        p->deferred[i] |= p->dirty[i];
    rc = ops->shadow_op(arg, XEN_DOMCTL_SHADOW_OP_CLEAN, p->dirty, p->nr_pfns, eb);
    if (rc)
        return rc;
    for (uint64_t i = 0; i < p->words; i++)
        p->dirty[i] |= p->deferred[i];
    rc = ops->send_final(arg, p->dirty, &sent);
    if (rc)
        return rc;
    *pages += sent;
    p->round++;
    if (lv->round)
        lv->round(lv->arg, p->round, sent);
    return 0;
}

void precopy_end(const struct precopy_ops *ops, void *arg, struct precopy_state *p)
{
    if (p->on) {
        struct errbuf ignored = { 0 };

        ops->shadow_op(arg, XEN_DOMCTL_SHADOW_OP_OFF, NULL, 0, &ignored);
        p->on = false;
    }
    free(p->dirty);
    free(p->deferred);
    p->dirty = p->deferred = NULL;
}
