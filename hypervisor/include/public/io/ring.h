/*
 * public/io/ring.h — the shared request/response ring used by split PV
 * drivers (block, network, ...).  One page shared between a frontend and a
 * backend holds a header and a power-of-two array of slots; each slot is a
 * union of the protocol's request and response.  The frontend produces
 * requests and consumes responses, the backend the reverse.  Indices are
 * free-running 32-bit counters, reduced modulo the ring size on access.
 *
 * DEFINE_RING_TYPES(name, req_t, rsp_t) declares
 *   struct name_sring       the shared page layout
 *   struct name_front_ring  the frontend's private view
 *   struct name_back_ring   the backend's private view
 * and the RING_* macros below operate on them.  The shared header is 64
 * bytes (four indices and padding), so slot 0 is at offset 64: Xen's layout.
 *
 * Memory barriers: define xen_mb/xen_rmb/xen_wmb before including to use
 * your own; the defaults are compiler builtins (full fences).
 * Flexible-size rings (DEFINE_XEN_FLEX_RING) are not provided.
 */
#ifndef PUBLIC_IO_RING_H
#define PUBLIC_IO_RING_H

#include <stdint.h>
#include <stddef.h>

#ifndef xen_mb
#define xen_mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif
#ifndef xen_rmb
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#endif
#ifndef xen_wmb
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#endif

typedef unsigned int RING_IDX;

/* Round a slot count down to a power of two (at most 2^31). */
#define __RD2(_x)  (((_x) & 0x00000002) ? 0x2 : ((_x) & 0x1))
#define __RD4(_x)  (((_x) & 0x0000000c) ? __RD2((_x) >> 2) << 2 : __RD2(_x))
#define __RD8(_x)  (((_x) & 0x000000f0) ? __RD4((_x) >> 4) << 4 : __RD4(_x))
#define __RD16(_x) (((_x) & 0x0000ff00) ? __RD8((_x) >> 8) << 8 : __RD8(_x))
#define __RD32(_x) (((_x) & 0xffff0000) ? __RD16((_x) >> 16) << 16 : __RD16(_x))

/* Slots that fit in _sz bytes of shared ring of type name (a constant). */
#define __CONST_RING_SIZE(_name, _sz) \
    (__RD32(((_sz) - offsetof(struct _name##_sring, ring)) / \
            sizeof(((struct _name##_sring *)0)->ring[0])))

/* The same from a shared-ring pointer. */
#define __RING_SIZE(_s, _sz) \
    (__RD32(((_sz) - (long)(_s)->ring + (long)(_s)) / sizeof((_s)->ring[0])))

#define DEFINE_RING_TYPES(__name, __req_t, __rsp_t)                         \
union __name##_sring_entry {                                                \
    __req_t req;                                                            \
    __rsp_t rsp;                                                            \
};                                                                          \
                                                                            \
struct __name##_sring {                                                     \
    RING_IDX req_prod, req_event;                                           \
    RING_IDX rsp_prod, rsp_event;                                           \
    uint8_t __pad[48];                                                      \
    union __name##_sring_entry ring[1]; /* really RING_SIZE entries */      \
};                                                                          \
                                                                            \
struct __name##_front_ring {                                                \
    RING_IDX req_prod_pvt;                                                  \
    RING_IDX rsp_cons;                                                      \
    unsigned int nr_ents;                                                   \
    struct __name##_sring *sring;                                           \
};                                                                          \
                                                                            \
struct __name##_back_ring {                                                 \
    RING_IDX rsp_prod_pvt;                                                  \
    RING_IDX req_cons;                                                      \
    unsigned int nr_ents;                                                   \
    struct __name##_sring *sring;                                           \
};                                                                          \
                                                                            \
typedef struct __name##_sring __name##_sring_t;                             \
typedef struct __name##_front_ring __name##_front_ring_t;                   \
typedef struct __name##_back_ring __name##_back_ring_t

/* Set up a fresh shared page (the side that allocates it does this). */
#define SHARED_RING_INIT(_s) do {                                           \
    (_s)->req_prod = (_s)->rsp_prod = 0;                                    \
    (_s)->req_event = (_s)->rsp_event = 1;                                  \
    __builtin_memset((_s)->__pad, 0, sizeof((_s)->__pad));                  \
} while (0)

#define FRONT_RING_ATTACH(_r, _s, _i, __size) do {                          \
    (_r)->req_prod_pvt = (_i);                                              \
    (_r)->rsp_cons = (_i);                                                  \
    (_r)->nr_ents = __RING_SIZE(_s, __size);                                \
    (_r)->sring = (_s);                                                     \
} while (0)

#define FRONT_RING_INIT(_r, _s, __size) FRONT_RING_ATTACH(_r, _s, 0, __size)

#define BACK_RING_ATTACH(_r, _s, _i, __size) do {                           \
    (_r)->rsp_prod_pvt = (_i);                                              \
    (_r)->req_cons = (_i);                                                  \
    (_r)->nr_ents = __RING_SIZE(_s, __size);                                \
    (_r)->sring = (_s);                                                     \
} while (0)

