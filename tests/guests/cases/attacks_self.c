/*
 * attacks_self.c — the single-domain part of attacks.c, run by dom0 alone so
 * that real Xen 4.17 answers it too: writable mappings of its pinned L4 and
 * an in-use L1, a VA in the hypervisor's range, writes to L4 slots 256-271,
 * pinning a writable data page, unpinning an unpinned table, unpinning the
 * in-use L4 (allowed; still no writable mapping; re-pin), NEW_BASEPTR to a
 * data page, event ops on ports it does not have, and bad guest pointers
 * (unmapped, hypervisor, non-canonical, M2P) in 11 hypercalls.  Left out,
 * because a privileged dom0 may legitimately do them: mapping frames it does
 * not own (I/O, Xen-shared), acting for other domains.
 */
#define ATTACKS_SELF
/* the two-domain roles of attacks.c are compiled but unused here */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "attacks.c"

void test_main(void)
{
    struct evtchn_close cl = { .port = 40 };
    struct evtchn_send sd = { .port = 41 };

    self_mode = true;
    attack_mmu();
    expect("close a port we do not have", hc_event_channel_op(EVTCHNOP_close, &cl), -XEN_EINVAL);
    expect("send on a port we do not have", hc_event_channel_op(EVTCHNOP_send, &sd), -XEN_EINVAL);
    attack_pointers();
    if (nr_bad)
        test_fail("%u attempts were not refused as expected", nr_bad);
}
