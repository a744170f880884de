/*
 * pv/console_input.c — keyboard input for dom0's console (hvc0 over
 * console_io): COM1 is polled every 20 ms (its interrupt line is not routed:
 * the 8259 is masked and there is no IOAPIC code yet), bytes go into a small
 * ring, and dom0 gets VIRQ_CONSOLE; CONSOLEIO_read drains the ring.
 */
#include <xen/lib.h>
#include <xen/event.h>
#include <xen/hypercall.h>
#include <xen/sched.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <asm/setup.h>

#define RING_SIZE   1024                /* power of two */
#define POLL_PERIOD MILLISECS(20)

static char ring[RING_SIZE];
static unsigned int prod, cons;
static struct timer poll_timer;

static void poll_serial(void *data)
{
    bool got = false;
    int c;

    (void)data;
    while ((c = serial_getc()) >= 0) {
        if (prod - cons < RING_SIZE)
            ring[prod++ & (RING_SIZE - 1)] = (char)c;
        got = true;
    }
    if (got && hardware_domain != NULL && hardware_domain->is_dying == DOMDYING_alive)
        send_guest_global_virq(hardware_domain, VIRQ_CONSOLE);
    set_timer(&poll_timer, NOW() + POLL_PERIOD);
}

void pv_console_input_init(void)
{
    init_timer(&poll_timer, poll_serial, NULL);
    set_timer(&poll_timer, NOW() + POLL_PERIOD);
}

size_t arch_console_read(char *buf, size_t n)
{
    size_t i = 0;

    while (i < n && cons != prod)
        buf[i++] = ring[cons++ & (RING_SIZE - 1)];
    return i;
}
