/*
 * fuzz_valid.c — a fuzzer that mutates VALID hypercall arguments instead
 * of random numbers: page-table entries, grant map/unmap operations and
 * multicall batches start from something the hypervisor accepts and get one
 * or two fields changed, so most calls reach the deep checks.  Answers
 * differ from call to call; what is judged is invariants, checked after
 * every call and at the end:
 *
 *  - no PTE the hypervisor accepted makes one of our page-table frames
 *    writable, and a PTE it refused left the slot as it was;
 *  - grant mappings: every accepted map is released by an exact unmap,
 *    after which no grant entry shows GTF_reading/GTF_writing and the
 *    granted frame (mapped read-only, zero) can be pinned as an L1 table:
 *    no writable reference was lost or leaked;
 *  - multicall batches of safe operations, one entry mutated: the batch
 *    returns, the slot PTE is 0 or a valid mapping of our scratch page.
 *
 * Runs as dom0 on ours and on Xen 4.17.  ITERATIONS per part below.
 */
#include "guest.h"
#include <public/grant_table.h>

const char test_title[] = "fuzzer of mutated valid arguments (PTEs, grants, multicalls)";

#define ITERATIONS 4000

static grant_entry_v1_t gnttab[512] __aligned(4096);
static char scratch[4096] __aligned(4096);
static char zero_frame[4096] __aligned(4096);   /* granted; kept read-only in our map */
static char slot[4096] __aligned(4096);         /* the VA whose PTE is fuzzed */
static char slot2[4096] __aligned(4096);
static uint64_t *slot_pte, *slot2_pte;
static uint64_t pt_frames[4];                   /* L4, L3, L2, L1 mapping slot */
static unsigned long accepted, refused;

static uint64_t pick(const uint64_t *v, unsigned int n)
{
    return v[random64() % n];
}

/* A PTE built from a valid one: another frame, flipped flags. */
static uint64_t mutate_pte(void)
{
    static const uint64_t flips[] = {
        1ULL << 1, 1ULL << 2, 1ULL << 3, 1ULL << 4, 1ULL << 7, 1ULL << 8, 1ULL << 9,
        1ULL << 10, 1ULL << 11, 1ULL << 52, 1ULL << 55, 1ULL << 58, 1ULL << 62, 1ULL << 63,
        1ULL << 0,
    };
    uint64_t frames[7] = { virt_to_mfn(scratch), pt_frames[0], pt_frames[1], pt_frames[2],
                           pt_frames[3], random64() % 16, virt_to_mfn(zero_frame) };
    uint64_t pte = (pick(frames, 7) << 12) | 0x67;
    unsigned int n = 1 + random64() % 3;

    while (n--)
        pte ^= pick(flips, sizeof(flips) / sizeof(flips[0]));
    return pte;
}

static bool is_pt_frame(uint64_t mfn)
{
    for (int i = 0; i < 4; i++)
        if (pt_frames[i] == mfn)
            return true;
    return false;
}

/* The invariant on the fuzzed slot's PTE. */
static void check_slot(const char *how, uint64_t before, uint64_t tried, long rc)
{
    uint64_t now = ACCESS_ONCE(*slot_pte);

    if (rc == 0) {
        accepted++;
        if ((now & 1) && (now & 2) && is_pt_frame((now >> 12) & 0xffffffffffULL))
            test_fail("%s: %#lx accepted: a page table of ours is writable",
                      how, (unsigned long)now);
    } else {
        refused++;
        if (now != before)
            test_fail("%s: %#lx refused (%ld) but the PTE changed %#lx -> %#lx", how,
                      (unsigned long)tried, rc, (unsigned long)before, (unsigned long)now);
    }
}

static void fuzz_ptes(void)
{
    for (unsigned int i = 0; i < ITERATIONS; i++) {
        uint64_t before = ACCESS_ONCE(*slot_pte), pte = mutate_pte();
        long rc;

        if (random64() & 1)
            rc = pte_update(slot_pte, pte);
        else
            rc = hc_update_va_mapping((unsigned long)slot, pte, UVMF_INVLPG);
        check_slot(i & 1 ? "update_va_mapping" : "mmu_update", before, pte, rc);
        if (random64() % 4 == 0 &&
            hc_update_va_mapping((unsigned long)slot, 0, UVMF_INVLPG) != 0)
            test_fail("clearing the slot failed");
    }
    if (hc_update_va_mapping((unsigned long)slot, 0, UVMF_INVLPG) != 0)
        test_fail("clearing the slot failed");
}

