/*
 * save.c — a running PV guest written out as a libxc stream v3.
 *
 * The guest is asked to suspend through xenstore (control/shutdown =
 * "suspend"); Linux then disconnects its devices, turns the xenstore and
 * console frames in start_info into PFNs, pins every page table and calls
 * SCHEDOP_shutdown(SHUTDOWN_suspend) with its start_info frame in rdx.
 * Once the hypervisor reports it shut down with reason suspend, its memory
 * is walked through its own p2m (published in shared_info as a three-level
 * frame list), each frame's type read with getpageframeinfo3, and page
 * tables rewritten from machine frames to PFNs so another host can load
 * them at other frames.  A failure resumes the guest where it stopped
 * ("suspend cancelled"): a failed save never costs the guest.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <xenstore.h>
#include "internal.h"
#include "saverestore.h"
#include "migrate.h"

#define FPP 512u                        /* p2m entries per frame (64-bit guest) */
#define P2M_INVALID (~0ull)

struct rev { uint64_t mfn, pfn; };

struct save_ctx {
    xc_handle *xch;
    uint32_t domid;
    struct sr_io *io;
    struct errbuf *eb;
    struct xc_dominfo info;
    uint64_t max_pfn;                   /* highest PFN */
    uint64_t *p2m;                      /* PFN -> MFN, max_pfn + 1 entries */
    uint64_t nr_p2m_frames;
    uint64_t *p2m_frames;               /* MFNs of the p2m's own frames */
    struct rev *rev;                    /* MFN -> PFN, sorted by MFN */
    size_t nr_rev;
};

static int rev_cmp(const void *a, const void *b)
{
    const struct rev *x = a, *y = b;

    return x->mfn < y->mfn ? -1 : x->mfn > y->mfn;
}

/* The PFN of one of the guest's MFNs, or ~0 (not in its p2m). */
static uint64_t mfn_to_pfn(void *arg, uint64_t mfn)
{
    struct save_ctx *s = arg;
    size_t lo = 0, hi = s->nr_rev;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->rev[mid].mfn == mfn)
            return s->rev[mid].pfn;
        if (s->rev[mid].mfn < mfn)
            lo = mid + 1;
        else
            hi = mid;
    }
    return ~0ull;
}

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* control/shutdown = "suspend", then wait for the guest to act on it. */
static int suspend_guest(struct save_ctx *s, int timeout_ms)
{
    char path[96];
    struct xs_handle *xs = xs_open(0);
    uint64_t start = now_ms();
    int rc;

    if (!xs)
        return eb_fail(s->eb, -errno ? -errno : -ECONNREFUSED, "cannot connect to xenstored");
    snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown", s->domid);
    if (!xs_write(xs, XBT_NULL, path, "suspend", 7)) {
        rc = eb_fail(s->eb, -errno, "xenstore write %s", path);
        goto out;
    }
    for (;;) {
        rc = xc_domain_getinfo(s->xch, s->domid, &s->info, s->eb);
        if (rc)
            goto out;
        if (s->info.shutdown) {
            if (s->info.shutdown_reason == XC_SHUTDOWN_SUSPEND) {
                rc = 0;
                goto out;
            }
            rc = eb_msg(s->eb, -ESRCH, "domain %u shut down with reason %u instead of suspending",
                        s->domid, s->info.shutdown_reason);
            goto out;
        }
        if (s->info.dying) {
            rc = eb_msg(s->eb, -ESRCH, "domain %u died while suspending", s->domid);
            goto out;
        }
        if ((int64_t)(now_ms() - start) > timeout_ms) {
            /* Withdraw the request so a late guest does not suspend unwatched. */
            xs_write(xs, XBT_NULL, path, "", 0);
            rc = eb_msg(s->eb, -ETIMEDOUT, "domain %u did not suspend within %d s (does it run "
                        "Linux's PV suspend, control/feature-suspend?)", s->domid, timeout_ms / 1000);
            goto out;
        }
        usleep(20000);
    }
out:
    xs_close(xs);
    return rc;
}

