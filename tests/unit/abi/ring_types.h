/*
 * ring_types.h — a sample split-driver ring declared with DEFINE_RING_TYPES,
 * included by both gen_expected.c (Debian's io/ring.h) and abi_test.c (ours)
 * so the generated structures can be compared.
 */
#ifndef ABI_RING_TYPES_H
#define ABI_RING_TYPES_H

struct abit_req {
    uint64_t id;
    uint8_t op;
    uint32_t data[5];
};

struct abit_rsp {
    uint64_t id;
    int16_t status;
};

DEFINE_RING_TYPES(abit, struct abit_req, struct abit_rsp);

#endif
