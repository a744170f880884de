/*
 * grant_table.h — grant tables, versions 1 and 2 (common/grant_table.c,
 * grant_map.c, grant_copy.c).
 *
 * A domain grants another access to one of its frames by filling an entry
 * of its grant table (frames it shares with the hypervisor): type
 * GTF_permit_access, the grantee's id, the frame, GTF_readonly if so.  The
 * grantee maps (GNTTABOP_map_grant_ref) or copies (GNTTABOP_copy) through
 * the hypervisor, which checks the entry, keeps GTF_reading/GTF_writing set
 * while the access lasts, and holds references on the frame so it cannot be
 * freed or retyped underneath the mapping — even after the granter dies.
 *
 * Version 2 (GNTTABOP_set_version) has 16-byte entries (full_page,
 * sub_page, transitive) and keeps GTF_reading/GTF_writing in separate
 * status frames, one 16-bit word per entry, which the guest maps
 * (GNTTABOP_get_status_frames).  A transitive entry hands another
 * domain's grant on: only grant copies follow it (common/grant_copy.c).
 *
 * Helpers take kernel copies of the arguments and report through the
 * op's status field (GNTST_*) as Xen does; do_grant_table_op() copies.
 */
#ifndef XEN_GRANT_TABLE_H
#define XEN_GRANT_TABLE_H

#include <xen/types.h>
#include <public/grant_table.h>

struct domain;
struct vcpu;

#define MAX_GRANT_FRAMES        64      /* Xen 4.17's default max_grant_frames */
#define GRANT_ENTRIES_PER_FRAME (PAGE_SIZE / sizeof(grant_entry_v1_t))   /* 512: v1, and active[] */
#define GRANT_V2_PER_FRAME      (PAGE_SIZE / sizeof(grant_entry_v2_t))   /* 256 */
#define GRANT_STATUS_PER_FRAME  (PAGE_SIZE / sizeof(grant_status_t))     /* 2048 */
#define MAX_STATUS_FRAMES       ((MAX_GRANT_FRAMES * GRANT_V2_PER_FRAME + \
                                  GRANT_STATUS_PER_FRAME - 1) / GRANT_STATUS_PER_FRAME)
/* Entries 0-7 (the toolstack's console and xenstore grants) may stay in use
 * across a version change and are converted; no other entry may. */
#define GNTTAB_NR_RESERVED_ENTRIES 8
#define MAX_MAPTRACK            (64 * 1024)
#define MAPTRACK_CHUNK          256

struct active_grant_entry {
    uint16_t pin_ro;            /* read-only mappings and copies in progress */
    uint16_t pin_rw;            /* writable ones */
    domid_t  domid;             /* the grantee while pinned */
    mfn_t    mfn;               /* the frame, fixed while pinned */
    uint16_t start, length;     /* the granted bytes: a v2 sub_page grant, else 0, PAGE_SIZE */
    /* A v2 transitive grant, pinned by copies only: each pin here holds a
     * pin of trans_gref in trans_d, whose frame and bytes are the ones
     * above; trans_d is referenced while pinned. */
    bool     trans;
    grant_ref_t trans_gref;
    struct domain *trans_d;
};

struct grant_mapping {          /* maptrack entry, in the mapping domain */
    bool     in_use;
    uint32_t flags;             /* GNTMAP_* of the map */
    grant_ref_t ref;
    domid_t  domid;             /* granting domain */
    uint64_t host_addr;
    mfn_t    mfn;
    struct domain *rd;          /* granting domain, referenced while mapped */
};

struct grant_table {
    unsigned int nr_frames;
    unsigned int max_frames;
    unsigned int version;       /* 1 or 2 */
    unsigned int max_version;   /* 2, or 1 if createdomain said so */
    void *shared_raw[MAX_GRANT_FRAMES];         /* v1 or v2 entries, by version */
    grant_status_t *status[MAX_STATUS_FRAMES];  /* v2 only */
    unsigned int nr_status_frames;
    struct active_grant_entry *active[MAX_GRANT_FRAMES];
    struct grant_mapping *maptrack[MAX_MAPTRACK / MAPTRACK_CHUNK];
    unsigned int maptrack_used;
};

int  grant_table_init(struct domain *d);
void grant_table_destroy(struct domain *d);        /* d is being freed */
void gnttab_release_mappings(struct domain *d);    /* d is dying */
unsigned int gnttab_dump_maps_of(struct domain *ld, struct domain *rd); /* debug dump: ld's maps of rd's grants */

/* frames: room for op->nr_frames MFNs, filled on success. */
int gnttab_setup_table(struct domain *caller, gnttab_setup_table_t *op, xen_pfn_t *frames);
int gnttab_query_size(struct domain *caller, gnttab_query_size_t *op);
int gnttab_set_version(struct domain *d, gnttab_set_version_t *op);
int gnttab_get_version(struct domain *caller, gnttab_get_version_t *op);
/* frames: room for MAX_STATUS_FRAMES; op->status says how it went. */
void gnttab_get_status_frames(struct domain *caller, gnttab_get_status_frames_t *op,
                              uint64_t *frames);
void gnttab_map_one(struct vcpu *v, gnttab_map_grant_ref_t *op);
void gnttab_unmap_one(struct vcpu *v, gnttab_unmap_grant_ref_t *op);
void gnttab_unmap_and_replace_one(struct vcpu *v, gnttab_unmap_and_replace_t *op);
void gnttab_copy_one(struct vcpu *v, gnttab_copy_t *op);

long do_grant_table_op(unsigned int cmd, XEN_GUEST_HANDLE_PARAM(void) uop, unsigned int count);

/* Architecture hooks: install / remove the PTE of a host mapping.
 * Return GNTST_okay or a GNTST_* error. */
int create_grant_host_mapping(struct vcpu *v, uint64_t addr, mfn_t mfn, uint32_t flags);
/* Remove the grant PTE at addr; new_addr != 0: move new_addr's PTE there. */
int replace_grant_host_mapping(struct vcpu *v, uint64_t addr, mfn_t mfn, uint64_t new_addr,
                               uint32_t flags);

#endif
