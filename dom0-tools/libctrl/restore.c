/*
 * restore.c — a libxc stream v2/v3 loaded into a new, empty PV domain.
 *
 * Pages arrive as PAGE_DATA records of PFNs; each PFN gets a frame from
 * populate_physmap (which also sets the hypervisor's M2P entry) when first
 * seen, and page tables are rewritten from PFNs to the new frames as they
 * are written, populating the PFNs they reference.  At END: the guest's
 * p2m frames get the new frame numbers, start_info the new xenstore and
 * console frames and event channels (Linux turned them into PFNs before
 * suspending), the pinned tables are pinned again, shared_info gets the
 * saved vCPU information with every event masked, and each vCPU its
 * context with frames translated.  The domain stays paused.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "internal.h"
#include "saverestore.h"

#define FPP 512u
#define NO_MFN (~0ull)
#define MAX_PFN_LIMIT (1ull << 32)      /* 16 TiB of guest: beyond is corrupt */
#define MAX_VCPUS 128u

struct restore_ctx {
    xc_handle *xch;
    uint32_t domid;
    struct sr_io *io;
    struct errbuf *eb;
    uint64_t max_pfn;                   /* entries - 1 */
    uint64_t nr;                        /* allocated entries of p2m/types */
    uint64_t *p2m;                      /* PFN -> new MFN or NO_MFN */
    uint32_t *types;                    /* XEN_DOMCTL_PFINFO_* per PFN */
    uint64_t *p2m_frame_pfns;
    uint64_t nr_p2m_frames;
    bool have_pv_info, have_p2m_frames;
    void *shinfo;                       /* the saved shared_info page */
    struct vcpu_guest_context *vcpu[MAX_VCPUS];
    uint64_t pages;
    uint64_t ignored;                   /* records not applied (see restore_stream) */
};

static uint64_t pfn_to_mfn(void *arg, uint64_t pfn)
{
    struct restore_ctx *r = arg;

    return pfn < r->nr ? r->p2m[pfn] : NO_MFN;
}

/* Grow the PFN arrays to cover pfn. */
static int ensure_pfn(struct restore_ctx *r, uint64_t pfn, uint64_t rec_off)
{
    uint64_t n;

    if (pfn >= MAX_PFN_LIMIT)
        return eb_msg(r->eb, -EINVAL, "%s: corrupt record at offset %" PRIu64 ": pfn %#" PRIx64
                      " out of range", r->io->name, rec_off, pfn);
    if (pfn < r->nr)
        return 0;
    n = r->nr ? r->nr : 1024;
    while (n <= pfn)
        n *= 2;
    uint64_t *p = realloc(r->p2m, n * sizeof(*p));
    if (!p)
        return eb_fail(r->eb, -ENOMEM, "p2m of %" PRIu64 " entries", n);
    r->p2m = p;
    uint32_t *t = realloc(r->types, n * sizeof(*t));
    if (!t)
        return eb_fail(r->eb, -ENOMEM, "p2m of %" PRIu64 " entries", n);
    r->types = t;
    for (uint64_t i = r->nr; i < n; i++) {
        r->p2m[i] = NO_MFN;
        r->types[i] = XEN_DOMCTL_PFINFO_XTAB;
    }
    r->nr = n;
    return 0;
}

