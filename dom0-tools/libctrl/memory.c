/*
 * memory.c — guest memory on behalf of the toolstack: populate_physmap and
 * decrease_reservation for a foreign domain, claims, MMAPBATCH_V2 foreign
 * mappings, and mmu_update/mmuext_op with a foreign domain (page-table
 * pinning by the builder).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "internal.h"
#include "xen_ioctl.h"
#include <public/memory.h>

/* Batches keep each hypercall's bounce buffer small and preemption cheap. */
#define RESERVATION_BATCH 4096

static int reservation(xc_handle *xch, unsigned op, const char *opname,
                       uint32_t domid, unsigned long nr, unsigned order,
                       unsigned mem_flags, uint64_t *gpfns, struct errbuf *eb)
{
    struct xen_memory_reservation *r = hbuf_alloc(xch, sizeof(*r));
    uint64_t *hb = hbuf_alloc(xch, RESERVATION_BATCH * sizeof(uint64_t));
    unsigned long done = 0;
    int rc = 0;

    if (!r || !hb) {
        rc = eb_fail(eb, -ENOMEM, "memory_op %s (dom %u)", opname, domid);
        goto out;
    }
    while (done < nr) {
        unsigned long n = nr - done < RESERVATION_BATCH ? nr - done : RESERVATION_BATCH;
        memcpy(hb, gpfns + done, n * sizeof(uint64_t));
        memset(r, 0, sizeof(*r));
        set_xen_guest_handle(r->extent_start, (xen_pfn_t *)hb);
        r->nr_extents = n;
        r->extent_order = order;
        r->mem_flags = mem_flags;
        r->domid = (domid_t)domid;
        long got = xc_hypercall(xch, __HYPERVISOR_memory_op, op,
                                (uint64_t)(uintptr_t)r, 0, 0, 0);
        if (got < 0 && done > 0)
            break;
        if (got < 0) {
            rc = eb_fail(eb, (int)got, "memory_op %s (dom %u, %lu extents of order %u)",
                         opname, domid, n, order);
            goto out;
        }
        memcpy(gpfns + done, hb, (size_t)got * sizeof(uint64_t));
        done += (unsigned long)got;
        if ((unsigned long)got < n)
            break;      /* partial: the caller compares the count (libxc semantics) */
    }
    rc = (int)done;
out:
    hbuf_free(hb, RESERVATION_BATCH * sizeof(uint64_t));
    hbuf_free(r, sizeof(*r));
    return rc;
}

int xc_populate_physmap(xc_handle *xch, uint32_t domid, unsigned long nr,
                        unsigned extent_order, unsigned mem_flags,
                        uint64_t *gpfns, struct errbuf *eb)
{
    return reservation(xch, XENMEM_populate_physmap, "populate_physmap", domid,
                       nr, extent_order, mem_flags, gpfns, eb);
}

int xc_decrease_reservation(xc_handle *xch, uint32_t domid, unsigned long nr,
                            uint64_t *gpfns, struct errbuf *eb)
{
    return reservation(xch, XENMEM_decrease_reservation, "decrease_reservation",
                       domid, nr, 0, 0, gpfns, eb);
}

int xc_claim_pages(xc_handle *xch, uint32_t domid, unsigned long nr_pages, struct errbuf *eb)
{
    struct xen_memory_reservation *r = hbuf_alloc(xch, sizeof(*r));
    long rc;

    if (!r)
        return eb_fail(eb, -ENOMEM, "memory_op claim_pages (dom %u)", domid);
    r->nr_extents = nr_pages;
    r->domid = (domid_t)domid;
    rc = xc_hypercall(xch, __HYPERVISOR_memory_op, XENMEM_claim_pages,
                      (uint64_t)(uintptr_t)r, 0, 0, 0);
    hbuf_free(r, sizeof(*r));
    if (rc < 0)
        return eb_fail(eb, (int)rc, "memory_op claim_pages (dom %u, %lu pages)", domid, nr_pages);
    return 0;
}

/*
 * One E820 RAM entry [0, limit): what libxl gives every PV guest, so the
 * guest's RAM map ends where its memory does.  Without it Xen answers the
 * guest's XENMEM_memory_map with a default map a few MiB larger than the
 * domain, and Linux sizes its p2m and hash tables for memory it never has.
 */
int xc_domain_set_memmap_limit(xc_handle *xch, uint32_t domid, uint64_t limit_kb,
                               struct errbuf *eb)
{
    struct xen_foreign_memory_map *fmap = hbuf_alloc(xch, sizeof(*fmap));
    uint8_t *e820 = hbuf_alloc(xch, 20);
    uint64_t addr = 0, size = limit_kb * 1024;
    uint32_t type = 1;      /* E820_RAM */
    long r;
    int rc = 0;