/* The guest's p2m through shared_info's frame list (three levels of MFNs). */
static int read_p2m(struct save_ctx *s, uint64_t *shinfo_copy)
{
    uint64_t sif = s->info.shared_info_frame, fll_mfn, nr_fl;
    shared_info_t *sh = xc_map_foreign(s->xch, s->domid, PROT_READ, &sif, NULL, 1, s->eb);
    uint64_t *fll = NULL, *fl = NULL, *p2m_map = NULL;
    int rc = -EINVAL;

    if (!sh)
        return s->eb->err;
    memcpy(shinfo_copy, sh, 4096);
    fll_mfn = sh->arch.pfn_to_mfn_frame_list_list;
    if (sh->arch.max_pfn == 0 || fll_mfn == 0 || fll_mfn == ~0ull) {
        rc = eb_msg(s->eb, -EINVAL, "domain %u has not published its p2m in shared_info "
                    "(max_pfn %lu, frame list %#" PRIx64 ")", s->domid,
                    (unsigned long)sh->arch.max_pfn, fll_mfn);
        goto out;
    }
    s->max_pfn = sh->arch.max_pfn - 1;
    s->nr_p2m_frames = s->max_pfn / FPP + 1;
    nr_fl = (s->nr_p2m_frames + FPP - 1) / FPP;
    if (nr_fl > FPP) {
        rc = eb_msg(s->eb, -EINVAL, "domain %u: p2m of %" PRIu64 " frames is too large",
                    s->domid, s->nr_p2m_frames);
        goto out;
    }
    fll = xc_map_foreign(s->xch, s->domid, PROT_READ, &fll_mfn, NULL, 1, s->eb);
    if (!fll)
        goto fail;
    fl = xc_map_foreign(s->xch, s->domid, PROT_READ, fll, NULL, nr_fl, s->eb);
    if (!fl)
        goto fail;
    s->p2m_frames = malloc(s->nr_p2m_frames * sizeof(uint64_t));
    s->p2m = malloc((s->max_pfn + 1) * sizeof(uint64_t));
    if (!s->p2m_frames || !s->p2m) {
        rc = eb_fail(s->eb, -ENOMEM, "p2m of domain %u", s->domid);
        goto out;
    }
    memcpy(s->p2m_frames, fl, s->nr_p2m_frames * sizeof(uint64_t));
    p2m_map = xc_map_foreign(s->xch, s->domid, PROT_READ, s->p2m_frames, NULL,
                             s->nr_p2m_frames, s->eb);
    if (!p2m_map)
        goto fail;
    memcpy(s->p2m, p2m_map, (s->max_pfn + 1) * sizeof(uint64_t));

    /* The reverse map, for page tables and the vCPU's frames.  Linux marks
     * identity and foreign entries in the top bits: not memory to save. */
    s->rev = malloc((s->max_pfn + 1) * sizeof(*s->rev));
    if (!s->rev) {
        rc = eb_fail(s->eb, -ENOMEM, "p2m of domain %u", s->domid);
        goto out;
    }
    for (uint64_t pfn = 0; pfn <= s->max_pfn; pfn++) {
        if (s->p2m[pfn] >> 52)
            s->p2m[pfn] = P2M_INVALID;
        else
            s->rev[s->nr_rev++] = (struct rev){ s->p2m[pfn], pfn };
    }
    qsort(s->rev, s->nr_rev, sizeof(*s->rev), rev_cmp);
    rc = 0;
    goto out;
fail:
    rc = s->eb->err ? s->eb->err : -EIO;
out:
    if (p2m_map)
        xc_unmap(p2m_map, s->nr_p2m_frames);
    if (fl)
        xc_unmap(fl, nr_fl);
    if (fll)
        xc_unmap(fll, 1);
    xc_unmap(sh, 1);
    return rc;
}

static int write_p2m_frames(struct save_ctx *s)
{
    struct { uint32_t start, end; } h = { 0, (uint32_t)s->max_pfn };
    uint64_t *pfns = malloc(s->nr_p2m_frames * sizeof(uint64_t));
    int rc;

    if (!pfns)
        return eb_fail(s->eb, -ENOMEM, "p2m frames");
    for (uint64_t i = 0; i < s->nr_p2m_frames; i++) {
        pfns[i] = mfn_to_pfn(s, s->p2m_frames[i]);
        if (pfns[i] == ~0ull) {
            free(pfns);
            return eb_msg(s->eb, -EINVAL, "domain %u: p2m frame %" PRIu64 " (mfn %#" PRIx64
                          ") is not in its own p2m", s->domid, i, s->p2m_frames[i]);
        }
    }
    rc = sr_write_record(s->io, SR_REC_X86_PV_P2M_FRAMES, &h, sizeof(h), pfns,
                         (uint32_t)(s->nr_p2m_frames * sizeof(uint64_t)));
    free(pfns);
    return rc;
}

