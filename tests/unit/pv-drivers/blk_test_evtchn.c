/*
 * blk_test_evtchn.c — evt_drain() (pv-drivers/common/evtchn.c, the real
 * code) over a SOCK_SEQPACKET pair standing for /dev/xen/evtchn: each
 * datagram is what one read() of the device returns (pending ports), and
 * what the drain writes back is the unmask the device would get.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "backend.h"

static int sp[2];

static void setup(void)
{
    cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sp), 0);
}

static void teardown(void)
{
    close(sp[0]);
    close(sp[1]);
}

TestSuite(evtchn, .init = setup, .fini = teardown);

Test(evtchn, drain_unmasks_what_it_read)
{
    unsigned int port = 7, back = 0;

    cr_assert_eq(send(sp[1], &port, sizeof(port), 0), (ssize_t)sizeof(port));
    cr_assert_eq(evt_drain(sp[0]), 1);
    cr_assert_eq(recv(sp[1], &back, sizeof(back), MSG_DONTWAIT),
                 (ssize_t)sizeof(back), "the port is unmasked");
    cr_assert_eq(back, 7);
}

/* A read shorter than the buffer took every pending port: the drain ends
 * there rather than spending a read on EAGAIN; what fired after it stays
 * readable for the caller's epoll. */
Test(evtchn, a_short_read_ends_the_drain)
{
    unsigned int port = 7, later = 9, got = 0;

    cr_assert_eq(send(sp[1], &port, sizeof(port), 0), (ssize_t)sizeof(port));
    cr_assert_eq(send(sp[1], &later, sizeof(later), 0), (ssize_t)sizeof(later));
    cr_assert_eq(evt_drain(sp[0]), 1);
    cr_assert_eq(recv(sp[0], &got, sizeof(got), MSG_DONTWAIT),
                 (ssize_t)sizeof(got), "the later event is still there");
    cr_assert_eq(got, 9);
}

Test(evtchn, a_full_read_reads_again)
{
    unsigned int ports[32], later = 9;

    for (unsigned int i = 0; i < 32; i++)
        ports[i] = i + 1;
    cr_assert_eq(send(sp[1], ports, sizeof(ports), 0), (ssize_t)sizeof(ports));
    cr_assert_eq(send(sp[1], &later, sizeof(later), 0), (ssize_t)sizeof(later));
    cr_assert_eq(evt_drain(sp[0]), 33);
    cr_assert_eq(evt_drain(sp[0]), 0, "then nothing left");
}
