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

#endif