/* Give every PFN of pfns[] that has no frame yet one (one hypercall). */
static int populate(struct restore_ctx *r, const uint64_t *pfns, unsigned n)
{
    uint64_t *want = malloc(n * sizeof(*want));
    unsigned nw = 0;
    int rc;

    if (!want)
        return eb_fail(r->eb, -ENOMEM, "populate");
    for (unsigned i = 0; i < n; i++) {
        bool dup = false;
        if (r->p2m[pfns[i]] != NO_MFN)
            continue;
        for (unsigned j = 0; j < nw && !dup; j++)
            dup = want[j] == pfns[i];
        if (!dup)
            want[nw++] = pfns[i];
    }
    if (nw == 0) {
        free(want);
        return 0;
    }
    uint64_t *io = malloc(nw * sizeof(*io));
    if (!io) {
        free(want);
        return eb_fail(r->eb, -ENOMEM, "populate");
    }
    memcpy(io, want, nw * sizeof(*io));
    uint64_t t0 = sr_now_ns();
    rc = xc_populate_physmap(r->xch, r->domid, nw, 0, 0, io, r->eb);
    sr_phase_add(r->io, SR_PH_POPULATE, t0);
    if (rc >= 0 && (unsigned)rc != nw)
        rc = eb_msg(r->eb, -ENOMEM, "domain %u: only %d of %u pages could be allocated "
                    "(out of memory or over maxmem)", r->domid, rc, nw);
    if (rc >= 0) {
        for (unsigned i = 0; i < nw; i++)
            r->p2m[want[i]] = io[i];
        if (want[nw - 1] > r->max_pfn)
            r->max_pfn = want[nw - 1];
        rc = 0;
    }
    free(io);
    free(want);
    return rc;
}

static bool valid_type(uint32_t t)
{
    uint32_t k = t >> XEN_DOMCTL_PFINFO_LTAB_SHIFT;

    return k <= 4 || (k >= 9 && k <= 0xf);
}

static bool has_data(uint32_t t)
{
    return t != XEN_DOMCTL_PFINFO_XTAB && t != XEN_DOMCTL_PFINFO_XALLOC &&
           t != XEN_DOMCTL_PFINFO_BROKEN;
}

/*
 * One PAGE_DATA record, its header already read: the PFN words are read and
 * checked first, frames populated, and the pages read from the file
 * straight into the guest's frames (no copy through a buffer); then the
 * frames their page tables reference are populated and the tables
 * rewritten in place, PFNs to MFNs.
 */
