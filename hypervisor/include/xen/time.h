/*
 * time.h — system time.  NOW() is monotonic nanoseconds since boot; the
 * arch side (boot) implements it from the calibrated TSC, the unit-test
 * harness from a fake clock the tests advance.
 */
#ifndef XEN_TIME_H
#define XEN_TIME_H

#include <xen/types.h>

#define STIME_MAX       ((s_time_t)INT64_MAX)

#define SECONDS(s)      ((s_time_t)((s) * 1000000000ULL))
#define MILLISECS(ms)   ((s_time_t)((ms) * 1000000ULL))
#define MICROSECS(us)   ((s_time_t)((us) * 1000ULL))
#define NANOSECS(ns)    ((s_time_t)(ns))

s_time_t NOW(void);

#endif
