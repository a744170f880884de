/*
 * fuzz_netback.c — libFuzzer target for netbackd's parsing of what a
 * frontend controls: the input is a run of tx ring slots (12 bytes each)
 * followed by frame bytes.  Every packet the slots delimit goes through
 * nb_tx_parse(); for accepted packets the frame bytes go through the
 * checksum/GSO translation (nb_find_l4, nb_tx_vnet_hdr, nb_fill_l4_csum)
 * as vif.c would, and through the ip= filter; the frame bytes cut in two
 * also go through the rx coalescing (nb_rx_coalesce).  Checks the parser's own promises: a verdict that
 * consumes slots never claims more than were given, data slots stay inside
 * their page, lengths add up to the packet size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netback.h"

#define MAX_SLOTS 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct netif_tx_request slots[MAX_SLOTS];
    struct nb_tx_packet p;
    unsigned int n, at = 0;
    const uint8_t *frame;
    size_t flen;

    if (size < 1)
        return 0;
    n = data[0] % (MAX_SLOTS + 1);
    data++, size--;
    if (size < n * sizeof(slots[0]))
        n = (unsigned int)(size / sizeof(slots[0]));
    memcpy(slots, data, n * sizeof(slots[0]));
    frame = data + n * sizeof(slots[0]);
    flen = size - n * sizeof(slots[0]);

    while (at < n) {
        const char *why = NULL;
        enum nb_tx_verdict v = nb_tx_parse(&slots[at], n - at, &p, &why);

        if (v == NB_TX_INCOMPLETE || v == NB_TX_FATAL) {
            if (v == NB_TX_FATAL && !why)
                abort();
            break;
        }
        if (p.nslots < 1 || p.nslots > n - at || p.ndata > NB_FATAL_SLOTS)
            abort();
        if (v == NB_TX_DROP && !why)
            abort();
        if (v == NB_TX_OK) {
            uint32_t total = 0;
            struct nb_vnet_hdr h;
            struct nb_l4 l4;
            uint8_t *copy;

            if (p.ndata > NB_MAX_SLOTS)
                abort();
            for (unsigned int i = 0; i < p.ndata; i++) {
                if ((uint32_t)p.data[i].offset + p.data[i].len > NB_PAGE_SIZE)
                    abort();
                total += p.data[i].len;
            }
            if (total != p.size || p.size < NB_ETH_HLEN)
                abort();
            /* the frame as the tap would get it, from the fuzz bytes */
            if (flen > p.size)
                flen = p.size;
            copy = malloc(flen ? flen : 1);
            memcpy(copy, frame, flen);
            if (nb_tx_vnet_hdr(&p, copy, flen, &h) == 0 &&
                (h.flags & 1) && h.csum_start + h.csum_offset + 2u > flen)
                abort();    /* a checksum to place outside the frame */
            {
                /* ip= anti-spoofing reads the same frame (ASan watches) */
                static struct nb_ipfilter ipf;
                if (!ipf.n && nb_ipfilter_parse("10.99.0.2 10.0.0.0/8", &ipf))
                    abort();
                (void)nb_ipfilter_allows(&ipf, copy, flen);
            }
            if (nb_find_l4(copy, flen, &l4) == 0) {
                if (l4.l4_off + l4.l4_hlen > flen)
                    abort();
                nb_fill_l4_csum(copy, flen, &l4);
            }
            free(copy);
        }
        at += p.nslots;
    }
    {
        /* rx coalescing (rxcoal.c) of the frame bytes cut in two, each
         * behind a vnet header taken from their own first bytes */
        static uint8_t a[10 + 70000];
        size_t half = flen / 2, alen, before;

        if (half >= 10 && flen - half >= 10) {
            memcpy(a, frame, half);
            alen = before = half - 10;
            if (nb_rx_coalesce(a, &alen, sizeof(a) - 10, frame + half,
                               flen - half - 10) &&
                (alen <= before || alen > sizeof(a) - 10 ||
                 alen - before >= flen - half - 10))
                abort();    /* b's payload only, within the buffer */
        }
    }
    return 0;
}
