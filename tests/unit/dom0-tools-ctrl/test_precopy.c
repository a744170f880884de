/*
 * test_precopy.c — the pre-copy round logic of a live save (libctrl's
 * precopy.c, the code xl migrate runs) against a fake hypervisor: each
 * CLEAN answers the pages a script says the guest dirtied, each round
 * records the pages it was asked to send.  Rounds end at the round limit
 * or under the dirty threshold; the pages of the last pre-copy CLEAN go
 * out in the final round (the final CLEAN once overwrote them and they
 * were never sent); a hypervisor without log-dirty mode selects the
 * stop-and-copy fallback.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <public/domctl.h>
#include "migrate.h"

#define NR_PFNS 1000u
#define WORDS ((NR_PFNS + 63) / 64)
#define MAX_CLEANS 16

/* The fake hypervisor and guest. */
struct fake {
    int enable_rc;                      /* ENABLE_LOGDIRTY's answer */
    int clean_fail_at;                  /* CLEAN number (1-based) that fails, 0: none */
    unsigned nr_dirty[MAX_CLEANS];      /* pages dirty at the i-th CLEAN ... */
    uint64_t first_dirty[MAX_CLEANS];   /* ... from this PFN up */
    uint64_t extra[MAX_CLEANS];         /* and this one too (0: none) */
    unsigned cleans, enables, offs, heads;
    uint64_t page_table;                /* a PFN send_round must defer */
    unsigned rounds;                    /* send_round calls */
    uint64_t round_set[MAX_CLEANS][WORDS];
    uint64_t final_set[WORDS];
    unsigned finals;
    /* what save_live's callbacks saw */
    unsigned fallbacks, reported;
    int fallback_rc;
    char fallback_msg[128];
    unsigned report_round[MAX_CLEANS];
    uint64_t report_pages[MAX_CLEANS];
};

static int fake_shadow_op(void *arg, uint32_t op, uint64_t *bitmap, uint64_t nr_pfns,
                          struct errbuf *eb)
{
    struct fake *f = arg;

    switch (op) {
    case XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY:
        f->enables++;
        if (f->enable_rc)
            return eb_fail(eb, f->enable_rc, "domctl shadow_op %u (dom 1)", op);
        return 0;
    case XEN_DOMCTL_SHADOW_OP_CLEAN: {
        unsigned i = f->cleans++;

        cr_assert_eq(nr_pfns, NR_PFNS);
        cr_assert_lt(i, MAX_CLEANS);
        if (f->clean_fail_at == (int)i + 1)
            return eb_fail(eb, -EFAULT, "domctl shadow_op %u (dom 1)", op);
        memset(bitmap, 0, WORDS * 8);
        for (unsigned k = 0; k < f->nr_dirty[i]; k++)
            bitmap_set(bitmap, f->first_dirty[i] + k);
        if (f->extra[i])
            bitmap_set(bitmap, f->extra[i]);
        return 0;
    }
    case XEN_DOMCTL_SHADOW_OP_OFF:
        f->offs++;
        return 0;
    }
    cr_assert_fail("unexpected shadow op %u", op);
    return -EINVAL;
}

static int fake_head(void *arg, uint64_t *nr_pfns)
{
    struct fake *f = arg;

    f->heads++;
    *nr_pfns = NR_PFNS;
    return 0;
}

static int fake_send_round(void *arg, const uint64_t *dirty, uint64_t *deferred, uint64_t *sent)
{
    struct fake *f = arg;
    unsigned r = f->rounds++;

    cr_assert_lt(r, MAX_CLEANS);
    cr_assert_eq(f->finals, 0, "a pre-copy round after the final one");
    for (uint64_t pfn = 0; pfn < NR_PFNS; pfn++) {
        if (!bitmap_test(dirty, pfn))
            continue;
        if (pfn == f->page_table) {
            bitmap_set(deferred, pfn);
            continue;
        }
        bitmap_set(f->round_set[r], pfn);
        (*sent)++;
    }
    return 0;
}

static int fake_send_final(void *arg, const uint64_t *pfns, uint64_t *sent)
{
    struct fake *f = arg;

    f->finals++;
    memcpy(f->final_set, pfns, sizeof(f->final_set));
    for (uint64_t pfn = 0; pfn < NR_PFNS; pfn++)
        *sent += bitmap_test(pfns, pfn);
    return 0;
}