static bool type_has_data(uint64_t type)
{
    return type != XEN_DOMCTL_PFINFO_XTAB && type != XEN_DOMCTL_PFINFO_XALLOC &&
           type != XEN_DOMCTL_PFINFO_BROKEN;
}

/* The buffers of one PAGE_DATA record of up to SR_BATCH pages. */
struct page_batch {
    uint64_t *pfns;                     /* the PFNs of a round's record */
    uint64_t *types;                    /* getpageframeinfo3's in/out */
    uint64_t *words;                    /* the record's head and pfn words */
    uint64_t *mfns;                     /* the frames to map */
    uint8_t *data;                      /* page copies */
    struct iovec *iov;                  /* SR_BATCH + 1 vectors */
};

static void batch_free(struct page_batch *b)
{
    free(b->pfns);
    free(b->types);
    free(b->words);
    free(b->mfns);
    free(b->data);
    free(b->iov);
    memset(b, 0, sizeof(*b));
}

static int batch_alloc(struct page_batch *b, struct errbuf *eb)
{
    b->pfns = malloc(SR_BATCH * 8);
    b->types = malloc(SR_BATCH * 8);
    b->words = malloc(8 + SR_BATCH * 8);
    b->mfns = malloc(SR_BATCH * 8);
    b->data = malloc((size_t)SR_BATCH * 4096);
    b->iov = malloc((SR_BATCH + 1) * sizeof(*b->iov));
    if (b->pfns && b->types && b->words && b->mfns && b->data && b->iov)
        return 0;
    batch_free(b);
    return eb_fail(eb, -ENOMEM, "page batch");
}

/*
 * One PAGE_DATA record for PFNs [first, first + n): b->words holds the record's
 * head (count, reserved) and then the n pfn words.  Pages go to the file
 * straight from the foreign mapping (the guest is suspended: they cannot
 * change meanwhile); only page tables are copied, into data, to be
 * rewritten.
 */
