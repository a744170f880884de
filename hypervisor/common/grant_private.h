/*
 * grant_private.h — what the grant-table files of common/ share and nobody
 * else sees: the one lock, the accessors of a table's shared entries,
 * status words and active entries, and the pin/unpin of a grant (the
 * header's checks and GTF_reading/GTF_writing), which maps and copies both
 * go through.
 *
 * The files: grant_table.c (setup, size, version and status frames,
 * swap/transfer, teardown, the hypercall), grant_map.c (pin/unpin,
 * maptrack, map and unmap), grant_copy.c (GNTTABOP_copy and the transitive
 * grants it follows, cache_flush).
 */
#ifndef COMMON_GRANT_PRIVATE_H
#define COMMON_GRANT_PRIVATE_H

#include <xen/types.h>
#include <xen/spinlock.h>
#include <xen/sched.h>
#include <xen/grant_table.h>
#include <xen/lib.h>

/* One lock for every grant table: map/unmap/copy touch two domains. */
extern spinlock_t gnttab_lock;

static inline struct grant_table *gt_of(const struct domain *d)
{
    return d->grant_table;
}

static inline unsigned int entries_per_frame(const struct grant_table *gt)
{
    return gt->version == 2 ? GRANT_V2_PER_FRAME : GRANT_ENTRIES_PER_FRAME;
}

static inline unsigned int nr_entries(const struct grant_table *gt)
{
    return gt->nr_frames * entries_per_frame(gt);
}

static inline grant_entry_v1_t *shared_entry_v1(struct grant_table *gt, grant_ref_t ref)
{
    return (grant_entry_v1_t *)gt->shared_raw[ref / GRANT_ENTRIES_PER_FRAME] +
           ref % GRANT_ENTRIES_PER_FRAME;
}

static inline grant_entry_v2_t *shared_entry_v2(struct grant_table *gt, grant_ref_t ref)
{
    return (grant_entry_v2_t *)gt->shared_raw[ref / GRANT_V2_PER_FRAME] +
           ref % GRANT_V2_PER_FRAME;
}

static inline grant_status_t *status_entry(struct grant_table *gt, grant_ref_t ref)
{
    return &gt->status[ref / GRANT_STATUS_PER_FRAME][ref % GRANT_STATUS_PER_FRAME];
}

/* The header word (flags low, domid high): same layout in v1 and v2. */
static inline uint32_t *entry_word(struct grant_table *gt, grant_ref_t ref)
{
    return gt->version == 2 ? (uint32_t *)&shared_entry_v2(gt, ref)->hdr
                            : (uint32_t *)shared_entry_v1(gt, ref);
}

/* Where GTF_reading / GTF_writing live: the entry's flags (v1) or its
 * status word (v2). */
static inline uint16_t *entry_status(struct grant_table *gt, grant_ref_t ref)
{
    return gt->version == 2 ? status_entry(gt, ref) : &shared_entry_v1(gt, ref)->flags;
}

/* Status frames needed by nr grant frames of v2 entries. */
static inline unsigned int status_frames_for(unsigned int nr)
{
    return (nr * GRANT_V2_PER_FRAME + GRANT_STATUS_PER_FRAME - 1) / GRANT_STATUS_PER_FRAME;
}

static inline struct active_grant_entry *active_entry(struct grant_table *gt, grant_ref_t ref)
{
    return &gt->active[ref / GRANT_ENTRIES_PER_FRAME][ref % GRANT_ENTRIES_PER_FRAME];
}

/*
 * Pin counts.  Xen keeps each kind of pin in an 8-bit field and refuses a
 * new pin once the field's top bit is set, so at most PIN_MAX pins of one
 * kind (read-only or writable) are held at once; the same limit here keeps
 * a guest mapping one grant over and over from wrapping a counter (which
 * would let the granter take back a page still mapped) and answers as Xen.
 */
#define PIN_MAX 128

static inline bool pin_full(const struct active_grant_entry *act, bool readonly)
{
    return (readonly ? act->pin_ro : act->pin_rw) >= PIN_MAX;
}

static inline void pin_take(struct active_grant_entry *act, bool readonly)
{
    if (readonly)
        act->pin_ro++;
    else
        act->pin_rw++;
}

static inline void pin_put(struct active_grant_entry *act, bool readonly)
{
    uint16_t *cnt = readonly ? &act->pin_ro : &act->pin_rw;

    BUG_ON(*cnt == 0);
    (*cnt)--;
}

/* grant_map.c */
int16_t set_status_v2(uint32_t *word, uint16_t *status, domid_t ldom, bool readonly,
                      bool map, bool trans, bool first);
void clear_entry_flags(struct grant_table *gt, grant_ref_t ref, uint16_t bits);
void release_entry_flags(struct grant_table *gt, grant_ref_t ref,
                         const struct active_grant_entry *act);
int16_t pin_grant(struct domain *rd, grant_ref_t ref, struct domain *ld,
                  bool readonly, bool map, mfn_t *mfn);
void unpin_grant(struct domain *rd, grant_ref_t ref, bool readonly);

/* grant_copy.c */
int16_t pin_grant_for_copy(struct domain *rd, grant_ref_t ref, struct domain *ld, bool readonly,
                           bool allow_trans, mfn_t *mfn);
void unpin_grant_for_copy(struct domain *rd, grant_ref_t ref, bool readonly);
long gnttab_copy_batch(struct vcpu *v, char *uop, unsigned int count);
long cache_flush_one(struct domain *d, const gnttab_cache_flush_t *c);

#endif
