/*
 * stress.c — small workloads the Linux guest tests run inside a domain
 * (built static on the host, copied into the test initramfs):
 *
 *   stress mem MB ROUNDS     allocate MB MiB, write a pattern, checksum it,
 *                            free; ROUNDS times (exercises page faults,
 *                            page-table updates and freeing in the guest)
 *   stress pingpong N        two processes bounce a byte over pipes N times
 *                            (context switches, syscalls, wake-ups)
 *   stress mmap N            N rounds of mmap, touch, mprotect, munmap of
 *                            1..64 pages (page-table churn)
 *   stress forkexec N PROG   N times fork + exec PROG and wait for it
 *   stress files N KB        N rounds of create, write KB KiB, fsync,
 *                            read back and compare, unlink, in the current
 *                            directory (tmpfs file I/O in the benchmarks)
 *   stress now               print CLOCK_MONOTONIC in seconds (the guest's
 *                            clock, so a shell script can time its parts)
 *
 * Each workload prints one line "<what>: ok <figures>" and exits 0, or
 * prints the failure and exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int do_mem(long mb, long rounds)
{
    size_t n = (size_t)mb << 20;
    double t0 = now();

    for (long r = 0; r < rounds; r++) {
        uint64_t *p = malloc(n), sum = 0, want = 0;

        if (p == NULL) {
            printf("mem: malloc(%ld MiB) failed in round %ld\n", mb, r);
            return 1;
        }
        for (size_t i = 0; i < n / 8; i++) {
            p[i] = i * 0x9e3779b97f4a7c15ULL + (uint64_t)r;
            want += p[i];
        }
        for (size_t i = 0; i < n / 8; i++)
            sum += p[i];
        free(p);
        if (sum != want) {
            printf("mem: checksum mismatch in round %ld: %llx != %llx\n", r,
                   (unsigned long long)sum, (unsigned long long)want);
            return 1;
        }
    }
    printf("mem: ok %ld x %ld MiB in %.2fs\n", rounds, mb, now() - t0);
    return 0;
}

static int do_pingpong(long n)
{
    int a[2], b[2];
    pid_t pid;
    char c = 'x';
    double t0 = now();

    if (pipe(a) || pipe(b)) {
        perror("pingpong: pipe");
        return 1;
    }
    pid = fork();
    if (pid < 0) {
        perror("pingpong: fork");
        return 1;
    }
    if (pid == 0) {
        for (long i = 0; i < n; i++)
            if (read(a[0], &c, 1) != 1 || write(b[1], &c, 1) != 1)
                _exit(1);
        _exit(0);
    }
    for (long i = 0; i < n; i++) {
        if (write(a[1], &c, 1) != 1 || read(b[0], &c, 1) != 1) {
            printf("pingpong: broken after %ld round trips\n", i);
            return 1;
        }
    }
    int st;
    waitpid(pid, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        printf("pingpong: child failed\n");
        return 1;
    }
    double t = now() - t0;
    printf("pingpong: ok %ld round trips in %.2fs (%.1f us each)\n", n, t, t / n * 1e6);
    return 0;
}

static int do_mmap(long n)
{
    double t0 = now();
    unsigned int seed = 1;

    for (long i = 0; i < n; i++) {
        size_t pages = 1 + rand_r(&seed) % 64, len = pages * 4096;
        volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

        if (p == MAP_FAILED) {
            printf("mmap: round %ld: %s\n", i, strerror(errno));
            return 1;
        }
        for (size_t k = 0; k < pages; k++)
            p[k * 4096] = (char)k;
        if (mprotect((void *)p, len, PROT_READ)) {
            printf("mmap: mprotect: %s\n", strerror(errno));
            return 1;
        }
        for (size_t k = 0; k < pages; k++)
            if (p[k * 4096] != (char)k) {
                printf("mmap: round %ld: page %zu lost its contents\n", i, k);
                return 1;
            }
        munmap((void *)p, len);
    }
    printf("mmap: ok %ld rounds in %.2fs\n", n, now() - t0);
    return 0;
}

static int do_forkexec(long n, const char *prog)
{
    double t0 = now();

    for (long i = 0; i < n; i++) {
        pid_t pid = fork();
        int st;

        if (pid < 0) {
            printf("forkexec: fork %ld: %s\n", i, strerror(errno));
            return 1;
        }
        if (pid == 0) {
            execl(prog, prog, (char *)NULL);
            _exit(127);
        }
        if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            printf("forkexec: %s failed in round %ld (status %#x)\n", prog, i, st);
            return 1;
        }
    }
    double t = now() - t0;
    printf("forkexec: ok %ld in %.2fs (%.2f ms each)\n", n, t, t / n * 1e3);
    return 0;
}

static int do_files(long n, long kb)
{
    size_t len = (size_t)kb << 10;
    char *buf = malloc(len), *back = malloc(len), name[32];
    double t0 = now();

    if (buf == NULL || back == NULL) {
        printf("files: malloc(%ld KiB) failed\n", kb);
        return 1;
    }
    for (long i = 0; i < n; i++) {
        int fd;

        /* Each round's bytes differ, so a stale page cannot pass. */
        for (size_t k = 0; k < len; k++)
            buf[k] = (char)(k * 31 + i);
        snprintf(name, sizeof(name), "stress-%ld", i);
        fd = open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
        if (fd < 0 || write(fd, buf, len) != (ssize_t)len || fsync(fd) ||
            pread(fd, back, len, 0) != (ssize_t)len) {
            printf("files: round %ld: %s\n", i, strerror(errno));
            return 1;
        }
        close(fd);
        if (memcmp(buf, back, len)) {
            printf("files: round %ld: read back differs\n", i);
            return 1;
        }
        if (unlink(name)) {
            printf("files: unlink: %s\n", strerror(errno));
            return 1;
        }
    }
    free(buf);
    free(back);
    printf("files: ok %ld x %ld KiB in %.2fs\n", n, kb, now() - t0);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "now")) {
        printf("%.6f\n", now());
        return 0;
    }
    if (argc >= 4 && !strcmp(argv[1], "files"))
        return do_files(atol(argv[2]), atol(argv[3]));
    if (argc >= 4 && !strcmp(argv[1], "mem"))
        return do_mem(atol(argv[2]), atol(argv[3]));
    if (argc >= 3 && !strcmp(argv[1], "pingpong"))
        return do_pingpong(atol(argv[2]));
    if (argc >= 3 && !strcmp(argv[1], "mmap"))
        return do_mmap(atol(argv[2]));
    if (argc >= 4 && !strcmp(argv[1], "forkexec"))
        return do_forkexec(atol(argv[2]), argv[3]);
    fprintf(stderr, "usage: stress mem MB ROUNDS | pingpong N | mmap N | forkexec N PROG | files N KB | now\n");
    return 2;
}