static const struct precopy_ops fake_ops = {
    .shadow_op = fake_shadow_op,
    .head = fake_head,
    .send_round = fake_send_round,
    .send_final = fake_send_final,
};

static void on_fallback(void *arg, int rc, const char *msg)
{
    struct fake *f = arg;

    f->fallbacks++;
    f->fallback_rc = rc;
    snprintf(f->fallback_msg, sizeof(f->fallback_msg), "%s", msg);
}

static void on_round(void *arg, unsigned round, uint64_t pages)
{
    struct fake *f = arg;

    cr_assert_lt(f->reported, MAX_CLEANS);
    f->report_round[f->reported] = round;
    f->report_pages[f->reported++] = pages;
}

static struct save_live live_of(struct fake *f)
{
    return (struct save_live){ .no_logdirty = on_fallback, .round = on_round, .arg = f };
}

static unsigned count(const uint64_t *b)
{
    unsigned n = 0;

    for (uint64_t pfn = 0; pfn < NR_PFNS; pfn++)
        n += bitmap_test(b, pfn);
    return n;
}

/* Every CLEAN returns n pages from PFN 100 up. */
static void dirty_always(struct fake *f, unsigned n)
{
    for (unsigned i = 0; i < MAX_CLEANS; i++) {
        f->nr_dirty[i] = n;
        f->first_dirty[i] = 100;
    }
}

Test(precopy, first_round_sends_every_page_but_the_deferred)
{
    struct fake f = { .page_table = 5 };
    struct save_live lv = live_of(&f);
    struct precopy_state p = { 0 };
    struct errbuf eb = { 0 };
    uint64_t pages = 0;

    lv.max_rounds = 1;
    cr_assert_eq(precopy_rounds(&fake_ops, &f, &lv, &p, &pages, &eb), 0);
    cr_assert(p.on);
    cr_assert_eq(f.enables, 1);
    cr_assert_eq(f.heads, 1);
    cr_assert_eq(f.rounds, 1);
    cr_assert_eq(count(f.round_set[0]), NR_PFNS - 1);
    cr_assert_not(bitmap_test(f.round_set[0], 5));
    cr_assert(bitmap_test(p.deferred, 5));
    cr_assert_eq(pages, NR_PFNS - 1);
    cr_assert_eq(f.reported, 1);
    cr_assert_eq(f.report_round[0], 1);
    cr_assert_eq(f.report_pages[0], NR_PFNS - 1);
    precopy_end(&fake_ops, &f, &p);
    cr_assert_eq(f.offs, 1);
}

Test(precopy, rounds_stop_at_the_default_limit_of_five)
{
    struct fake f = { .page_table = ~0ull };
    struct save_live lv = live_of(&f);
    struct precopy_state p = { 0 };
    struct errbuf eb = { 0 };
    uint64_t pages = 0;

    dirty_always(&f, 200);              /* never under the threshold */
    cr_assert_eq(precopy_rounds(&fake_ops, &f, &lv, &p, &pages, &eb), 0);
    cr_assert_eq(f.rounds, 5);
    cr_assert_eq(f.cleans, 5);
    cr_assert_eq(p.round, 5);
    for (unsigned r = 1; r < 5; r++)
        cr_assert_eq(count(f.round_set[r]), 200, "round %u", r + 1);
    cr_assert_eq(pages, NR_PFNS + 4 * 200);
    precopy_end(&fake_ops, &f, &p);
}

Test(precopy, rounds_stop_at_max_rounds)
{
    struct fake f = { .page_table = ~0ull };
    struct save_live lv = live_of(&f);
    struct precopy_state p = { 0 };
    struct errbuf eb = { 0 };
    uint64_t pages = 0;

    dirty_always(&f, 200);
    lv.max_rounds = 3;
    cr_assert_eq(precopy_rounds(&fake_ops, &f, &lv, &p, &pages, &eb), 0);
    cr_assert_eq(f.rounds, 3);
    cr_assert_eq(f.reported, 3);
    cr_assert_eq(f.report_round[2], 3);
    precopy_end(&fake_ops, &f, &p);
}