static int page_data(struct restore_ctx *r, const struct sr_record *rec)
{
    uint32_t count;
    uint64_t head, *words = NULL, *pfns = NULL, *mfns = NULL, *refs = NULL;
    unsigned nd = 0, nrefs = 0, npt = 0;
    uint8_t *map = NULL;
    int rc;

    if (rec->length < 8)
        goto corrupt;
    rc = sr_read(r->io, &head, 8, "PAGE_DATA");
    if (rc)
        return rc;
    count = (uint32_t)head;
    if (count == 0 || count > SR_MAX_RECORD / 8 || rec->length < 8 + (uint64_t)count * 8)
        goto corrupt;
    words = malloc(count * sizeof(*words));
    pfns = malloc(count * sizeof(*pfns));
    mfns = malloc(count * sizeof(*mfns));
    if (!words || !pfns || !mfns) {
        rc = eb_fail(r->eb, -ENOMEM, "page batch");
        goto out;
    }
    rc = sr_read(r->io, words, count * 8u, "PAGE_DATA pfns");
    if (rc)
        goto out;
    for (uint32_t i = 0; i < count; i++) {
        uint64_t w = words[i];
        uint32_t t;

        pfns[i] = w & SR_PFN_MASK;
        t = (uint32_t)(w >> SR_PFN_TYPE_SHIFT) & XEN_DOMCTL_PFINFO_LTAB_MASK;
        if (!valid_type(t)) {
            rc = eb_msg(r->eb, -EINVAL, "%s: corrupt PAGE_DATA at offset %" PRIu64
                        ": pfn %#" PRIx64 " has unknown type %#x", r->io->name, rec->off,
                        pfns[i], t >> XEN_DOMCTL_PFINFO_LTAB_SHIFT);
            goto out;
        }
        rc = ensure_pfn(r, pfns[i], rec->off);
        if (rc)
            goto out;
        r->types[pfns[i]] = t;
        if (has_data(t))
            nd++;
        if ((t & XEN_DOMCTL_PFINFO_LTABTYPE_MASK) && has_data(t))
            npt++;
    }
    if (rec->length != 8 + (uint64_t)count * 8 + (uint64_t)nd * 4096)
        goto corrupt;
    /* Frames for the pages, XALLOC ones included (allocated, no data). */
    {
        unsigned na = 0;
        for (uint32_t i = 0; i < count; i++)
            if (has_data(r->types[pfns[i]]) || r->types[pfns[i]] == XEN_DOMCTL_PFINFO_XALLOC)
                mfns[na++] = pfns[i];
        rc = populate(r, mfns, na);
        if (rc)
            goto out;
    }
    if (nd == 0)
        goto done;
    {
        unsigned k = 0;
        for (uint32_t i = 0; i < count; i++)
            if (has_data(r->types[pfns[i]]))
                mfns[k++] = r->p2m[pfns[i]];
    }
    uint64_t tm = sr_now_ns();
    map = xc_map_foreign(r->xch, r->domid, PROT_READ | PROT_WRITE, mfns, NULL, nd, r->eb);
    sr_phase_add(r->io, SR_PH_MAP, tm);
    if (!map) {
        rc = r->eb->err ? r->eb->err : -EIO;
        goto out;
    }
    rc = sr_read(r->io, map, (size_t)nd * 4096, "PAGE_DATA pages");
    if (rc)
        goto out;
    if (npt == 0)
        goto done;

    /* The frames the page tables reference get theirs before the rewrite. */
    refs = malloc((size_t)npt * 512 * sizeof(*refs));
    if (!refs) {
        rc = eb_fail(r->eb, -ENOMEM, "page batch");
        goto out;
    }
    tm = sr_now_ns();
    for (uint32_t i = 0, k = 0; i < count; i++) {
        uint32_t t = r->types[pfns[i]];
        if (!has_data(t))
            continue;
        if (t & XEN_DOMCTL_PFINFO_LTABTYPE_MASK) {
            const uint64_t *pte = (const uint64_t *)(map + (size_t)k * 4096);
            unsigned level = (t & XEN_DOMCTL_PFINFO_LTABTYPE_MASK) >> XEN_DOMCTL_PFINFO_LTAB_SHIFT;
            for (unsigned e = 0; e < 512; e++) {
                if (level == 4 && e >= SR_L4_XEN_FIRST && e <= SR_L4_XEN_LAST)
                    continue;
                if (!(pte[e] & SR_PTE_PRESENT))
                    continue;
                rc = ensure_pfn(r, SR_PTE_FRAME(pte[e]), rec->off);
                if (rc)
                    goto out;
                refs[nrefs++] = SR_PTE_FRAME(pte[e]);
            }
        }
        k++;
    }
    sr_phase_add(r->io, SR_PH_PT, tm);
    for (unsigned i = 0; i < nrefs && rc == 0; i += 1024)
        rc = populate(r, refs + i, nrefs - i > 1024 ? 1024 : nrefs - i);
    if (rc)
        goto out;
    tm = sr_now_ns();
    for (uint32_t i = 0, k = 0; i < count; i++) {
        uint32_t t = r->types[pfns[i]];
        int bad;

        if (!has_data(t))
            continue;
        if (t & XEN_DOMCTL_PFINFO_LTABTYPE_MASK) {
            unsigned level = (t & XEN_DOMCTL_PFINFO_LTABTYPE_MASK) >> XEN_DOMCTL_PFINFO_LTAB_SHIFT;
            if (sr_pt_rewrite((uint64_t *)(map + (size_t)k * 4096), level, pfn_to_mfn, r, &bad)) {
                rc = eb_msg(r->eb, -EINVAL, "%s: corrupt page table L%u, pfn %#" PRIx64
                            " entry %d, in PAGE_DATA at offset %" PRIu64, r->io->name,
                            level, pfns[i], bad, rec->off);
                goto out;
            }
        }
        k++;
    }
    sr_phase_add(r->io, SR_PH_PT, tm);
done:
    rc = sr_read_record_pad(r->io, rec);
    if (rc == 0)
        r->pages += nd;
    goto out;
corrupt:
    rc = eb_msg(r->eb, -EINVAL, "%s: corrupt PAGE_DATA record at offset %" PRIu64
                " (length %" PRIu32 ")", r->io->name, rec->off, rec->length);
out:
    if (map) {
        uint64_t tu = sr_now_ns();
        xc_unmap(map, nd);
        sr_phase_add(r->io, SR_PH_UNMAP, tu);
    }
    free(refs);
    free(words);
    free(pfns);
    free(mfns);
    return rc;
}

