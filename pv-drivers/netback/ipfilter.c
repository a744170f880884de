/*
 * ipfilter.c — `ip=` anti-spoofing for a vif: which frames a guest may send.
 *
 * A vif configured with `ip=` (the backend's "ip" node: IPv4 addresses or
 * networks, "a.b.c.d" or "a.b.c.d/len", separated by spaces, as libxl
 * writes it) may only send IPv4 from those sources, plus DHCP requests
 * (UDP 68 -> 67, whatever the source, so a guest can get its address).
 * That is what Xen's vif-common.sh installs as iptables rules for the vif.
 * We also check ARP: a guest whose ARP packets claim another's address
 * draws that address's traffic to itself, the very thing ip= is there to
 * stop (Xen's rules are iptables, which never sees ARP).  Other protocols
 * (IPv6, ...) pass, as with Xen's IPv4 rules.  Without an "ip" node
 * everything passes.
 *
 * Pure code (no devices): unit tested and fuzzed on the host.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netback.h"

#define ETH_P_IP_   0x0800
#define ETH_P_ARP_  0x0806
#define ETH_P_8021Q_ 0x8100

int nb_ipfilter_parse(const char *s, struct nb_ipfilter *f)
{
    char tok[48];

    memset(f, 0, sizeof(*f));
    if (!s)
        return 0;
    while (*s) {
        size_t n = strspn(s, " \t,");
        const char *slash;
        struct in_addr a;
        unsigned long len = 32;
        char *end;

        s += n;
        if (!*s)
            break;
        n = strcspn(s, " \t,");
        if (n >= sizeof(tok) || f->n == NB_IPFILTER_MAX)
            return -EINVAL;
        memcpy(tok, s, n);
        tok[n] = 0;
        s += n;
        slash = strchr(tok, '/');
        if (slash) {
            if (!slash[1])
                return -EINVAL;
            errno = 0;
            len = strtoul(slash + 1, &end, 10);
            if (*end || errno || len > 32)
                return -EINVAL;
            tok[slash - tok] = 0;
        }
        if (inet_pton(AF_INET, tok, &a) != 1)
            return -EINVAL;
        f->net[f->n].mask = len ? htonl(0xffffffffu << (32 - len)) : 0;
        f->net[f->n].addr = a.s_addr & f->net[f->n].mask;
        f->n++;
    }
    return 0;
}

static bool listed(const struct nb_ipfilter *f, const uint8_t *p)
{
    uint32_t a;

    memcpy(&a, p, 4);   /* network order, as the table */
    for (unsigned int i = 0; i < f->n; i++)
        if ((a & f->net[i].mask) == f->net[i].addr)
            return true;
    return false;
}

static unsigned int be16(const uint8_t *p)
{
    return (unsigned int)p[0] << 8 | p[1];
}

bool nb_ipfilter_allows(const struct nb_ipfilter *f, const uint8_t *frame,
                        size_t len)
{
    size_t off = 12;
    unsigned int type;

    if (!f->n)
        return true;
    if (len < off + 2)
        return false;
    type = be16(frame + off);
    off += 2;
    if (type == ETH_P_8021Q_) {          /* one VLAN tag */
        if (len < off + 4)
            return false;
        type = be16(frame + off + 2);
        off += 4;
    }
    if (type == ETH_P_IP_) {
        const uint8_t *ip = frame + off;
        size_t ihl;

        if (len < off + 20 || ip[0] >> 4 != 4)
            return false;
        if (listed(f, ip + 12))
            return true;
        /* a DHCP request: UDP 68 -> 67 in an unfragmented packet */
        ihl = (size_t)(ip[0] & 15) * 4;
        if (ip[9] != 17 || ihl < 20 || len < off + ihl + 4 ||
            (be16(ip + 6) & 0x3fff))
            return false;
        return be16(ip + ihl) == 68 && be16(ip + ihl + 2) == 67;
    }
    if (type == ETH_P_ARP_) {
        const uint8_t *arp = frame + off;
        static const uint8_t zero[4];

        /* Ethernet/IPv4 ARP: the sender's protocol address at 14 */
        if (len < off + 28 || be16(arp) != 1 || be16(arp + 2) != ETH_P_IP_ ||
            arp[4] != 6 || arp[5] != 4)
            return false;
        /* 0.0.0.0: an address probe (RFC 5227) claims nothing */
        return listed(f, arp + 14) || !memcmp(arp + 14, zero, 4);
    }
    return true;
}