static int write_batch(struct save_ctx *s, uint64_t first, unsigned n, struct page_batch *b,
                       uint64_t *written)
{
    uint64_t *types = b->types, *hw = b->words, *words = hw + 1, *mfns = b->mfns;
    uint8_t *data = b->data;
    struct iovec *iov = b->iov;
    unsigned nmap = 0, nd = 0, niov = 0;
    uint8_t *map = NULL;
    uint64_t tm = sr_now_ns();
    int rc;

    hw[0] = n;                          /* count, then 32 reserved bits */
    /* getpageframeinfo3 answers XTAB for frames that are not the guest's. */
    for (unsigned i = 0; i < n; i++)
        types[i] = s->p2m[first + i] == P2M_INVALID ? 0 : s->p2m[first + i];
    rc = xc_get_pfn_types(s->xch, s->domid, types, n, s->eb);
    tm = sr_phase_add(s->io, SR_PH_TYPES, tm);
    if (rc)
        return rc;
    for (unsigned i = 0; i < n; i++) {
        if (s->p2m[first + i] == P2M_INVALID)
            types[i] = XEN_DOMCTL_PFINFO_XTAB;
        words[i] = (first + i) | (types[i] << SR_PFN_TYPE_SHIFT);
        if (type_has_data(types[i]))
            mfns[nmap++] = s->p2m[first + i];
    }
    if (nmap) {
        map = xc_map_foreign(s->xch, s->domid, PROT_READ, mfns, NULL, nmap, s->eb);
        tm = sr_phase_add(s->io, SR_PH_MAP, tm);
        if (!map)
            return s->eb->err ? s->eb->err : -EIO;
    }
    uint64_t pt_before = s->io->phase_ns[SR_PH_PT];
    iov[niov++] = (struct iovec){ hw, 8 + n * 8u };
    for (unsigned i = 0; i < n; i++) {
        uint64_t t = types[i] & XEN_DOMCTL_PFINFO_LTABTYPE_MASK;
        uint8_t *src, *dst;
        int bad;

        if (!type_has_data(types[i]))
            continue;
        src = map + (size_t)nd * 4096;
        nd++;
        if (t < XEN_DOMCTL_PFINFO_L1TAB || t > XEN_DOMCTL_PFINFO_L4TAB) {
            /* Consecutive mapped pages make one vector. */
            struct iovec *last = &iov[niov - 1];
            if (niov > 1 && (uint8_t *)last->iov_base + last->iov_len == src)
                last->iov_len += 4096;
            else
                iov[niov++] = (struct iovec){ src, 4096 };
            continue;
        }
        dst = data + (size_t)(nd - 1) * 4096;
        memcpy(dst, src, 4096);
        iov[niov++] = (struct iovec){ dst, 4096 };
        {
            unsigned level = (unsigned)(t >> XEN_DOMCTL_PFINFO_LTAB_SHIFT);
            uint64_t tp = sr_now_ns();
            int bad_pt = sr_pt_rewrite((uint64_t *)dst, level, mfn_to_pfn, s, &bad);

            sr_phase_add(s->io, SR_PH_PT, tp);
            if (bad_pt) {
                uint64_t e = bad >= 0 ? ((uint64_t *)(map + (size_t)(nd - 1) * 4096))[bad] : 0;
                rc = eb_msg(s->eb, -EINVAL, "domain %u: page table L%u at pfn %#" PRIx64
                            " entry %d (%#" PRIx64 ") maps a frame that is not the guest's "
                            "(or a superpage)", s->domid, level, first + i, bad, e);
                goto out;
            }
        }
    }
    /* The copy loop, page tables excepted (charged on their own). */
    tm = sr_phase_add(s->io, SR_PH_COPY, tm);
    s->io->phase_ns[SR_PH_COPY] -= s->io->phase_ns[SR_PH_PT] - pt_before;
    rc = sr_write_record_iov(s->io, SR_REC_PAGE_DATA, iov, niov);
    if (rc == 0)
        *written += nd;
out:
    if (map) {
        tm = sr_now_ns();
        xc_unmap(map, nmap);
        sr_phase_add(s->io, SR_PH_UNMAP, tm);
    }
    return rc;
}

static int write_pages(struct save_ctx *s, const struct save_opts *o, uint64_t *pages)
{
    struct page_batch b;
    int rc = batch_alloc(&b, s->eb);

    for (uint64_t pfn = 0; pfn <= s->max_pfn && rc == 0; pfn += SR_BATCH) {
        unsigned n = s->max_pfn + 1 - pfn > SR_BATCH ? SR_BATCH : (unsigned)(s->max_pfn + 1 - pfn);
        rc = write_batch(s, pfn, n, &b, pages);
        if (o->progress)
            o->progress(o->progress_arg, pfn + n, s->max_pfn + 1);
    }
    batch_free(&b);
    return rc;
}

/* A vCPU's frames (start_info in rdx for vCPU 0, page tables, GDT) as PFNs. */
static int canonicalise_vcpu(struct save_ctx *s, unsigned id, struct vcpu_guest_context *c)
{
    uint64_t pfn;

    if (id == 0) {
        pfn = mfn_to_pfn(s, c->user_regs.rdx);
        if (pfn == ~0ull)
            return eb_msg(s->eb, -EINVAL, "domain %u: vcpu0's start_info frame %#" PRIx64
                          " (rdx) is not the guest's: did it suspend through SCHEDOP_shutdown?",
                          s->domid, (uint64_t)c->user_regs.rdx);
        c->user_regs.rdx = pfn;
    }
    for (unsigned i = 0; i * 512 < c->gdt_ents && i < 16; i++) {
        pfn = mfn_to_pfn(s, c->gdt_frames[i]);
        if (pfn == ~0ull)
            return eb_msg(s->eb, -EINVAL, "domain %u: vcpu%u GDT frame %u is not the guest's",
                          s->domid, id, i);
        c->gdt_frames[i] = pfn;
    }
    for (unsigned r = 1; r <= 3; r += 2) {
        if (r == 1 && c->ctrlreg[1] == 0)
            continue;                   /* no user page table */
        pfn = mfn_to_pfn(s, c->ctrlreg[r] >> 12);
        if (pfn == ~0ull)
            return eb_msg(s->eb, -EINVAL, "domain %u: vcpu%u cr%u %#lx is not the guest's",
                          s->domid, id, r, (unsigned long)c->ctrlreg[r]);
        /* libxc marks a translated user page table with bit 0: its restore
         * translates ctrlreg[1] only then. */
        c->ctrlreg[r] = (pfn << 12) | (r == 1 ? 1 : 0);
    }
    return 0;
}