Test(precopy, rounds_stop_under_the_threshold)
{
    struct fake f = { .page_table = ~0ull };
    struct save_live lv = live_of(&f);
    struct precopy_state p = { 0 };
    struct errbuf eb = { 0 };
    uint64_t pages = 0;

    /* 50 dirty is not under the default threshold of 50; 49 is. */
    f.nr_dirty[0] = 300, f.first_dirty[0] = 0;
    f.nr_dirty[1] = 50, f.first_dirty[1] = 400;
    f.nr_dirty[2] = 49, f.first_dirty[2] = 600;
    cr_assert_eq(precopy_rounds(&fake_ops, &f, &lv, &p, &pages, &eb), 0);
    cr_assert_eq(f.rounds, 3);
    cr_assert_eq(f.cleans, 3);
    cr_assert_eq(count(f.round_set[1]), 300);
    cr_assert(bitmap_test(f.round_set[1], 0) && bitmap_test(f.round_set[1], 299));
    cr_assert_eq(count(f.round_set[2]), 50);
    cr_assert(bitmap_test(f.round_set[2], 400));
    /* the 49 are left for the final round */
    cr_assert_eq(count(p.dirty), 49);
    precopy_end(&fake_ops, &f, &p);
}

Test(precopy, custom_threshold)
{
    struct fake f = { .page_table = ~0ull };
    struct save_live lv = live_of(&f);
    struct precopy_state p = { 0 };
    struct errbuf eb = { 0 };
    uint64_t pages = 0;

    dirty_always(&f, 200);
    lv.dirty_threshold = 201;
    cr_assert_eq(precopy_rounds(&fake_ops, &f, &lv, &p, &pages, &eb), 0);
    cr_assert_eq(f.rounds, 1);
    precopy_end(&fake_ops, &f, &p);
}

/* The bug this guards against: the final CLEAN overwrote the bitmap the
 * last pre-copy CLEAN had filled, and those pages were never sent. */
Test(precopy, final_round_sends_the_last_precopy_clean_pages)
{
    struct fake f = { .page_table = 5 };
    struct save_live lv = live_of(&f);
    struct precopy_state p = { 0 };
    struct errbuf eb = { 0 };
    uint64_t pages = 0, before;

    f.nr_dirty[0] = 100, f.first_dirty[0] = 200;        /* sent by round 2 */
    f.nr_dirty[1] = 10, f.first_dirty[1] = 700, f.extra[1] = 999;   /* last pre-copy CLEAN */
    f.nr_dirty[2] = 3, f.first_dirty[2] = 40;           /* the final CLEAN */
    cr_assert_eq(precopy_rounds(&fake_ops, &f, &lv, &p, &pages, &eb), 0);
    cr_assert_eq(f.rounds, 2);
    before = pages;
    cr_assert_eq(precopy_final(&fake_ops, &f, &lv, &p, &pages, &eb), 0);
    cr_assert_eq(f.cleans, 3);
    cr_assert_eq(f.finals, 1);
    for (uint64_t pfn = 700; pfn < 710; pfn++)
        cr_assert(bitmap_test(f.final_set, pfn), "pfn %lu of the last pre-copy CLEAN not sent",
                  (unsigned long)pfn);
    cr_assert(bitmap_test(f.final_set, 999));
    for (uint64_t pfn = 40; pfn < 43; pfn++)
        cr_assert(bitmap_test(f.final_set, pfn), "pfn %lu of the final CLEAN not sent",
                  (unsigned long)pfn);
    cr_assert(bitmap_test(f.final_set, 5), "the deferred page table not sent");
    cr_assert_eq(count(f.final_set), 10 + 1 + 3 + 1);
    cr_assert_eq(pages - before, 15);
    cr_assert_eq(p.round, 3);
    cr_assert_eq(f.reported, 3);
    cr_assert_eq(f.report_round[2], 3);
    cr_assert_eq(f.report_pages[2], 15);
    precopy_end(&fake_ops, &f, &p);
    cr_assert_eq(f.offs, 1);
    cr_assert_null(p.dirty);
}

