/*
 * rangeset.c — small sets of inclusive unsigned ranges, kept sorted,
 * disjoint and merged with their neighbours.  They hold a domain's I/O
 * capabilities (xen/iocap.h), which are few ranges ("everything minus the
 * hypervisor's own"), so a fixed array inside struct domain is enough and
 * nothing has to be freed when the domain dies.  A change that would need
 * more than RANGESET_MAX ranges is refused whole (-ENOMEM), leaving the
 * set as it was.
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/iocap.h>

void rangeset_empty(struct rangeset *rs)
{
    rs->nr = 0;
}

/* Index of the first range ending at or after v (rs->nr if none). */
static unsigned int first_ending_at_or_after(const struct rangeset *rs, unsigned long v)
{
    unsigned int i = 0;

    while (i < rs->nr && rs->r[i].e < v)
        i++;
    return i;
}

int rangeset_add_range(struct rangeset *rs, unsigned long s, unsigned long e)
{
    unsigned int i, j;

    if (s > e)
        return -EINVAL;
    /* First range that touches or follows [s, e] (adjacent ones merge). */
    i = first_ending_at_or_after(rs, s == 0 ? 0 : s - 1);
    /* Ranges i .. j-1 overlap or are adjacent to [s, e]. */
    j = i;
    while (j < rs->nr && (e == ~0UL || rs->r[j].s <= e + 1))
        j++;
    if (i == j) {                               /* a new range at i */
        if (rs->nr == RANGESET_MAX)
            return -ENOMEM;
        memmove(&rs->r[i + 1], &rs->r[i], (rs->nr - i) * sizeof(rs->r[0]));
        rs->r[i].s = s;
        rs->r[i].e = e;
        rs->nr++;
        return 0;
    }
    rs->r[i].s = MIN(s, rs->r[i].s);
    rs->r[i].e = MAX(e, rs->r[j - 1].e);
    memmove(&rs->r[i + 1], &rs->r[j], (rs->nr - j) * sizeof(rs->r[0]));
    rs->nr -= j - i - 1;
    return 0;
}

int rangeset_remove_range(struct rangeset *rs, unsigned long s, unsigned long e)
{
    unsigned int i;

    if (s > e)
        return -EINVAL;
    i = first_ending_at_or_after(rs, s);
    if (i < rs->nr && rs->r[i].s < s && rs->r[i].e > e) {
        /* [s, e] strictly inside range i: split it in two. */
        if (rs->nr == RANGESET_MAX)
            return -ENOMEM;
        memmove(&rs->r[i + 1], &rs->r[i], (rs->nr - i) * sizeof(rs->r[0]));
        rs->r[i].e = s - 1;
        rs->r[i + 1].s = e + 1;
        rs->nr++;
        return 0;
    }
    while (i < rs->nr && rs->r[i].s <= e) {
        if (rs->r[i].s < s) {                   /* keep the head */
            rs->r[i].e = s - 1;
            i++;
        } else if (rs->r[i].e > e) {            /* keep the tail */
            rs->r[i].s = e + 1;
            break;
        } else {                                /* wholly inside: drop it */
            memmove(&rs->r[i], &rs->r[i + 1], (rs->nr - i - 1) * sizeof(rs->r[0]));
            rs->nr--;
        }
    }
    return 0;
}

bool rangeset_contains_range(const struct rangeset *rs, unsigned long s, unsigned long e)
{
    unsigned int i;

    if (s > e)
        return false;
    i = first_ending_at_or_after(rs, s);
    /* Ranges never touch, so one range must hold all of [s, e]. */
    return i < rs->nr && rs->r[i].s <= s && rs->r[i].e >= e;
}

bool rangeset_overlaps_range(const struct rangeset *rs, unsigned long s, unsigned long e)
{
    unsigned int i;

    if (s > e)
        return false;
    i = first_ending_at_or_after(rs, s);
    return i < rs->nr && rs->r[i].s <= e;
}
