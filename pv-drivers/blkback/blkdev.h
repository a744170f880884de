/*
 * blkdev.h — the daemon's view of one vbd (device.c) and the hooks main.c
 * provides to it (event registration, logging, the writable-image check).
 */
#ifndef BLKDEV_H
#define BLKDEV_H

#include <stdarg.h>
#include <sys/types.h>

#include "blkback.h"

struct xs_handle;

struct blk_dev {
    struct blk_dev *next;
    struct xs_handle *xs;
    unsigned int domid, devid;
    char be[128];               /* backend directory */
    char fe[160];               /* frontend directory */
    char watch_token[40];
    char path[1024];            /* the image */
    dev_t dev, rdev;
    ino_t ino;
    bool cdrom;
    bool failed;                /* refused (message in hotplug-error) */
    bool released;              /* closed for good, image closed */
    bool shared;                /* mode "w!" */
    bool connected;
    bool more;                  /* requests left after a budget ran out */
    bool seen;                  /* mark for the rescan */
    /* what serving cost (logged at disconnect): wakeups by the event
     * channel, rounds of service, notifications sent */
    unsigned long long n_events, n_rounds, n_notifies;
    struct blk_io io;
    uint64_t published[5];      /* the statistics last written (stats.c) */
    bool stats_written;         /* its statistics directory exists */
    int gnt_fd, evt_fd, lport;
    struct gnt_map ring_map;
    struct blk_ring ring;
};

struct blk_dev *blk_dev_new(struct xs_handle *xs, const char *kind,
                            unsigned int domid, unsigned int devid);
void blk_dev_free(struct blk_dev *d);
/* One handshake step; 1 when the device is to be dropped. */
int blk_dev_step(struct blk_dev *d);
/* The frontend broke the ring: disconnect and switch to Closing. */
void blk_dev_halt(struct blk_dev *d);

/* main.c */
void blk_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int blk_evt_register(struct blk_dev *d);
void blk_evt_forget(struct blk_dev *d);
void blk_dev_kick(struct blk_dev *d);
/* True if another domain's device has the same image open writable, or
 * this one is writable and another domain has it open at all. */
bool blk_image_conflict(const struct blk_dev *d);

#endif /* BLKDEV_H */