/* ------------------------------------------------------------- grants */

#define MAX_HANDLES 8
static struct { grant_handle_t h; uint64_t host, dev; bool live, cpte; } maps[MAX_HANDLES];

/* Which PTE a host map's address names: a VA (its page) or, with
 * GNTMAP_contains_pte, the PTE's machine address. */
static uint64_t pte_of_host(uint64_t host, bool contains_pte)
{
    if (contains_pte)
        return host & ~7ULL;
    return host < 0x800000000000ULL ? ((uint64_t)virt_to_mfn(l1_entry_of((void *)(host & ~0xfffUL))) << 12 |
                                       ((unsigned long)l1_entry_of((void *)(host & ~0xfffUL)) & 0xfff))
                                    : host;
}

static void fuzz_grants(void)
{
    uint64_t zmfn = virt_to_mfn(zero_frame);
    uint64_t slot_maddr = ((uint64_t)virt_to_mfn(slot2_pte) << 12) | ((unsigned long)slot2_pte & 0xfff);
    const uint64_t hosts[] = { (unsigned long)slot, (unsigned long)slot2, (unsigned long)slot2,
                               (unsigned long)slot + 3, 0xffff830000000000UL };
    const uint32_t flagsets[] = {
        GNTMAP_host_map, GNTMAP_host_map | GNTMAP_readonly, GNTMAP_device_map,
        GNTMAP_device_map | GNTMAP_readonly, GNTMAP_host_map | GNTMAP_device_map,
        GNTMAP_host_map | GNTMAP_contains_pte, 0, GNTMAP_application_map | GNTMAP_host_map,
    };
    const grant_ref_t refs[] = { 9, 10, 11, 600 };

    gnttab[9].domid = 0;
    gnttab[9].frame = (uint32_t)zmfn;
    __atomic_store_n(&gnttab[9].flags, GTF_permit_access, __ATOMIC_SEQ_CST);
    gnttab[10].domid = 0;
    gnttab[10].frame = (uint32_t)zmfn;
    __atomic_store_n(&gnttab[10].flags, GTF_permit_access | GTF_readonly, __ATOMIC_SEQ_CST);

    for (unsigned int i = 0; i < ITERATIONS; i++) {
        unsigned int k = random64() % MAX_HANDLES;

        if (!maps[k].live) {
            struct gnttab_map_grant_ref m = {
                .flags = flagsets[random64() % 8], .ref = refs[random64() % 4],
                .dom = random64() % 8 ? 0 : (domid_t)random64(),
            };
            bool busy = false;

            m.host_addr = (m.flags & GNTMAP_contains_pte) ? slot_maddr - (random64() % 2) * 4
                                                          : hosts[random64() % 5];
            /* A host map over a live one would be an implicit unmap of a
             * grant PTE, which crashes the mapper (Xen and ours): never. */
            for (unsigned int j = 0; j < MAX_HANDLES; j++)
                if (maps[j].live && maps[j].host != 0 && (m.flags & GNTMAP_host_map) &&
                    pte_of_host(maps[j].host, maps[j].cpte) ==
                        pte_of_host(m.host_addr, m.flags & GNTMAP_contains_pte))
                    busy = true;
            if (busy)
                continue;
            if (hc_grant_table_op(GNTTABOP_map_grant_ref, &m, 1) != 0)
                test_fail("map_grant_ref call failed");
            if (m.status == GNTST_okay) {
                maps[k].h = m.handle;
                maps[k].host = (m.flags & GNTMAP_host_map) ? m.host_addr : 0;
                maps[k].dev = (m.flags & GNTMAP_device_map) ? m.dev_bus_addr : 0;
                maps[k].cpte = (m.flags & GNTMAP_contains_pte) != 0;
                maps[k].live = true;
            }
        } else {
            /* Unmap, sometimes with a mutated field (then it may fail and
             * the mapping stays: it is retried exactly later). */
            struct gnttab_unmap_grant_ref u = { .host_addr = maps[k].host,
                                                .dev_bus_addr = maps[k].dev, .handle = maps[k].h };
            bool exact = random64() % 3 != 0;

            if (!exact) {
                /* Mutations that cannot name another live mapping (all
                 * map the same frame, so that one would come down). */
                switch (random64() % 3) {
                case 0: u.host_addr = u.host_addr ? (unsigned long)scratch : 0; break;
                case 1: u.dev_bus_addr ^= 4096; break;
                default: u.handle += 1000; break;
                }
            }
            if (hc_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1) != 0)
                test_fail("unmap_grant_ref call failed");
            if (exact && u.status != GNTST_okay)
                test_fail("exact unmap of handle %u (host %#lx dev %#lx) failed: %d", maps[k].h,
                          (unsigned long)maps[k].host, (unsigned long)maps[k].dev, u.status);
            /* What a successful unmap took down: the parts it named right. */
            if (u.status == GNTST_okay && u.handle == maps[k].h) {
                if (maps[k].host != 0 && u.host_addr == maps[k].host)
                    maps[k].host = 0;
                if (maps[k].dev != 0 && u.dev_bus_addr == maps[k].dev)
                    maps[k].dev = 0;
            }
            if (exact || (maps[k].host == 0 && maps[k].dev == 0))
                maps[k].live = false;
        }
    }
    for (unsigned int k = 0; k < MAX_HANDLES; k++) {
        struct gnttab_unmap_grant_ref u = { .host_addr = maps[k].host,
                                            .dev_bus_addr = maps[k].dev, .handle = maps[k].h };

        if (!maps[k].live)
            continue;
        if (hc_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1) != 0 || u.status != GNTST_okay)
            test_fail("final unmap of handle %u: status %d", maps[k].h, u.status);
        maps[k].live = false;
    }
    for (grant_ref_t r = 9; r <= 10; r++)
        if (gnttab[r].flags & (GTF_reading | GTF_writing))
            test_fail("grant %u still in use after every unmap: %#x", r, gnttab[r].flags);
    __atomic_store_n(&gnttab[9].flags, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&gnttab[10].flags, 0, __ATOMIC_SEQ_CST);
    CHECK_RC("the granted frame pins as an L1 (no writable reference left)",
             mmuext(MMUEXT_PIN_L1_TABLE, zmfn), 0);
    CHECK_RC("unpin it", mmuext(MMUEXT_UNPIN_TABLE, zmfn), 0);
}

