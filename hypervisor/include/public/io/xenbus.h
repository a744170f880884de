/*
 * public/io/xenbus.h — the states each end of a split device publishes in
 * its xenstore directory (`<dir>/state'), as decimal numbers.  A backend and
 * its frontend watch each other's state node and step through
 *   Initialising -> InitWait (backend ready for the frontend's details)
 *   -> Initialised (frontend wrote its ring references and event channel)
 *   -> Connected -> Closing -> Closed
 * Reconfiguring/Reconfigured serve live changes (unused by block devices).
 */
#ifndef PUBLIC_IO_XENBUS_H
#define PUBLIC_IO_XENBUS_H

enum xenbus_state {
    XenbusStateUnknown       = 0,
    XenbusStateInitialising  = 1,
    XenbusStateInitWait      = 2,   /* backend: waiting for frontend details */
    XenbusStateInitialised   = 3,   /* frontend: ring published */
    XenbusStateConnected     = 4,
    XenbusStateClosing       = 5,   /* an end asks to disconnect */
    XenbusStateClosed        = 6,
    XenbusStateReconfiguring = 7,
    XenbusStateReconfigured  = 8,
};
typedef enum xenbus_state XenbusState;

#endif /* PUBLIC_IO_XENBUS_H */
