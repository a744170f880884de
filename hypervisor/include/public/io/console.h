/*
 * public/io/console.h — the PV console ring shared between a domU and its
 * console backend (our console daemon, or the hypervisor itself).  The page
 * is named by start_info.console.domU.mfn and signalled through
 * console.domU.evtchn.  in[] carries keyboard input to the guest, out[] its
 * output; the indices run freely and are reduced modulo the ring size.
 */
#ifndef PUBLIC_IO_CONSOLE_H
#define PUBLIC_IO_CONSOLE_H

#include <stdint.h>

typedef uint32_t XENCONS_RING_IDX;

/* Index into ring (an array whose size is a power of two). */
#define MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

struct xencons_interface {
    char in[1024];              /* backend produces, guest consumes */
    char out[2048];             /* guest produces, backend consumes */
    XENCONS_RING_IDX in_cons, in_prod;
    XENCONS_RING_IDX out_cons, out_prod;
};

#endif /* PUBLIC_IO_CONSOLE_H */