static int write_vcpus(struct save_ctx *s)
{
    struct { uint32_t id, res; } h;
    struct vcpu_guest_context *c = malloc(sizeof(*c));
    int rc = 0;

    if (!c)
        return eb_fail(s->eb, -ENOMEM, "vcpu context");
    for (unsigned id = 0; id <= s->info.max_vcpu_id && rc == 0; id++) {
        struct xc_vcpuinfo vi;

        rc = xc_vcpu_getinfo(s->xch, s->domid, id, &vi, s->eb);
        if (rc || !vi.online)
            continue;
        rc = xc_vcpu_getcontext_raw(s->xch, s->domid, id, c, s->eb);
        if (rc == 0)
            rc = canonicalise_vcpu(s, id, c);
        h.id = id;
        h.res = 0;
        if (rc == 0)
            rc = sr_write_record(s->io, SR_REC_X86_PV_VCPU_BASIC, &h, sizeof(h), c, sizeof(*c));
    }
    free(c);
    return rc;
}

/* Everything before the pages; shinfo gets the guest's shared_info. */
static int write_head(struct save_ctx *s, uint64_t *shinfo)
{
    struct xc_version ver;
    uint8_t pvinfo[8] = { 8, 4 };       /* guest width 8 bytes, 4 levels */
    int rc;

    rc = xc_version_get(s->xch, &ver, s->eb);
    uint64_t t0 = sr_now_ns();
    if (rc == 0)
        rc = read_p2m(s, shinfo);
    sr_phase_add(s->io, SR_PH_P2M, t0);
    if (rc == 0)
        rc = sr_write_libxc_headers(s->io, (uint16_t)ver.major, (uint16_t)ver.minor);
    if (rc == 0)
        rc = sr_write_record(s->io, SR_REC_X86_PV_INFO, pvinfo, sizeof(pvinfo), NULL, 0);
    if (rc == 0)
        rc = sr_write_record(s->io, SR_REC_STATIC_DATA_END, NULL, 0, NULL, 0);
    if (rc == 0)
        rc = write_p2m_frames(s);
    return rc;
}

/* Everything after the pages, the guest suspended. */
static int write_tail(struct save_ctx *s, const uint64_t *shinfo)
{
    struct xc_tscinfo t;
    struct { uint32_t mode, khz; uint64_t nsec; uint32_t incarnation, res; } tr;
    uint64_t t0 = sr_now_ns();
    int rc;

    rc = xc_domain_tscinfo(s->xch, s->domid, &t, false, s->eb);
    if (rc == 0) {
        tr = (typeof(tr)){ t.mode, t.khz, t.nsec, t.incarnation, 0 };
        rc = sr_write_record(s->io, SR_REC_X86_TSC_INFO, &tr, sizeof(tr), NULL, 0);
    }
    if (rc == 0)
        rc = sr_write_record(s->io, SR_REC_SHARED_INFO, shinfo, 4096, NULL, 0);
    if (rc == 0)
        rc = write_vcpus(s);
    if (rc == 0)
        rc = sr_write_record(s->io, SR_REC_END, NULL, 0, NULL, 0);
    sr_phase_add(s->io, SR_PH_FINISH, t0);
    return rc;
}

static int write_stream(struct save_ctx *s, const struct save_opts *o, uint64_t *pages)
{
    uint64_t *shinfo = malloc(4096);
    int rc;

    if (!shinfo)
        return eb_fail(s->eb, -ENOMEM, "shared_info copy");
    rc = write_head(s, shinfo);
    if (rc == 0)
        rc = write_pages(s, o, pages);
    if (rc == 0)
        rc = write_tail(s, shinfo);
    free(shinfo);
    return rc;
}

