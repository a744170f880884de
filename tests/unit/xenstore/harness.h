/*
 * harness.h - in-process driver for xenstored's core in unit tests: memory
 * connections for any domid, a request helper that feeds one wire message
 * and returns the reply rendered as text ("READ value", "ERROR ENOENT",
 * NULs shown as '|'), and a queue of watch events per connection.
 */
#ifndef XS_TEST_HARNESS_H
#define XS_TEST_HARNESS_H

#include "xsd.h"

/* Fresh store and empty connection list (call from a test's init). */
void h_setup(void);
/* Free every connection and the store (a test's fini; keeps LSan quiet). */
void h_teardown(void);
/* A connection for domid (0 = privileged, like a dom0 socket). */
struct conn *h_conn(uint32_t domid);
/* Send type with NUL-separated args (NULL-terminated list); returns the
 * reply as static text.  Watch events received meanwhile are queued. */
const char *h_req(struct conn *c, uint32_t type, uint32_t tx, ...);
/* Same, with a raw payload. */
const char *h_raw(struct conn *c, uint32_t type, uint32_t tx,
                  const void *payload, size_t len);
/* Next queued watch event as "path|token|", or NULL. */
const char *h_event(struct conn *c);
/* Number of queued events. */
int h_nevents(struct conn *c);
/* Start a transaction, returning its id (0 on failure). */
uint32_t h_tx(struct conn *c);
/* True if the connection was dropped by the daemon. */
bool h_dead(struct conn *c);
/* Make the peer stop (or resume) reading. */
void h_block_output(struct conn *c, bool on);
/* Raw bytes written to the connection since the last call (NULL buf: discard). */
size_t h_take_output(struct conn *c, char *buf, size_t len);

#endif
