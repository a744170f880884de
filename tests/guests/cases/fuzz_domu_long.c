/*
 * fuzz_domu_long.c — fuzz_domu with 10^6 hypercalls (`make fuzz-long`;
 * make test runs fuzz_domu's 10^5).
 */
#define NR_CALLS 1000000
#define FUZZ_TITLE "hypercall fuzzer as a domU, 10^6 calls, dom0 keeps being served"
#include "fuzz_domu.c"