/* ------------------------------------------------------------ live save
 *
 * precopy.c runs the rounds; these are its operations on the guest.
 * Page tables are kept for the last round: with the guest stopped they
 * are rewritten to PFNs without racing its updates, and they are a small
 * part of its memory.  So are PFNs without a frame (their type only).
 */
struct live_ctx {
    struct save_ctx *s;
    uint64_t *shinfo;                   /* the head's copy of shared_info */
};

static int live_shadow_op(void *arg, uint32_t op, uint64_t *bitmap, uint64_t nr_pfns,
                          struct errbuf *eb)
{
    struct live_ctx *c = arg;

    return xc_shadow_op(c->s->xch, c->s->domid, op, bitmap, nr_pfns, NULL, eb);
}

static int live_head(void *arg, uint64_t *nr_pfns)
{
    struct live_ctx *c = arg;
    int rc = write_head(c->s, c->shinfo);

    *nr_pfns = c->s->max_pfn + 1;
    return rc;
}

/* One round: the PFNs set in dirty that are plain pages, in PAGE_DATA
 * records of up to SR_BATCH, copied out of the running guest. */
static int live_send_round(void *arg, const uint64_t *dirty, uint64_t *deferred, uint64_t *sent)
{
    struct save_ctx *s = ((struct live_ctx *)arg)->s;
    struct page_batch b;
    uint64_t pfn = 0;
    int rc = batch_alloc(&b, s->eb);

    while (pfn <= s->max_pfn && rc == 0) {
        unsigned n = 0, nd = 0;
        uint8_t *map;

        for (; pfn <= s->max_pfn && n < SR_BATCH; pfn++) {
            if (!bitmap_test(dirty, pfn))
                continue;
            if (s->p2m[pfn] == P2M_INVALID)
                bitmap_set(deferred, pfn);
            else
                b.pfns[n++] = pfn;
        }
        if (n == 0)
            break;
        for (unsigned i = 0; i < n; i++)
            b.types[i] = s->p2m[b.pfns[i]];
        rc = xc_get_pfn_types(s->xch, s->domid, b.types, n, s->eb);
        if (rc)
            break;
        for (unsigned i = 0; i < n; i++) {
            if (!type_has_data(b.types[i]) || (b.types[i] & XEN_DOMCTL_PFINFO_LTABTYPE_MASK)) {
                bitmap_set(deferred, b.pfns[i]);
                continue;
            }
            b.words[1 + nd] = b.pfns[i] | (b.types[i] << SR_PFN_TYPE_SHIFT);
            b.mfns[nd++] = s->p2m[b.pfns[i]];
        }
        if (nd == 0)
            continue;
        map = xc_map_foreign(s->xch, s->domid, PROT_READ, b.mfns, NULL, nd, s->eb);
        if (!map) {
            rc = s->eb->err ? s->eb->err : -EIO;
            break;
        }
        memcpy(b.data, map, (size_t)nd * 4096);
        xc_unmap(map, nd);
        b.words[0] = nd;
        rc = sr_write_record(s->io, SR_REC_PAGE_DATA, b.words, 8 + nd * 8u, b.data, nd * 4096u);
        if (rc == 0)
            *sent += nd;
    }
    batch_free(&b);
    return rc;
}

/* The last round, the guest suspended: runs of PFNs, each one write_batch. */
static int live_send_final(void *arg, const uint64_t *pfns, uint64_t *sent)
{
    struct save_ctx *s = ((struct live_ctx *)arg)->s;
    struct page_batch b;
    int rc = batch_alloc(&b, s->eb);

    for (uint64_t pfn = 0; pfn <= s->max_pfn && rc == 0;) {
        unsigned n = 0;

        if (!bitmap_test(pfns, pfn)) {
            pfn++;
            continue;
        }
        while (pfn + n <= s->max_pfn && n < SR_BATCH && bitmap_test(pfns, pfn + n))
            n++;
        rc = write_batch(s, pfn, n, &b, sent);
        pfn += n;
    }
    batch_free(&b);
    return rc;
}

static const struct precopy_ops live_ops = {
    .shadow_op = live_shadow_op,
    .head = live_head,
    .send_round = live_send_round,
    .send_final = live_send_final,
};

