/*
 * build.c — the PV domain builder proper: memory, start-of-day layout,
 * kernel and initrd, p2m list, start_info, bootstrap page tables (pinned
 * through the hypervisor), shared_info, grant seeding, event channels and
 * vCPU 0's context.  The steps follow what Xen's own toolstack does for a
 * 64-bit PV guest so an unmodified Linux boots the same way.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "builder.h"
#include <xen/pv_layout.h>
#include <public/xen.h>
#include <public/grant_table.h>

#define PAGE 4096ULL

/* Populate nr_pages as 2 MiB extents where possible, 4 KiB otherwise. */
static int populate(xc_handle *xch, uint32_t domid, uint64_t nr_pages, uint64_t *p2m,
                    struct errbuf *eb)
{
    const unsigned order = 9, per = 1u << order;
    uint64_t nr_super = nr_pages / per, done_pages = 0;
    uint64_t *list = calloc(nr_super ? nr_super : 1, sizeof(uint64_t));
    int rc = 0;

    if (!list)
        return eb_fail(eb, -ENOMEM, "builder: p2m (dom %u)", domid);
    for (uint64_t i = 0; i < nr_super; i++)
        list[i] = i * per;
    if (nr_super) {
        rc = xc_populate_physmap(xch, domid, nr_super, order, 0, list, NULL);
        uint64_t got = rc > 0 ? (uint64_t)rc : 0;
        for (uint64_t i = 0; i < got; i++)
            for (unsigned j = 0; j < per; j++)
                p2m[i * per + j] = list[i] + j;
        done_pages = got * per;
    }
    /* The rest (and anything large extents could not cover) page by page. */
    uint64_t left = nr_pages - done_pages;
    if (left) {
        for (uint64_t i = 0; i < left; i++)
            p2m[done_pages + i] = done_pages + i;
        rc = xc_populate_physmap(xch, domid, left, 0, 0, p2m + done_pages, eb);
        if (rc >= 0 && (uint64_t)rc < left)
            rc = eb_msg(eb, -ENOMEM, "builder: populate_physmap (dom %u): only %" PRIu64
                        " of %" PRIu64 " MiB allocated: not enough free memory",
                        domid, (done_pages + (uint64_t)rc) / 256, nr_pages / 256);
        if (rc < 0)
            goto out;
    }
    rc = 0;
out:
    free(list);
    return rc;
}

void pv_build_layout_params(const struct elf_image *img, uint64_t nr_pages,
                            uint64_t initrd_len, struct pv_layout_params *lp)
{
    *lp = (struct pv_layout_params){
        .nr_pages = nr_pages, .virt_base = img->virt_base,
        .kern_start = img->virt_kstart, .kern_end = img->virt_kend,
        .initrd_len = initrd_len,
        /* libxc's choices, which Linux's early boot is written against: the
         * p2m list at INIT_P2M with its own tables, the initrd by PFN after
         * the mapped area (MOD_START_PFN).  With both inside the mapping the
         * area ends up to 4 MiB past what Linux cleans off its kernel
         * mapping at boot, and the guest keeps a W+X alias of that memory. */
        .p2m_base = img->p2m_base == ELF_UNSET ? PV_LAYOUT_UNSET : img->p2m_base,
        .initrd_unmapped = initrd_len && img->notes.mod_start_pfn,
        .dom0 = false, .limit_1g = true,
    };
}

struct p2m_lookup {
    const uint64_t *p2m;
    uint64_t nr;
};

static uint64_t p2m_mfn(void *ctx, uint64_t pfn)
{
    const struct p2m_lookup *l = ctx;

    return pfn < l->nr ? l->p2m[pfn] : ~0ULL;
}

/* Grant refs 0 (console) and 1 (xenstore) for the backends, as libxc seeds them. */
static int seed_grants(xc_handle *xch, uint32_t domid, uint64_t console_mfn, uint32_t console_dom,
                       uint64_t store_mfn, uint32_t store_dom, struct errbuf *eb)
{
    struct gnttab_setup_table *st = xc_hbuf_alloc(xch, sizeof(*st));
    xen_pfn_t *frames = xc_hbuf_alloc(xch, sizeof(xen_pfn_t));
    int rc;

    if (!st || !frames) {
        rc = eb_fail(eb, -ENOMEM, "builder: grant table (dom %u)", domid);
        goto out;
    }
    st->dom = (domid_t)domid;
    st->nr_frames = 1;
    set_xen_guest_handle(st->frame_list, frames);
    long r = xc_hypercall(xch, __HYPERVISOR_grant_table_op, GNTTABOP_setup_table,
                          (uint64_t)(uintptr_t)st, 1, 0, 0);
    if (r < 0 || st->status != 0) {
        rc = eb_fail(eb, r < 0 ? (int)r : -EINVAL, "grant_table_op setup_table (dom %u, status %d)",
                     domid, st->status);
        goto out;
    }
    uint64_t gf = frames[0];
    struct grant_entry_v1 *g = xc_map_foreign(xch, domid, PROT_READ | PROT_WRITE, &gf, NULL, 1, eb);
    if (!g) {
        rc = eb ? eb->err : -EIO;
        goto out;
    }
    g[GNTTAB_RESERVED_CONSOLE].domid = (domid_t)console_dom;
    g[GNTTAB_RESERVED_CONSOLE].frame = (uint32_t)console_mfn;
    g[GNTTAB_RESERVED_XENSTORE].domid = (domid_t)store_dom;
    g[GNTTAB_RESERVED_XENSTORE].frame = (uint32_t)store_mfn;
    __sync_synchronize();      /* flags last: the entry is valid only once complete */
    g[GNTTAB_RESERVED_CONSOLE].flags = GTF_permit_access;
    g[GNTTAB_RESERVED_XENSTORE].flags = GTF_permit_access;
    xc_unmap(g, 1);
    rc = 0;
out:
    xc_hbuf_free(frames, sizeof(xen_pfn_t));
    xc_hbuf_free(st, sizeof(*st));
    return rc;
}

