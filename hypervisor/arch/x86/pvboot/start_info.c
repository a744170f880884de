/*
 * start_info.c — fills the start_info page a PV kernel finds at RSI on
 * entry, from the layout (xen/pv_layout.h) and the domain's event channels
 * and frames.  Shared by both builders so dom0 and domU get the same
 * conventions; field offsets are Xen's (tests/unit/abi checks them).
 */
#include "../../../common/libelf/libelf-private.h"
#include <xen/pv_layout.h>
#include <public/xen.h>

void pv_start_info_fill(void *page, const struct pv_layout *l, const struct pv_layout_params *p,
                        const struct pv_start_info_params *sp)
{
    static const char magic[] = "xen-3.0-x86_64";
    struct start_info *si = page;
    uint8_t *bytes = page;
    size_t i;

    for (i = 0; i < 4096; i++)
        bytes[i] = 0;
    for (i = 0; i < sizeof(magic); i++)
        si->magic[i] = magic[i];

    si->nr_pages = p->nr_pages;
    si->shared_info = sp->shared_info_maddr;
    si->flags = sp->flags;
    si->store_mfn = sp->store_mfn;
    si->store_evtchn = sp->store_evtchn;
    if (!p->dom0) {
        si->console.domU.mfn = sp->console_mfn;
        si->console.domU.evtchn = sp->console_evtchn;
    }
    si->pt_base = l->pt_start;
    si->nr_pt_frames = l->nr_pt_frames;
    si->mfn_list = l->p2m_start;
    if (p->initrd_len) {
        if (p->initrd_unmapped) {
            si->mod_start = l->initrd_pfn;
            si->flags |= SIF_MOD_START_PFN;
        } else {
            si->mod_start = l->initrd_start;
        }
        si->mod_len = p->initrd_len;
    }
    if (sp->cmdline)
        for (i = 0; i < MAX_GUEST_CMDLINE - 1 && sp->cmdline[i]; i++)
            si->cmd_line[i] = (int8_t)sp->cmdline[i];
    si->first_p2m_pfn = l->first_p2m_pfn;
    si->nr_p2m_frames = l->nr_p2m_frames;
}