/* ---------------------------------------------------------- multicalls */

static void fuzz_multicalls(void)
{
    /* Zeroed entries after each (a mutated count reads them: refused ops). */
    static struct mmu_update mus[3];
    static struct mmuext_op mxs[3];
    struct mmu_update *mup = &mus[0];
    struct mmuext_op *mxp = &mxs[0];
    static multicall_entry_t mc[4];
    uint64_t good = ((uint64_t)virt_to_mfn(scratch) << 12) | 0x67;

    for (unsigned int i = 0; i < ITERATIONS; i++) {
        unsigned int victim = random64() % 4;
        uint64_t before = ACCESS_ONCE(*slot_pte);

        mup->ptr = ((uint64_t)virt_to_mfn(slot_pte) << 12) | ((unsigned long)slot_pte & 0xfff);
        mup->val = random64() & 1 ? good : 0;
        mxp->cmd = MMUEXT_INVLPG_LOCAL;
        mxp->arg1.linear_addr = (unsigned long)slot;
        memset(mc, 0, sizeof(mc));
        mc[0].op = __HYPERVISOR_xen_version;
        mc[0].args[0] = XENVER_version;
        mc[1].op = __HYPERVISOR_mmu_update;
        mc[1].args[0] = (unsigned long)mup;
        mc[1].args[1] = 1;
        mc[1].args[3] = DOMID_SELF;
        mc[2].op = __HYPERVISOR_mmuext_op;
        mc[2].args[0] = (unsigned long)mxp;
        mc[2].args[1] = 1;
        mc[2].args[3] = DOMID_SELF;
        mc[3].op = __HYPERVISOR_update_va_mapping;
        mc[3].args[0] = (unsigned long)slot;
        mc[3].args[1] = random64() & 1 ? good : 0;
        mc[3].args[2] = UVMF_INVLPG;
        switch (random64() % 4) {
        case 0:         /* another safe operation */
            mc[victim].op = pick((const uint64_t[]){ __HYPERVISOR_xen_version,
                                                     __HYPERVISOR_mmu_update,
                                                     __HYPERVISOR_mmuext_op,
                                                     __HYPERVISOR_multicall }, 4);
            break;
        case 1:         /* a count */
            mc[victim].args[1] = random64() % 3;
            break;
        case 2:         /* the PTE */
            mup->val = mutate_pte();
            mc[3].args[1] = mutate_pte();
            break;
        default:        /* a pointer */
            mc[victim].args[0] = pick((const uint64_t[]){ 0, 0x10, 0xffff830000000000UL,
                                                          (unsigned long)scratch }, 4);
            break;
        }
        if (mc[victim].op == __HYPERVISOR_multicall) {
            mc[victim].args[0] = (unsigned long)mc;     /* nested: refused per entry */
            mc[victim].args[1] = 4;
        }
        if (hc_multicall(mc, 4) != 0)
            test_fail("multicall returned non-zero");
        {
            uint64_t now = ACCESS_ONCE(*slot_pte);

            if ((now & 1) && (now & 2) && is_pt_frame((now >> 12) & 0xffffffffffULL))
                test_fail("multicall made a page table writable: %#lx (before %#lx)",
                          (unsigned long)now, (unsigned long)before);
        }
    }
    if (hc_update_va_mapping((unsigned long)slot, 0, UVMF_INVLPG) != 0)
        test_fail("clearing the slot failed");
}

