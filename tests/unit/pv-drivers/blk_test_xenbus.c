/*
 * blk_test_xenbus.c — the backend handshake decision function
 * (pv-drivers/common/xenbus.c), walked through the sequences Linux's
 * blkfront and libxl produce: first connect, frontend reload, toolstack
 * detach, guest death, a restarted backend, and states a hostile frontend
 * may write.
 */
#include <criterion/criterion.h>

#include "../../../pv-drivers/common/backend.h"

#define I XenbusStateInitialising
#define W XenbusStateInitWait
#define D XenbusStateInitialised
#define C XenbusStateConnected
#define G XenbusStateClosing
#define X XenbusStateClosed

static enum xb_action act(int be, int fe, bool online, bool connected)
{
    struct xb_view v = { be, fe, online, connected };
    return xb_next_action(&v);
}

Test(blk_xenbus, first_connect)
{
    cr_assert_eq(act(I, I, true, false), XB_INITWAIT);
    cr_assert_eq(act(W, I, true, false), XB_NOTHING, "wait for the frontend");
    cr_assert_eq(act(W, D, true, false), XB_CONNECT);
    cr_assert_eq(act(C, D, true, true), XB_NOTHING);
    cr_assert_eq(act(C, C, true, true), XB_NOTHING);
    /* a frontend faster than us: already Initialised when we start */
    cr_assert_eq(act(I, D, true, false), XB_INITWAIT);
}

Test(blk_xenbus, backend_restart_reattaches)
{
    cr_assert_eq(act(C, C, true, false), XB_CONNECT);
    cr_assert_eq(act(C, D, true, false), XB_CONNECT);
}

Test(blk_xenbus, frontend_closes_and_reconnects)
{
    cr_assert_eq(act(C, G, true, true), XB_CLOSING);
    cr_assert_eq(act(G, G, true, true), XB_NOTHING);
    cr_assert_eq(act(G, X, true, true), XB_CLOSE);
    cr_assert_eq(act(X, X, true, false), XB_NOTHING, "online: keep it");
    cr_assert_eq(act(X, I, true, false), XB_INITWAIT, "driver reloaded");
}

Test(blk_xenbus, toolstack_detach)
{
    /* libxl: online=0, backend state Closing; the frontend follows */
    cr_assert_eq(act(G, C, false, true), XB_NOTHING);
    cr_assert_eq(act(G, G, false, true), XB_NOTHING);
    cr_assert_eq(act(G, X, false, true), XB_CLOSE);
    cr_assert_eq(act(X, X, false, false), XB_REMOVE);
    cr_assert_eq(act(X, G, false, false), XB_REMOVE);
    cr_assert_eq(act(X, I, false, false), XB_REMOVE);
    /* never connect a device the toolstack is taking away */
    cr_assert_eq(act(W, D, false, false), XB_NOTHING);
}

Test(blk_xenbus, frontend_gone)
{
    cr_assert_eq(act(C, XenbusStateUnknown, true, true), XB_REMOVE);
    cr_assert_eq(act(W, XenbusStateUnknown, true, false), XB_REMOVE);
}

Test(blk_xenbus, hostile_states_do_nothing_harmful)
{
    cr_assert_eq(act(C, XenbusStateReconfiguring, true, true), XB_NOTHING);
    cr_assert_eq(act(C, XenbusStateReconfigured, true, true), XB_NOTHING);
    cr_assert_eq(act(C, 42, true, true), XB_NOTHING);
    cr_assert_eq(act(C, -1, true, true), XB_NOTHING);
    cr_assert_eq(act(C, W, true, true), XB_NOTHING);
    /* after we closed the ring for a protocol breach (Closing), the
     * frontend cannot get it mapped again without closing first */
    cr_assert_eq(act(G, C, true, false), XB_NOTHING);
    cr_assert_eq(act(G, D, true, false), XB_NOTHING);
}

Test(blk_xenbus, names)
{
    cr_assert_str_eq(xb_state_name(C), "Connected");
    cr_assert_str_eq(xb_state_name(99), "Invalid");
    cr_assert_str_eq(xb_action_name(XB_CONNECT), "connect");
}
