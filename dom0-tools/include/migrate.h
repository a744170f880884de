/*
 * migrate.h — what xl migrate needs from libctrl beyond save/restore:
 * renaming a domain (the "--incoming" / "--migratedaway" names of xl's
 * migration protocol), the log-dirty domctl a live save is built on, and
 * the pre-copy loop itself.
 */
#ifndef DOM0_TOOLS_MIGRATE_H
#define DOM0_TOOLS_MIGRATE_H

#include <stdbool.h>
#include <stdint.h>
#include "xc.h"
#include "saverestore.h"

/*
 * Rename domid from old_name (NULL: whatever it is called) to new_name in
 * xenstore (/local/domain/<id>/name and /vm/<uuid>/name), in one
 * transaction.  -EEXIST if another domain has new_name, -EINVAL if domid
 * is not called old_name.
 */
int domain_rename(uint32_t domid, const char *old_name, const char *new_name,
                  struct errbuf *eb);

/*
 * XEN_DOMCTL_shadow_op: op (XEN_DOMCTL_SHADOW_OP_*), bitmap of nr_pfns
 * bits for CLEAN/PEEK (NULL otherwise).  *dirty (may be NULL) the
 * hypervisor's dirty_count.  -EOPNOTSUPP/-ENOSYS: no log-dirty mode here.
 */
int xc_shadow_op(xc_handle *xch, uint32_t domid, uint32_t op, uint64_t *bitmap,
                 uint64_t nr_pfns, uint32_t *dirty, struct errbuf *eb);

/* True for the answers of a hypervisor without log-dirty support. */
static inline bool logdirty_unsupported(int rc)
{
    return rc == -95 /* EOPNOTSUPP */ || rc == -38 /* ENOSYS */;
}

/*
 * The pre-copy rounds of a live save (precopy.c), over the operations
 * save.c implements with the hypervisor: as libxc does it, log-dirty mode
 * on, every page sent while the guest runs, then rounds of the pages it
 * dirtied meanwhile (CLEAN returns the bitmap and clears it) until few
 * are left or the rounds run out; after the suspend a last CLEAN, and
 * those pages with every page a round kept back.  The loop is apart from
 * the hypercalls so the host tests drive it with a fake hypervisor.
 */
struct precopy_ops {
    /* XEN_DOMCTL_SHADOW_OP_* on the guest; bitmap of nr_pfns bits for
     * CLEAN (NULL otherwise).  Negative errno, a message in eb. */
    int (*shadow_op)(void *arg, uint32_t op, uint64_t *bitmap, uint64_t nr_pfns,
                     struct errbuf *eb);
    /* The stream's head, log-dirty being on; *nr_pfns the guest's PFNs. */
    int (*head)(void *arg, uint64_t *nr_pfns);
    /* A round with the guest running: the plain pages set in dirty are
     * sent, the others (page tables, PFNs without a frame) set in
     * deferred for the last round; *sent the pages sent. */
    int (*send_round)(void *arg, const uint64_t *dirty, uint64_t *deferred, uint64_t *sent);
    /* The last round, the guest suspended: every PFN set in pfns. */
    int (*send_final)(void *arg, const uint64_t *pfns, uint64_t *sent);
};

struct precopy_state {
    bool on;                    /* log-dirty mode enabled: the rounds ran */
    uint64_t nr_pfns;
    uint64_t words;             /* of each bitmap */
    uint64_t *dirty;            /* to send, one bit per PFN */
    uint64_t *deferred;         /* kept for the last round */
    unsigned round;             /* rounds done, the last one included */
};

static inline bool bitmap_test(const uint64_t *b, uint64_t i)
{
    return (b[i / 64] >> (i % 64)) & 1;
}

static inline void bitmap_set(uint64_t *b, uint64_t i)
{
    b[i / 64] |= 1ull << (i % 64);
}

/*
 * Log-dirty on, the head, the rounds.  When log-dirty mode cannot be
 * enabled, lv->no_logdirty is told why and 0 returned with p->on false:
 * the caller saves with the guest suspended (stop-and-copy).  Rounds stop
 * after lv->max_rounds (0: 5) or once fewer than lv->dirty_threshold
 * (0: 50) pages are dirty.  *pages grows by the pages sent.
 */
int precopy_rounds(const struct precopy_ops *ops, void *arg, const struct save_live *lv,
                   struct precopy_state *p, uint64_t *pages, struct errbuf *eb);

/* The guest suspended: the last CLEAN, then what it and the last
 * pre-copy round's CLEAN found and every deferred page, in one round. */
int precopy_final(const struct precopy_ops *ops, void *arg, const struct save_live *lv,
                  struct precopy_state *p, uint64_t *pages, struct errbuf *eb);

/* Log-dirty off if it was on (errors ignored: the domain may be gone),
 * the bitmaps freed. */
void precopy_end(const struct precopy_ops *ops, void *arg, struct precopy_state *p);

#endif