void test_main(void)
{
    uint64_t *l4 = (uint64_t *)start_info->pt_base, *l3, *l2;
    uint64_t seed = rdtsc();

    random_seed(seed);
    printk("fuzz_valid: seed %#lx, %u iterations per part\n", (unsigned long)seed, ITERATIONS);
    gnttab_map_own(gnttab);
    memset(zero_frame, 0, sizeof(zero_frame));
    if (remap(zero_frame, 0x65) != 0)
        test_abort("cannot make the granted frame read-only");
    slot_pte = l1_entry_of(slot);
    slot2_pte = l1_entry_of(slot2);
    l3 = table_va(l4[((unsigned long)slot >> 39) & 511]);
    l2 = table_va(l3[((unsigned long)slot >> 30) & 511]);
    pt_frames[0] = virt_to_mfn(l4);
    pt_frames[1] = virt_to_mfn(l3);
    pt_frames[2] = virt_to_mfn(l2);
    pt_frames[3] = virt_to_mfn(slot_pte);
    if (hc_update_va_mapping((unsigned long)slot, 0, UVMF_INVLPG) ||
        hc_update_va_mapping((unsigned long)slot2, 0, UVMF_INVLPG))
        test_abort("cannot clear the fuzzed slots");

    fuzz_ptes();
    printk("fuzz_valid: PTEs: %lu accepted, %lu refused\n", accepted, refused);
    fuzz_grants();
    printk("fuzz_valid: grants done\n");
    fuzz_multicalls();
    printk("fuzz_valid: multicalls done\n");

    /* Still intact: our tables are still read-only to us, and we run. */
    for (int i = 0; i < 4; i++)
        if (hc_update_va_mapping((unsigned long)slot, (pt_frames[i] << 12) | 0x67, UVMF_INVLPG) == 0)
            test_fail("page-table frame %d can be mapped writable", i);
    if (remap(zero_frame, 0x67) != 0 || remap(slot, 0x67) != 0 || remap(slot2, 0x67) != 0)
        test_fail("restoring our mappings failed");
    if (hc_xen_version(XENVER_version, NULL) <= 0)
        test_fail("xen_version fails after fuzzing");
}