    if (!fmap || !e820) {
        rc = eb_fail(eb, -ENOMEM, "memory_op set_memory_map (dom %u)", domid);
        goto out;
    }
    /* Packed 20-byte entry: { u64 addr, size; u32 type; }. */
    memcpy(e820, &addr, 8);
    memcpy(e820 + 8, &size, 8);
    memcpy(e820 + 16, &type, 4);
    memset(fmap, 0, sizeof(*fmap));
    fmap->domid = (domid_t)domid;
    fmap->map.nr_entries = 1;
    set_xen_guest_handle(fmap->map.buffer, e820);
    r = xc_hypercall(xch, __HYPERVISOR_memory_op, XENMEM_set_memory_map,
                     (uint64_t)(uintptr_t)fmap, 0, 0, 0);
    if (r < 0)
        rc = eb_fail(eb, (int)r, "memory_op set_memory_map (dom %u, RAM up to %" PRIu64 " KiB)",
                     domid, limit_kb);
out:
    hbuf_free(e820, 20);
    hbuf_free(fmap, sizeof(*fmap));
    return rc;
}

void *xc_map_foreign(xc_handle *xch, uint32_t domid, int prot,
                     const uint64_t *frames, int *errs, size_t nr,
                     struct errbuf *eb)
{
    int *e = errs;
    void *addr = MAP_FAILED;
    int rc;

    if (nr == 0) {
        eb_fail(eb, -EINVAL, "map foreign (dom %u): no frames", domid);
        return NULL;
    }
    if (!e && !(e = calloc(nr, sizeof(int)))) {
        eb_fail(eb, -ENOMEM, "map foreign (dom %u)", domid);
        return NULL;
    }
    addr = mmap(NULL, nr * 4096, prot, MAP_SHARED, xch->fd, 0);
    if (addr == MAP_FAILED) {
        eb_fail(eb, -errno, "map foreign (dom %u): mmap of %zu pages", domid, nr);
        addr = NULL;
        goto out;
    }
    struct privcmd_mmapbatch_v2 b = {
        .num = (unsigned)nr, .dom = (uint16_t)domid,
        .addr = (uint64_t)(uintptr_t)addr, .arr = frames, .err = e,
    };
    do {
        rc = ioctl(xch->fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &b);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) {
        int err = -errno;
        size_t bad = 0;
        /* Name the first frame that failed: it is what the user can act on. */
        while (bad < nr && e[bad] == 0)
            bad++;
        if (bad < nr && e[bad] < 0)
            err = e[bad];
        eb_fail(eb, err, "map foreign (dom %u, frame %#llx of %zu)", domid,
                bad < nr ? (unsigned long long)frames[bad] : 0ULL, nr);
        munmap(addr, nr * 4096);
        addr = NULL;
    }
out:
    if (e != errs)
        free(e);
    return addr;
}

void xc_unmap(void *addr, size_t nr_pages)
{
    if (addr)
        munmap(addr, nr_pages * 4096);
}

int xc_mmu_update(xc_handle *xch, uint32_t domid, struct xc_mmu_update *req,
                  unsigned nr, struct errbuf *eb)
{
    struct mmu_update *hb = hbuf_alloc(xch, nr * sizeof(*hb));
    long rc;

    if (!hb)
        return eb_fail(eb, -ENOMEM, "mmu_update (dom %u)", domid);
    for (unsigned i = 0; i < nr; i++) {
        hb[i].ptr = req[i].ptr;
        hb[i].val = req[i].val;
    }
    rc = xc_hypercall(xch, __HYPERVISOR_mmu_update, (uint64_t)(uintptr_t)hb, nr, 0, domid, 0);
    hbuf_free(hb, nr * sizeof(*hb));
    if (rc < 0)
        return eb_fail(eb, (int)rc, "mmu_update (dom %u, %u entries)", domid, nr);
    return 0;
}

int xc_mmuext_pin(xc_handle *xch, uint32_t domid, unsigned cmd, uint64_t mfn,
                  struct errbuf *eb)
{
    struct mmuext_op *op = hbuf_alloc(xch, sizeof(*op));
    long rc;

    if (!op)
        return eb_fail(eb, -ENOMEM, "mmuext_op (dom %u)", domid);
    op->cmd = cmd;
    op->arg1.mfn = mfn;
    rc = xc_hypercall(xch, __HYPERVISOR_mmuext_op, (uint64_t)(uintptr_t)op, 1, 0, domid, 0);
    hbuf_free(op, sizeof(*op));
    if (rc < 0)
        return eb_fail(eb, (int)rc, "mmuext_op %u (dom %u, mfn %#llx)", cmd, domid,
                       (unsigned long long)mfn);
    return 0;
}
