/*
 * smp-work.c — the guest-side load of the SMP bench and soak (static,
 * runs in the busybox domU of xen-dom0-initramfs.sh smp):
 *
 *   smp-work spin ITERS PROCS   fork PROCS processes that each do ITERS
 *                               rounds of integer work; print the wall time
 *                               of the whole, by the guest's own clock:
 *                               "DOMU-WORK cpus=C procs=P iters=N secs=S"
 *   smp-work burn               integer work forever (the soak's CPU load)
 *   smp-work touch MIB          map MIB MiB, write a pattern over every
 *                               page, check it, unmap; again and again, and
 *                               every 4th pass in a child that exits (mm
 *                               teardown: TLB flushes across the guest's
 *                               vCPUs); "DOMU-MEM pass=N" every 16 passes,
 *                               "DOMU-MEM CORRUPT ..." on a wrong word
 *
 * The integer round is a xorshift step: no memory traffic, nothing the
 * compiler can fold away (the result is printed), the same instructions on
 * every hypervisor.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t rounds(uint64_t n, uint64_t x)
{
    while (n--) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    return x;
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int spin(uint64_t iters, int procs)
{
    double t0 = now(), t1;
    int i, st, bad = 0;

    for (i = 0; i < procs; i++) {
        pid_t p = fork();

        if (p < 0) {
            perror("fork");
            return 1;
        }
        if (p == 0) {
            /* exit status 0 can never be taken for a folded loop: print */
            uint64_t r = rounds(iters, 0x9e3779b97f4a7c15ull + (uint64_t)i);
            _exit(r == 0 ? 2 : 0);
        }
    }
    for (i = 0; i < procs; i++)
        if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
            bad++;
    t1 = now();
    if (bad) {
        printf("DOMU-WORK FAILED %d of %d workers\n", bad, procs);
        return 1;
    }
    printf("DOMU-WORK cpus=%ld procs=%d iters=%llu secs=%.3f\n",
           sysconf(_SC_NPROCESSORS_ONLN), procs, (unsigned long long)iters, t1 - t0);
    return 0;
}

static int touch_once(size_t bytes, uint64_t seed)
{
    uint64_t *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    size_t i, n = bytes / sizeof(*m);

    if (m == MAP_FAILED) {
        perror("DOMU-MEM mmap");
        return -1;
    }
    for (i = 0; i < n; i += 8)
        m[i] = seed ^ i;
    for (i = 0; i < n; i += 8)
        if (m[i] != (seed ^ i)) {
            printf("DOMU-MEM CORRUPT word %zu: %016llx not %016llx\n", i,
                   (unsigned long long)m[i], (unsigned long long)(seed ^ i));
            fflush(stdout);
            munmap(m, bytes);
            return 1;
        }
    munmap(m, bytes);
    return 0;
}

static int touch(size_t mib)
{
    uint64_t pass;

    for (pass = 1;; pass++) {
        int r;

        if (pass % 4 == 0) {
            pid_t p = fork();
            int st;

            if (p == 0)
                _exit(touch_once(mib << 20, pass) ? 1 : 0);
            r = (p < 0 || waitpid(p, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) ? 1 : 0;
        } else {
            r = touch_once(mib << 20, pass);
        }
        if (r)
            printf("DOMU-MEM CORRUPT pass %llu failed\n", (unsigned long long)pass);
        if (pass % 16 == 0)
            printf("DOMU-MEM pass=%llu\n", (unsigned long long)pass);
        fflush(stdout);
    }
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 4 && !strcmp(argv[1], "spin"))
        return spin(strtoull(argv[2], NULL, 0), atoi(argv[3]));
    if (argc == 2 && !strcmp(argv[1], "burn")) {
        for (;;)
            if (rounds(1ull << 30, 1) == 0)
                puts("DOMU-BURN zero");
    }
    if (argc == 3 && !strcmp(argv[1], "touch"))
        return touch(strtoull(argv[2], NULL, 0));
    fprintf(stderr, "usage: smp-work spin ITERS PROCS | burn | touch MIB\n");
    return 2;
}