/* Every page reaches the target: the union of all rounds is every PFN. */
Test(precopy, every_page_is_sent_at_least_once_and_the_last_write_last)
{
    struct fake f = { .page_table = 17 };
    struct save_live lv = live_of(&f);
    struct precopy_state p = { 0 };
    struct errbuf eb = { 0 };
    uint64_t pages = 0, all[WORDS] = { 0 };

    dirty_always(&f, 120);
    lv.max_rounds = 4;
    cr_assert_eq(precopy_rounds(&fake_ops, &f, &lv, &p, &pages, &eb), 0);
    cr_assert_eq(precopy_final(&fake_ops, &f, &lv, &p, &pages, &eb), 0);
    for (unsigned r = 0; r < f.rounds; r++)
        for (unsigned w = 0; w < WORDS; w++)
            all[w] |= f.round_set[r][w];
    for (unsigned w = 0; w < WORDS; w++)
        all[w] |= f.final_set[w];
    cr_assert_eq(count(all), NR_PFNS);
    /* pages 100..219 were dirtied at every CLEAN, the last one included:
     * the final round carries them */
    for (uint64_t pfn = 100; pfn < 220; pfn++)
        cr_assert(bitmap_test(f.final_set, pfn));
    precopy_end(&fake_ops, &f, &p);
}

static void fallback_for(int rc)
{
    struct fake f = { .enable_rc = rc };
    struct save_live lv = live_of(&f);
    struct precopy_state p = { 0 };
    struct errbuf eb = { 0 };
    uint64_t pages = 0;

    cr_assert_eq(precopy_rounds(&fake_ops, &f, &lv, &p, &pages, &eb), 0);
    cr_assert_not(p.on, "stop-and-copy not selected");
    cr_assert_eq(f.fallbacks, 1);
    cr_assert_eq(f.fallback_rc, rc);
    cr_assert_eq(logdirty_unsupported(f.fallback_rc), true);
    cr_assert(strstr(f.fallback_msg, "shadow_op") != NULL, "%s", f.fallback_msg);
    cr_assert_eq(f.heads, 0);
    cr_assert_eq(f.rounds, 0);
    cr_assert_eq(pages, 0);
    cr_assert_eq(eb.err, 0, "the fallback is not an error: %s", eb.msg);
    precopy_end(&fake_ops, &f, &p);
    cr_assert_eq(f.offs, 0, "log-dirty turned off though it never was on");
}

Test(precopy, enosys_selects_stop_and_copy)
{
    fallback_for(-ENOSYS);
}

Test(precopy, eopnotsupp_selects_stop_and_copy)
{
    fallback_for(-EOPNOTSUPP);
}

Test(precopy, unsupported_answers_are_exactly_enosys_and_eopnotsupp)
{
    cr_assert(logdirty_unsupported(-ENOSYS));
    cr_assert(logdirty_unsupported(-EOPNOTSUPP));
    cr_assert_not(logdirty_unsupported(-EINVAL));
    cr_assert_not(logdirty_unsupported(-EPERM));
    cr_assert_not(logdirty_unsupported(0));
}

Test(precopy, a_failed_clean_fails_the_save_and_log_dirty_goes_off)
{
    struct fake f = { .page_table = ~0ull, .clean_fail_at = 2 };
    struct save_live lv = live_of(&f);
    struct precopy_state p = { 0 };
    struct errbuf eb = { 0 };
    uint64_t pages = 0;

    dirty_always(&f, 200);
    cr_assert_eq(precopy_rounds(&fake_ops, &f, &lv, &p, &pages, &eb), -EFAULT);
    cr_assert_eq(f.rounds, 2);
    cr_assert(strstr(eb.msg, "shadow_op") != NULL, "%s", eb.msg);
    precopy_end(&fake_ops, &f, &p);
    cr_assert_eq(f.offs, 1);
}

Test(precopy, a_failed_final_clean_sends_nothing)
{
    struct fake f = { .page_table = ~0ull, .clean_fail_at = 2 };
    struct save_live lv = live_of(&f);
    struct precopy_state p = { 0 };
    struct errbuf eb = { 0 };
    uint64_t pages = 0;

    lv.max_rounds = 1;
    cr_assert_eq(precopy_rounds(&fake_ops, &f, &lv, &p, &pages, &eb), 0);
    cr_assert_eq(precopy_final(&fake_ops, &f, &lv, &p, &pages, &eb), -EFAULT);
    cr_assert_eq(f.finals, 0);
    precopy_end(&fake_ops, &f, &p);
}
