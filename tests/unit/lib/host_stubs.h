/*
 * host_stubs.h — what hypervisor code needs from the rest of the hypervisor
 * when it is compiled into a host unit test: printk (to stderr), panic (a
 * test failure), guest copies (host pointers; addresses at or above
 * H_BAD_GUEST_ADDR, and NULL, fail as a bad guest pointer would), and
 * xmalloc over libc.  Shared by the harnesses of tests/unit/{evtchn,pvmm,
 * sched,...}; each links it through a one-line wrapper file.
 */
#ifndef TEST_HOST_STUBS_H
#define TEST_HOST_STUBS_H

#define H_BAD_GUEST_ADDR 0xffff800000000000UL

#endif