#define BACK_RING_INIT(_r, _s, __size) BACK_RING_ATTACH(_r, _s, 0, __size)

#define RING_SIZE(_r) ((_r)->nr_ents)

/* Frontend: request slots not yet answered and reclaimed. */
#define RING_FREE_REQUESTS(_r) \
    (RING_SIZE(_r) - ((_r)->req_prod_pvt - (_r)->rsp_cons))

#define RING_FULL(_r) (RING_FREE_REQUESTS(_r) == 0)

#define RING_HAS_UNCONSUMED_RESPONSES(_r) \
    ((_r)->sring->rsp_prod - (_r)->rsp_cons)

/*
 * Backend: requests to consume, never more than the slots it has not yet
 * answered (a frontend advancing req_prod too far cannot make it overrun).
 */
#define RING_HAS_UNCONSUMED_REQUESTS(_r) ({                                 \
    unsigned int req_ = (_r)->sring->req_prod - (_r)->req_cons;             \
    unsigned int rsp_ = RING_SIZE(_r) - ((_r)->req_cons - (_r)->rsp_prod_pvt); \
    req_ < rsp_ ? req_ : rsp_;                                              \
})

#define RING_GET_REQUEST(_r, _idx) \
    (&((_r)->sring->ring[((_idx) & (RING_SIZE(_r) - 1))].req))

#define RING_GET_RESPONSE(_r, _idx) \
    (&((_r)->sring->ring[((_idx) & (RING_SIZE(_r) - 1))].rsp))

/*
 * Backend: copy a request out of the shared page before looking at it, so
 * the frontend cannot change it between checks and use.
 */
#define RING_COPY_REQUEST(_r, _idx, _req) do {                              \
    *(_req) = *(volatile __typeof__(_req))RING_GET_REQUEST(_r, _idx);       \
} while (0)

#define RING_REQUEST_CONS_OVERFLOW(_r, _cons) \
    (((_cons) - (_r)->rsp_prod_pvt) >= RING_SIZE(_r))

#define RING_REQUEST_PROD_OVERFLOW(_r, _prod) \
    (((_prod) - (_r)->rsp_prod_pvt) > RING_SIZE(_r))

#define RING_RESPONSE_PROD_OVERFLOW(_r, _prod) \
    (((_prod) - (_r)->rsp_cons) > RING_SIZE(_r))

#define RING_PUSH_REQUESTS(_r) do {                                         \
    xen_wmb();                                                              \
    (_r)->sring->req_prod = (_r)->req_prod_pvt;                             \
} while (0)

#define RING_PUSH_RESPONSES(_r) do {                                        \
    xen_wmb();                                                              \
    (_r)->sring->rsp_prod = (_r)->rsp_prod_pvt;                             \
} while (0)

/*
 * Publish and decide whether to notify: the other side asked (via
 * req_event / rsp_event) to be woken when the index passes a value; notify
 * if this push moved the index past it.
 */
#define RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(_r, _notify) do {               \
    RING_IDX old_ = (_r)->sring->req_prod;                                  \
    RING_IDX new_ = (_r)->req_prod_pvt;                                     \
    xen_wmb();                                                              \
    (_r)->sring->req_prod = new_;                                           \
    xen_mb();                                                               \
    (_notify) = ((RING_IDX)(new_ - (_r)->sring->req_event) <                \
                 (RING_IDX)(new_ - old_));                                  \
} while (0)

#define RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(_r, _notify) do {              \
    RING_IDX old_ = (_r)->sring->rsp_prod;                                  \
    RING_IDX new_ = (_r)->rsp_prod_pvt;                                     \
    xen_wmb();                                                              \
    (_r)->sring->rsp_prod = new_;                                           \
    xen_mb();                                                               \
    (_notify) = ((RING_IDX)(new_ - (_r)->sring->rsp_event) <                \
                 (RING_IDX)(new_ - old_));                                  \
} while (0)

/*
 * Before sleeping: ask to be notified of the next item, then look again
 * (an item may have arrived between the first look and the request).
 */
#define RING_FINAL_CHECK_FOR_REQUESTS(_r, _work_to_do) do {                 \
    (_work_to_do) = RING_HAS_UNCONSUMED_REQUESTS(_r);                       \
    if (_work_to_do)                                                        \
        break;                                                              \
    (_r)->sring->req_event = (_r)->req_cons + 1;                            \
    xen_mb();                                                               \
    (_work_to_do) = RING_HAS_UNCONSUMED_REQUESTS(_r);                       \
} while (0)

#define RING_FINAL_CHECK_FOR_RESPONSES(_r, _work_to_do) do {                \
    (_work_to_do) = RING_HAS_UNCONSUMED_RESPONSES(_r);                      \
    if (_work_to_do)                                                        \
        break;                                                              \
    (_r)->sring->rsp_event = (_r)->rsp_cons + 1;                            \
    xen_mb();                                                               \
    (_work_to_do) = RING_HAS_UNCONSUMED_RESPONSES(_r);                      \
} while (0)

#endif /* PUBLIC_IO_RING_H */
