/*
 * xenbus.c — the backend side of the xenbus handshake for one vif, as a
 * pure function of what xenstore says, so every transition is unit tested.
 *
 * Linux's netfront goes Initialising -> Connected once it sees the backend
 * in InitWait (it writes its ring references first); on the backend's
 * Closing it goes Closed.  The toolstack (libxl, our xl) writes the backend
 * nodes with hotplug-status "" and runs the hotplug script once the
 * backend is in InitWait; the backend must not connect before the script
 * has written hotplug-status "connected" (the tap is then on its bridge).
 * To detach, the toolstack writes online=0 and state=Closing; the backend
 * disconnects, says Closed once the frontend has closed (or is gone) and
 * forgets the device; the toolstack then removes the nodes.
 */
#include <stdlib.h>

#include "netback.h"

int nb_xb_parse_state(const char *s)
{
    char *end;
    long v;

    if (!s || !*s)
        return -1;
    v = strtol(s, &end, 10);
    if (*end || v < 0 || v > 8)
        return -1;
    return (int)v;
}

struct nb_xb_out nb_xb_step(const struct nb_xb_in *in)
{
    struct nb_xb_out o = { .set_state = -1 };
    int fe = in->fe;

    /* the toolstack is taking the device away, or its frontend vanished
     * (domain destroyed): nothing more will come from that side */
    if (!in->online || fe < 0) {
        o.disconnect = in->connected;
        if (fe < 0 || fe == NB_XB_CLOSED || fe == NB_XB_UNKNOWN ||
            fe == NB_XB_INITIALISING) {
            if (in->be != NB_XB_CLOSED)
                o.set_state = NB_XB_CLOSED;
            o.remove = !in->online || fe < 0;
        } else if (in->be != NB_XB_CLOSING && in->be != NB_XB_CLOSED) {
            o.set_state = NB_XB_CLOSING;
        }
        return o;
    }
    if (in->hotplug_error) {
        /* the script could not plug the tap in: never connect */
        o.disconnect = in->connected;
        if (in->be != NB_XB_CLOSING && in->be != NB_XB_CLOSED)
            o.set_state = NB_XB_CLOSING;
        return o;
    }
    switch (fe) {
    case NB_XB_INITIALISING:
    case NB_XB_INITWAIT:
        /* a frontend (re)starting after a close: offer the device again */
        if (in->connected)
            o.disconnect = true;
        if (in->be == NB_XB_CLOSED || in->be == NB_XB_CLOSING ||
            in->be == NB_XB_CONNECTED || in->be == NB_XB_INITIALISING ||
            in->be == NB_XB_UNKNOWN)
            o.set_state = NB_XB_INITWAIT;
        break;
    case NB_XB_INITIALISED:
    case NB_XB_CONNECTED:
        if (in->be == NB_XB_CLOSING || in->be == NB_XB_CLOSED)
            break;   /* we gave up on this frontend; it must close first */
        if (!in->hotplug_ok)
            break;   /* wait for the script */
        if (!in->connected)
            o.connect = true;
        if (in->be != NB_XB_CONNECTED)
            o.set_state = NB_XB_CONNECTED;
        break;
    case NB_XB_CLOSING:
        o.disconnect = in->connected;
        if (in->be != NB_XB_CLOSING && in->be != NB_XB_CLOSED)
            o.set_state = NB_XB_CLOSING;
        break;
    case NB_XB_CLOSED:
    case NB_XB_UNKNOWN:
        o.disconnect = in->connected;
        if (in->be != NB_XB_CLOSED)
            o.set_state = NB_XB_CLOSED;
        break;
    default:              /* Reconfiguring/Reconfigured: not used by netif */
        break;
    }
    return o;
}
