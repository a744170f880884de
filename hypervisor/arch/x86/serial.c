/*
 * serial.c — the COM1 16550 UART driver behind the hypervisor console.
 *
 * Polled output only (the hypervisor never takes UART interrupts yet): every
 * byte waits for the transmit holding register, with a bound so that a
 * missing UART cannot hang the hypervisor.  Options, as in Xen:
 *   console=com1          (the default; "none" silences the console)
 *   com1=<baud>[,...]     (the rest of Xen's syntax is accepted, not used)
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/param.h>
#include <asm/processor.h>
#include <asm/setup.h>

#define COM1_BASE   0x3f8
#define UART_THR    0
#define UART_DLL    0
#define UART_IER    1
#define UART_DLM    1
#define UART_FCR    2
#define UART_LCR    3
#define UART_MCR    4
#define UART_LSR    5
#define LSR_THRE    0x20
#define LCR_DLAB    0x80
#define UART_CLOCK  115200

static bool console_enabled = true;
static unsigned int opt_com1_baud = 115200;

static int parse_console(const char *val)
{
    /* A comma-separated list of devices, as in Xen; we drive COM1 only. */
    if (!strcmp(val, "none")) {
        console_enabled = false;
        return 0;
    }
    if (!strncmp(val, "com1", 4) || !strncmp(val, "vga", 3) || !strncmp(val, "com2", 4)) {
        console_enabled = true;
        return 0;
    }
    return -EINVAL;
}
custom_param("console", parse_console);

/* COM1 is the hypervisor's while its console is on (pv/ioport.c keeps the
 * hardware domain off it). */
bool arch_console_uses_com1(void)
{
    return console_enabled;
}

static int parse_com1(const char *val)
{
    unsigned long long baud;
    const char *end;

    /* "auto" keeps the firmware's setting; otherwise a baud rate first. */
    if (!strncmp(val, "auto", 4))
        return 0;
    if (parse_ull(val, &end, 10, &baud) || baud == 0 || baud > UART_CLOCK ||
        (*end && *end != ',' && *end != '/'))
        return -EINVAL;
    opt_com1_baud = (unsigned int)baud;
    serial_init(opt_com1_baud);
    return 0;
}
custom_param("com1", parse_com1);

void serial_init(unsigned int baud)
{
    unsigned int div = UART_CLOCK / (baud ? baud : 115200);

    outb(COM1_BASE + UART_IER, 0);              /* no UART interrupts */
    outb(COM1_BASE + UART_LCR, LCR_DLAB);
    outb(COM1_BASE + UART_DLL, div & 0xff);
    outb(COM1_BASE + UART_DLM, (div >> 8) & 0xff);
    outb(COM1_BASE + UART_LCR, 0x03);           /* 8N1 */
    outb(COM1_BASE + UART_FCR, 0x07);           /* enable + clear FIFOs */
    outb(COM1_BASE + UART_MCR, 0x03);           /* DTR, RTS */
}

void serial_putc(char c)
{
    unsigned int spins = 100000;

    while (!(inb(COM1_BASE + UART_LSR) & LSR_THRE) && --spins)
        cpu_relax();
    outb(COM1_BASE + UART_THR, (uint8_t)c);
}

void arch_console_write(const char *s, size_t n)
{
    if (!console_enabled)
        return;
    while (n--) {
        if (*s == '\n')
            serial_putc('\r');
        serial_putc(*s++);
    }
}

/* Receive side (PV core: dom0's console input).  -1 when nothing waits. */
int serial_getc(void)
{
    if (!(inb(COM1_BASE + UART_LSR) & 0x01))   /* LSR data ready */
        return -1;
    return inb(COM1_BASE);
}