static int p2m_frames(struct restore_ctx *r, const struct sr_record *rec)
{
    uint32_t se[2];
    uint64_t n;

    if (rec->length < 8)
        goto corrupt;
    memcpy(se, rec->data, 8);
    if (se[0] != 0 || se[1] < se[0])
        goto corrupt;
    n = ((uint64_t)se[1] - se[0]) / FPP + 1;
    if (rec->length != 8 + n * 8)
        goto corrupt;
    int rc = ensure_pfn(r, se[1], rec->off);
    if (rc)
        return rc;
    r->max_pfn = se[1];
    free(r->p2m_frame_pfns);
    r->p2m_frame_pfns = malloc(n * 8);
    if (!r->p2m_frame_pfns)
        return eb_fail(r->eb, -ENOMEM, "p2m frames");
    memcpy(r->p2m_frame_pfns, (uint8_t *)rec->data + 8, n * 8);
    r->nr_p2m_frames = n;
    r->have_p2m_frames = true;
    return 0;
corrupt:
    return eb_msg(r->eb, -EINVAL, "%s: corrupt X86_PV_P2M_FRAMES record at offset %" PRIu64,
                  r->io->name, rec->off);
}

/* The guest's own p2m frames get the new MFNs. */
static int update_guest_p2m(struct restore_ctx *r)
{
    uint64_t *mfns = malloc(r->nr_p2m_frames * 8);
    uint64_t *map;
    int rc = 0;

    if (!mfns)
        return eb_fail(r->eb, -ENOMEM, "p2m frames");
    for (uint64_t i = 0; i < r->nr_p2m_frames; i++) {
        uint64_t pfn = r->p2m_frame_pfns[i];
        mfns[i] = pfn_to_mfn(r, pfn);
        if (mfns[i] == NO_MFN) {
            free(mfns);
            return eb_msg(r->eb, -EINVAL, "%s: p2m frame %" PRIu64 " (pfn %#" PRIx64
                          ") was not in the image", r->io->name, i, pfn);
        }
    }
    map = xc_map_foreign(r->xch, r->domid, PROT_READ | PROT_WRITE, mfns, NULL,
                         r->nr_p2m_frames, r->eb);
    if (!map) {
        free(mfns);
        return r->eb->err ? r->eb->err : -EIO;
    }
    /* As libxc: entries 0..max_pfn, whatever frame they share. */
    for (uint64_t pfn = 0; pfn <= r->max_pfn && pfn < r->nr_p2m_frames * FPP; pfn++)
        map[pfn] = pfn_to_mfn(r, pfn);
    xc_unmap(map, r->nr_p2m_frames);
    free(mfns);
    return rc;
}

/* A PFN the stream names for something (start_info, rings): a normal page. */
static int plain_page(struct restore_ctx *r, uint64_t pfn, const char *what, uint64_t *mfn)
{
    if (pfn > r->max_pfn || pfn >= r->nr || r->p2m[pfn] == NO_MFN)
        return eb_msg(r->eb, -EINVAL, "%s: the %s pfn %#" PRIx64 " is not in the image",
                      r->io->name, what, pfn);
    if (r->types[pfn] != XEN_DOMCTL_PFINFO_NOTAB)
        return eb_msg(r->eb, -EINVAL, "%s: the %s pfn %#" PRIx64 " is a page table",
                      r->io->name, what, pfn);
    *mfn = r->p2m[pfn];
    return 0;
}

/* start_info: new frames and event channels for xenstore and the console. */
static int fix_start_info(struct restore_ctx *r, struct vcpu_guest_context *v0,
                          struct restore_result *res)
{
    struct xc_dominfo info;
    uint64_t si_mfn;
    start_info_t *si;
    int rc = plain_page(r, v0->user_regs.rdx, "start_info", &si_mfn);

