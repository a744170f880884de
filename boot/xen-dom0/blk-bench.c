/*
 * blk-bench.c — the PV disk benchmark run inside a domU (bench 62): on one
 * block device, with O_DIRECT so the guest's page cache is out of the way,
 *   64 MiB sequential write in 1 MiB requests, then fdatasync;
 *   64 MiB sequential read in 1 MiB requests;
 *   4 KiB random reads over the first 64 MiB for `secs' seconds (IOPS).
 * Prints one line: "BLKBENCH <label> seqwrite_MBps=.. seqread_MBps=..
 * randread_iops=..".
 *
 *   blk-bench <device> <label> [secs]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MIB (1024 * 1024)
#define TOTAL (64 * MIB)

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    double secs = argc > 3 ? atof(argv[3]) : 10, t0, wr, rd;
    unsigned long ios = 0, seed = 12345;
    void *buf;
    off_t off;
    int fd;

    if (argc < 3) {
        fprintf(stderr, "usage: blk-bench <device> <label> [secs]\n");
        return 2;
    }
    fd = open(argv[1], O_RDWR | O_DIRECT);
    if (fd < 0 || posix_memalign(&buf, 4096, MIB)) {
        perror(argv[1]);
        return 1;
    }
    memset(buf, 0x5a, MIB);
    t0 = now();
    for (off = 0; off < TOTAL; off += MIB)
        if (pwrite(fd, buf, MIB, off) != MIB) {
            perror("pwrite");
            return 1;
        }
    if (fdatasync(fd)) {
        perror("fdatasync");
        return 1;
    }
    wr = now() - t0;
    t0 = now();
    for (off = 0; off < TOTAL; off += MIB)
        if (pread(fd, buf, MIB, off) != MIB) {
            perror("pread");
            return 1;
        }
    rd = now() - t0;
    t0 = now();
    while (now() - t0 < secs) {
        seed = seed * 6364136223846793005UL + 1442695040888963407UL;
        off = (off_t)((seed >> 33) % (TOTAL / 4096)) * 4096;
        if (pread(fd, buf, 4096, off) != 4096) {
            perror("pread 4k");
            return 1;
        }
        ios++;
    }
    printf("BLKBENCH %s seqwrite_MBps=%.2f seqread_MBps=%.2f randread_iops=%.1f\n",
           argv[2], 64 / wr, 64 / rd, ios / (now() - t0));
    return 0;
}