struct load_window {
    uint8_t *base;
    uint64_t va;
    size_t len;
    const struct pv_kernel *k;
};

/* elf_load() callback: the window maps the guest's image area. */
static int window_write(void *ctx, uint64_t va, const void *src, size_t len)
{
    struct load_window *w = ctx;

    if (va < w->va || va - w->va > w->len || len > w->len - (va - w->va))
        return -ERANGE;
    if (src && w->k->fd >= 0 && (const uint8_t *)src >= (const uint8_t *)w->k->elf &&
        (size_t)((const uint8_t *)src - (const uint8_t *)w->k->elf) <= w->k->elf_size) {
        /* Straight from the file into guest memory: no faults on a 66 MB mapping. */
        off_t off = (off_t)((const uint8_t *)src - (const uint8_t *)w->k->elf);
        size_t done = 0;
        while (done < len) {
            ssize_t n = pread(w->k->fd, w->base + (va - w->va) + done, len - done, off + (off_t)done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return n < 0 ? -errno : -EIO;
            done += (size_t)n;
        }
    } else if (src)
        memcpy(w->base + (va - w->va), src, len);
    else
        memset(w->base + (va - w->va), 0, len);
    return 0;
}

int pv_build(xc_handle *xch, const struct pv_build_args *a,
             struct pv_build_result *r, struct errbuf *eb)
{
    struct elf_image *img = NULL;
    struct pv_layout L;
    struct pv_initrd rd = { .fd = -1 };
    struct xc_dominfo di;
    uint64_t *p2m = NULL, ramdisk_len = 0;
    uint8_t *win = NULL;
    size_t win_pages = 0;
    char reason[256];
    int rc;

    memset(r, 0, sizeof(*r));
    img = malloc(sizeof(*img));
    if (!img)
        return eb_fail(eb, -ENOMEM, "builder (dom %u)", a->domid);
    rc = pv_kernel_parse(a->kernel, img, eb);
    if (rc < 0)
        goto out;
    if (a->ramdisk) {
        rc = pv_initrd_open(a->ramdisk, a->initrd_cache_dir, &rd, eb);
        if (rc < 0)
            goto out;
        ramdisk_len = rd.len;
        xc_trace("ramdisk %s: %" PRIu64 " bytes (%s)", a->ramdisk, rd.len, rd.format);
    }
    struct pv_layout_params lp;
    pv_build_layout_params(img, a->nr_pages, ramdisk_len, &lp);
    rc = pv_layout_compute(&lp, &L, "builder", reason, sizeof(reason));
    if (rc < 0) {
        rc = eb_msg(eb, rc, "%s (memory=%" PRIu64 " MiB)", reason, a->nr_pages / 256);
        goto out;
    }

    rc = xc_domain_getinfo(xch, a->domid, &di, eb);
    if (rc < 0)
        goto out;

    p2m = calloc(a->nr_pages, sizeof(uint64_t));
    if (!p2m) {
        rc = eb_fail(eb, -ENOMEM, "builder: p2m of %" PRIu64 " pages", a->nr_pages);
        goto out;
    }
    rc = populate(xch, a->domid, a->nr_pages, p2m, eb);
    if (rc < 0)
        goto out;
    xc_trace("populated %" PRIu64 " pages", a->nr_pages);

    /* One window over every frame the guest starts with: from the kernel
     * through the mapped area, the unmapped initrd and the p2m list. */
    uint64_t first_pfn = pv_layout_pfn(&L, L.kern_start);
    win_pages = (size_t)(L.nr_pages_used - first_pfn);
    win = xc_map_foreign(xch, a->domid, PROT_READ | PROT_WRITE, p2m + first_pfn, NULL,
                         win_pages, eb);
    if (!win) {
        rc = eb ? eb->err : -EIO;
        goto out;
    }
    xc_trace("mapped %zu pages", win_pages);
    uint64_t win_va = L.kern_start;
#define AT_PFN(pfn) (win + ((pfn) - first_pfn) * PAGE)
#define AT(va) AT_PFN(pv_layout_pfn(&L, (va)))
    struct load_window lw = { win, win_va, (size_t)(L.v_end - win_va), a->kernel };
    rc = elf_load(img, window_write, &lw);
    if (rc < 0) {
        rc = eb_msg(eb, rc, "%s", img->reason[0] ? img->reason : "kernel: loading the ELF image failed");
        goto out;
    }
    if (a->ramdisk) {
        rc = pv_initrd_copy(&rd, AT_PFN(L.initrd_pfn), eb);
        if (rc < 0)
            goto out;
    }
    xc_trace("kernel and ramdisk copied");
    uint64_t *p2m_tables = NULL, *p2m_list = (uint64_t *)AT(L.p2m_start);
    if (L.nr_p2m_frames) {
        p2m_tables = (uint64_t *)AT_PFN(L.first_p2m_pfn);
        p2m_list = (uint64_t *)AT_PFN(L.first_p2m_pfn + L.p2m_nr_l3 + L.p2m_nr_l2 + L.p2m_nr_l1);
    }
    memcpy(p2m_list, p2m, a->nr_pages * sizeof(uint64_t));
    memset(AT(L.xenstore), 0, PAGE);
    memset(AT(L.console), 0, PAGE);
    memset(AT(L.stack_start), 0, PAGE);
    struct p2m_lookup look = { p2m, a->nr_pages };
    rc = pv_layout_pagetables(&L, p2m_mfn, &look, (uint64_t *)AT(L.pt_start), p2m_tables);
    if (rc < 0) {
        rc = eb_msg(eb, rc, "builder: bootstrap page tables for dom %u: inconsistent layout",
                    a->domid);
        goto out;
    }

    r->store_mfn = p2m[pv_layout_pfn(&L, L.xenstore)];
    r->console_mfn = p2m[pv_layout_pfn(&L, L.console)];
    rc = xc_evtchn_alloc_unbound(xch, a->domid, a->store_domid, &r->store_port, eb);
    if (rc < 0)
        goto out;
    rc = xc_evtchn_alloc_unbound(xch, a->domid, a->console_domid, &r->console_port, eb);
    if (rc < 0)
        goto out;

    struct pv_start_info_params sp = {
        .shared_info_maddr = di.shared_info_frame << 12, .flags = 0,
        .store_mfn = r->store_mfn, .store_evtchn = r->store_port,
        .console_mfn = r->console_mfn, .console_evtchn = r->console_port,
        .cmdline = a->cmdline,
    };
    pv_start_info_fill(AT(L.start_info), &L, &lp, &sp);
#undef AT
#undef AT_PFN
    /* The L4 cannot be pinned while dom0 still maps any table writable. */
    xc_unmap(win, win_pages);
    win = NULL;

    xc_trace("unmapped");
    if (img->virt_hypercall != ELF_UNSET) {
        uint64_t pfn = pv_layout_pfn(&L, img->virt_hypercall);
        rc = xc_domain_hypercall_init(xch, a->domid, p2m[pfn], eb);
        if (rc < 0)
            goto out;
    }
    uint64_t l4_mfn = p2m[pv_layout_pfn(&L, L.pt_start)];
    rc = xc_mmuext_pin(xch, a->domid, MMUEXT_PIN_L4_TABLE, l4_mfn, eb);
    if (rc < 0)
        goto out;

    xc_trace("L4 pinned");
    /* Events stay masked on every vCPU until the guest is ready for upcalls. */
    uint64_t sif = di.shared_info_frame;
    struct shared_info *sh = xc_map_foreign(xch, a->domid, PROT_READ | PROT_WRITE, &sif, NULL, 1, eb);
    if (!sh) {
        rc = eb ? eb->err : -EIO;
        goto out;
    }
    for (unsigned i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
        sh->vcpu_info[i].evtchn_upcall_mask = 1;
    xc_unmap(sh, 1);

    /* Backends find the rings through grant refs 0/1; fall back to foreign maps if this fails. */
    struct errbuf geb;
    eb_clear(&geb);
    if (seed_grants(xch, a->domid, r->console_mfn, a->console_domid, r->store_mfn,
                    a->store_domid, &geb) < 0)
        fprintf(stderr, "warning: %s\n", geb.msg);

    struct xc_vcpu_ctx ctx = {
        .rip = img->virt_entry, .rsp = L.stack_end, .rsi = L.start_info,
        .rflags = 1 << 9, .cr3_mfn = l4_mfn,
        .kernel_ss = FLAT_KERNEL_SS, .kernel_sp = L.stack_end,
        .cs = FLAT_KERNEL_CS, .ss = FLAT_KERNEL_SS, .ds = FLAT_KERNEL_DS,
        .es = FLAT_KERNEL_DS, .fs = FLAT_KERNEL_DS, .gs = FLAT_KERNEL_DS,
        .in_kernel = true,
    };
    rc = xc_vcpu_setcontext(xch, a->domid, 0, &ctx, eb);
    if (rc < 0)
        goto out;
    r->virt_base = L.v_start;
    r->entry = img->virt_entry;
    rc = 0;
out:
    if (win)
        xc_unmap(win, win_pages);
    pv_initrd_close(&rd);
    free(p2m);
    free(img);
    return rc;
}