    if (rc)
        return rc;
    rc = xc_domain_getinfo(r->xch, r->domid, &info, r->eb);
    if (rc)
        return rc;
    rc = xc_evtchn_alloc_unbound(r->xch, r->domid, 0, &res->store_port, r->eb);
    if (rc == 0)
        rc = xc_evtchn_alloc_unbound(r->xch, r->domid, 0, &res->console_port, r->eb);
    if (rc)
        return rc;
    si = xc_map_foreign(r->xch, r->domid, PROT_READ | PROT_WRITE, &si_mfn, NULL, 1, r->eb);
    if (!si)
        return r->eb->err ? r->eb->err : -EIO;
    rc = plain_page(r, si->store_mfn, "xenstore ring", &res->store_mfn);
    if (rc == 0)
        rc = plain_page(r, si->console.domU.mfn, "console ring", &res->console_mfn);
    if (rc == 0) {
        si->store_mfn = res->store_mfn;
        si->store_evtchn = res->store_port;
        si->console.domU.mfn = res->console_mfn;
        si->console.domU.evtchn = res->console_port;
        si->nr_pages = r->max_pfn + 1;
        si->shared_info = info.shared_info_frame << 12;
        si->flags = 0;
        v0->user_regs.rdx = si_mfn;
    }
    xc_unmap(si, 1);
    return rc;
}

static int pin_tables(struct restore_ctx *r)
{
    static const unsigned cmd[5] = { 0, MMUEXT_PIN_L1_TABLE, MMUEXT_PIN_L2_TABLE,
                                     MMUEXT_PIN_L3_TABLE, MMUEXT_PIN_L4_TABLE };
    int rc;

    for (uint64_t pfn = 0; pfn <= r->max_pfn && pfn < r->nr; pfn++) {
        uint32_t t = r->types[pfn];
        unsigned level = (t & XEN_DOMCTL_PFINFO_LTABTYPE_MASK) >> XEN_DOMCTL_PFINFO_LTAB_SHIFT;

        if (!(t & XEN_DOMCTL_PFINFO_LPINTAB) || !has_data(t) || level < 1 || level > 4)
            continue;
        rc = xc_mmuext_pin(r->xch, r->domid, cmd[level], r->p2m[pfn], r->eb);
        if (rc)
            return eb_msg(r->eb, rc, "pinning the L%u table at pfn %#" PRIx64 " (mfn %#" PRIx64
                          "): %s", level, pfn, r->p2m[pfn], r->eb->msg);
    }
    return 0;
}