/* After the suspend: the p2m must not have moved (a balloon during the
 * rounds), the last round, the stream's tail. */
static int live_final(struct live_ctx *c, const struct save_live *lv, struct precopy_state *p,
                      const struct save_opts *o, uint64_t *pages)
{
    struct save_ctx *s = c->s;
    uint64_t *old_p2m = s->p2m, old_max = s->max_pfn;
    int rc;

    free(s->p2m_frames);
    free(s->rev);
    s->p2m = s->p2m_frames = NULL;
    s->rev = NULL;
    s->nr_rev = 0;
    rc = read_p2m(s, c->shinfo);
    if (rc)
        goto out;
    if (s->max_pfn != old_max || memcmp(s->p2m, old_p2m, (old_max + 1) * 8)) {
        rc = eb_msg(s->eb, -EAGAIN, "domain %u changed its p2m during the live rounds "
                    "(ballooning?)", s->domid);
        goto out;
    }
    rc = precopy_final(&live_ops, c, lv, p, pages, s->eb);
    if (rc)
        goto out;
    if (o->progress)
        o->progress(o->progress_arg, s->max_pfn + 1, s->max_pfn + 1);
    rc = write_tail(s, c->shinfo);
out:
    free(old_p2m);
    return rc;
}

int domain_save_resume(uint32_t domid, struct errbuf *eb)
{
    xc_handle *xch = xc_open(eb);
    int rc;

    if (!xch)
        return eb ? eb->err : -EIO;
    rc = xc_domain_resume_cancelled(xch, domid, eb);
    xc_close(xch);
    return rc;
}

int domain_save_stream(uint32_t domid, struct sr_io *io, const struct save_opts *o,
                       uint64_t *pages_out)
{
    struct save_ctx s = { .domid = domid, .io = io, .eb = io->eb };
    struct precopy_state live = { 0 };
    struct live_ctx lc = { .s = &s };
    uint64_t pages = 0;
    bool suspended = false;
    int rc;

    if (domid == 0)
        return eb_msg(io->eb, -EINVAL, "domain 0 cannot be saved");
    s.xch = xc_open(io->eb);
    if (!s.xch)
        return io->eb && io->eb->err ? io->eb->err : -EIO;
    rc = xc_domain_getinfo(s.xch, domid, &s.info, io->eb);
    if (rc)
        goto out;
    if (s.info.hvm) {
        rc = eb_msg(io->eb, -EOPNOTSUPP, "domain %u is HVM: only PV guests are saved here", domid);
        goto out;
    }
    if (s.info.shutdown || s.info.dying) {
        rc = eb_msg(io->eb, -EINVAL, "domain %u is %s, not running", domid,
                    s.info.dying ? "dying" : "shut down");
        goto out;
    }
    if (o->live) {
        lc.shinfo = malloc(4096);
        rc = lc.shinfo ? precopy_rounds(&live_ops, &lc, o->live, &live, &pages, io->eb)
                       : eb_fail(io->eb, -ENOMEM, "shared_info copy");
        if (rc)
            goto out;
        if (o->live->suspending)
            o->live->suspending(o->live->arg);
    }
    uint64_t t0 = sr_now_ns();
    rc = suspend_guest(&s, o->suspend_timeout_ms > 0 ? o->suspend_timeout_ms : 60000);
    sr_phase_add(io, SR_PH_SUSPEND, t0);
    if (rc)
        goto out;
    suspended = true;
    if (live.on)
        rc = live_final(&lc, o->live, &live, o, &pages);
    else
        rc = write_stream(&s, o, &pages);
    if (pages_out)
        *pages_out = pages;
out:
    precopy_end(&live_ops, &lc, &live);
    free(lc.shinfo);
    if (rc && suspended) {
        /* Nothing of a failed save may cost the guest: it carries on. */
        struct errbuf ignored = { 0 };
        if (xc_domain_resume_cancelled(s.xch, domid, &ignored))
            fprintf(stderr, "xl: domain %u could not be resumed after the failed save: %s\n",
                    domid, ignored.msg);
    }
    free(s.p2m);
    free(s.p2m_frames);
    free(s.rev);
    xc_close(s.xch);
    return rc;
}