/* The saved vCPU information and p2m pointers; every event masked, none pending. */
static int fix_shared_info(struct restore_ctx *r)
{
    struct xc_dominfo info;
    uint64_t sif;
    shared_info_t *sh, *old = r->shinfo;
    int rc = xc_domain_getinfo(r->xch, r->domid, &info, r->eb);

    if (rc)
        return rc;
    sif = info.shared_info_frame;
    sh = xc_map_foreign(r->xch, r->domid, PROT_READ | PROT_WRITE, &sif, NULL, 1, r->eb);
    if (!sh)
        return r->eb->err ? r->eb->err : -EIO;
    memcpy(sh->vcpu_info, old->vcpu_info, sizeof(sh->vcpu_info));
    memcpy(&sh->arch, &old->arch, sizeof(sh->arch));
    memset(sh->evtchn_pending, 0, sizeof(sh->evtchn_pending));
    memset(sh->evtchn_mask, 0xff, sizeof(sh->evtchn_mask));
    for (unsigned i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
        sh->vcpu_info[i].evtchn_pending_sel = 0;
    xc_unmap(sh, 1);
    return 0;
}

static int set_vcpu(struct restore_ctx *r, unsigned id, struct vcpu_guest_context *c)
{
    uint64_t mfn;

    for (unsigned i = 0; i * 512 < c->gdt_ents && i < 16; i++) {
        mfn = pfn_to_mfn(r, c->gdt_frames[i]);
        if (mfn == NO_MFN)
            return eb_msg(r->eb, -EINVAL, "%s: vcpu%u GDT frame pfn %#lx is not in the image",
                          r->io->name, id, (unsigned long)c->gdt_frames[i]);
        c->gdt_frames[i] = mfn;
    }
    for (unsigned reg = 1; reg <= 3; reg += 2) {
        /* A user page table was translated on save only if bit 0 is set
         * (libxc's mark); otherwise it is left alone, as libxc does. */
        if (reg == 1 && !(c->ctrlreg[1] & 1))
            continue;
        mfn = pfn_to_mfn(r, c->ctrlreg[reg] >> 12);
        if (mfn == NO_MFN)
            return eb_msg(r->eb, -EINVAL, "%s: vcpu%u cr%u pfn %#lx is not in the image",
                          r->io->name, id, reg, (unsigned long)(c->ctrlreg[reg] >> 12));
        c->ctrlreg[reg] = mfn << 12;
    }
    c->flags |= VGCF_online;
    return xc_vcpu_setcontext_raw(r->xch, r->domid, id, c, r->eb);
}

static int finish(struct restore_ctx *r, struct restore_result *res)
{
    int rc;

    if (!r->have_p2m_frames)
        return eb_msg(r->eb, -EINVAL, "%s: no X86_PV_P2M_FRAMES record", r->io->name);
    if (!r->vcpu[0])
        return eb_msg(r->eb, -EINVAL, "%s: no X86_PV_VCPU_BASIC record for vcpu0", r->io->name);
    if (!r->shinfo)
        return eb_msg(r->eb, -EINVAL, "%s: no SHARED_INFO record", r->io->name);
    rc = update_guest_p2m(r);
    if (rc == 0)
        rc = fix_start_info(r, r->vcpu[0], res);
    if (rc == 0)
        rc = pin_tables(r);
    if (rc == 0)
        rc = fix_shared_info(r);
    for (unsigned id = 0; id < MAX_VCPUS && rc == 0; id++)
        if (r->vcpu[id])
            rc = set_vcpu(r, id, r->vcpu[id]);
    res->pages = r->pages;
    return rc;
}

int domain_restore_stream(xc_handle *xch, uint32_t domid, struct sr_io *io,
                          sr_progress_fn progress, void *progress_arg,
                          struct restore_result *res)
{
    struct restore_ctx r = { .xch = xch, .domid = domid, .io = io, .eb = io->eb };
    struct sr_record rec = { 0 };
    uint32_t version;
    char nb[16];
    int rc;

    memset(res, 0, sizeof(*res));
    rc = sr_read_libxc_headers(io, &version);
    while (rc == 0) {
        rc = sr_read_record_head(io, &rec);
        if (rc)
            break;
        /* Page data goes from the file into the guest; the rest is read whole. */
        if (rec.type == SR_REC_PAGE_DATA && r.have_p2m_frames) {
            rc = page_data(&r, &rec);
            if (rc == 0 && progress)
                progress(progress_arg, r.pages, r.max_pfn + 1);
            continue;
        }
        rc = sr_read_record_body(io, &rec);
        if (rc)
            break;
        switch (rec.type) {
        case SR_REC_END: {
            uint64_t t0 = sr_now_ns();
            rc = finish(&r, res);
            sr_phase_add(io, SR_PH_FINISH, t0);
            }
            sr_record_free(&rec);
            goto out;
        case SR_REC_X86_PV_INFO: {
            const uint8_t *b = rec.data;
            if (rec.length < 2 || b[0] != 8 || b[1] != 4)
                rc = eb_msg(io->eb, -EOPNOTSUPP, "%s: X86_PV_INFO at offset %" PRIu64
                            ": guest width %u, %u levels (only 64-bit, 4-level guests)",
                            io->name, rec.off, rec.length ? b[0] : 0, rec.length > 1 ? b[1] : 0);
            r.have_pv_info = true;
            break;
        }
        case SR_REC_X86_PV_P2M_FRAMES:
            rc = r.have_pv_info ? p2m_frames(&r, &rec)
                 : eb_msg(io->eb, -EINVAL, "%s: X86_PV_P2M_FRAMES before X86_PV_INFO", io->name);
            break;
        case SR_REC_PAGE_DATA:
            rc = eb_msg(io->eb, -EINVAL, "%s: PAGE_DATA before X86_PV_P2M_FRAMES", io->name);
            break;
        case SR_REC_X86_TSC_INFO: {
            struct { uint32_t mode, khz; uint64_t nsec; uint32_t inc, res; } t;
            if (rec.length != sizeof(t)) {
                rc = eb_msg(io->eb, -EINVAL, "%s: corrupt X86_TSC_INFO at offset %" PRIu64,
                            io->name, rec.off);
                break;
            }
            memcpy(&t, rec.data, sizeof(t));
            struct xc_tscinfo ti = { t.mode, t.khz, t.inc, t.nsec };
            rc = xc_domain_tscinfo(xch, domid, &ti, true, io->eb);
            break;
        }
        case SR_REC_SHARED_INFO:
            if (rec.length != 4096) {
                rc = eb_msg(io->eb, -EINVAL, "%s: SHARED_INFO at offset %" PRIu64 " is %" PRIu32
                            " bytes (4096 expected)", io->name, rec.off, rec.length);
                break;
            }
            free(r.shinfo);
            r.shinfo = rec.data;
            rec.data = NULL;
            break;
        case SR_REC_X86_PV_VCPU_BASIC: {
            uint32_t id;
            if (rec.length != 8 + sizeof(struct vcpu_guest_context)) {
                rc = eb_msg(io->eb, -EINVAL, "%s: X86_PV_VCPU_BASIC at offset %" PRIu64
                            " is %" PRIu32 " bytes (%zu expected)", io->name, rec.off,
                            rec.length, 8 + sizeof(struct vcpu_guest_context));
                break;
            }
            memcpy(&id, rec.data, 4);
            if (id >= MAX_VCPUS) {
                rc = eb_msg(io->eb, -EINVAL, "%s: vcpu id %" PRIu32 " at offset %" PRIu64,
                            io->name, id, rec.off);
                break;
            }
            free(r.vcpu[id]);
            r.vcpu[id] = malloc(sizeof(struct vcpu_guest_context));
            if (!r.vcpu[id]) {
                rc = eb_fail(io->eb, -ENOMEM, "vcpu context");
                break;
            }
            memcpy(r.vcpu[id], (uint8_t *)rec.data + 8, sizeof(struct vcpu_guest_context));
            break;
        }
        case SR_REC_STATIC_DATA_END:
            break;
        /*
         * State our hypervisor has no interface for (extended vCPU state:
         * SYSENTER/SYSCALL32 callbacks a 64-bit guest does not use, the FPU
         * extended state and PV MSRs of a vCPU that suspended in the
         * kernel) and CPU policies (the guest keeps seeing the PV view):
         * read and counted, not applied.
         */
        case SR_REC_X86_PV_VCPU_EXTENDED:
        case SR_REC_X86_PV_VCPU_XSAVE:
        case SR_REC_X86_PV_VCPU_MSRS:
        case SR_REC_X86_CPUID_POLICY:
        case SR_REC_X86_MSR_POLICY:
            r.ignored++;
            break;
        case SR_REC_CHECKPOINT:
            rc = eb_msg(io->eb, -EOPNOTSUPP, "%s: a checkpointed stream (CHECKPOINT record at "
                        "offset %" PRIu64 ": Remus/COLO) is not supported", io->name, rec.off);
            break;
        default:
            if (!(rec.type & SR_REC_OPTIONAL))
                rc = eb_msg(io->eb, -EOPNOTSUPP, "%s: record %s at offset %" PRIu64
                            " is not supported for an x86 PV guest", io->name,
                            sr_rec_name(rec.type, nb), rec.off);
            break;
        }
        sr_record_free(&rec);
    }
out:
    free(r.p2m);
    free(r.types);
    free(r.p2m_frame_pfns);
    free(r.shinfo);
    for (unsigned i = 0; i < MAX_VCPUS; i++)
        free(r.vcpu[i]);
    return rc;
}
