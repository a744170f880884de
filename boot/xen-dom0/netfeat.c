/*
 * netfeat.c — what `ethtool -k` says, for the network bench's dom0 and
 * domU (neither image has ethtool): for each interface named, its active
 * offload features (ETHTOOL_GFEATURES, named by the kernel's own
 * "netdev features" strings), on one line: "<ifname> name name ...".
 * Only the features that decide whether TCP segments cross (checksum,
 * scatter-gather, segmentation, GRO) are printed.
 */
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int eth(int s, const char *ifn, void *data)
{
    struct ifreq ifr;

    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifn);
    ifr.ifr_data = data;
    return ioctl(s, SIOCETHTOOL, &ifr);
}

int main(int argc, char **argv)
{
    static const char *want[] = {
        "tx-checksum-ip-generic", "tx-checksum-ipv4", "tx-scatter-gather",
        "tx-tcp-segmentation", "tx-tcp6-segmentation", "tx-tcp-ecn-segmentation",
        "tx-generic-segmentation", "rx-gro", NULL };
    int s = socket(AF_INET, SOCK_DGRAM, 0), rc = 0;

    for (int a = 1; a < argc; a++) {
        struct { struct ethtool_sset_info i; unsigned int n; } ss = {
            .i = { .cmd = ETHTOOL_GSSET_INFO, .sset_mask = 1ULL << ETH_SS_FEATURES } };
        struct ethtool_gstrings *str;
        struct ethtool_gfeatures *f;
        unsigned int n, blocks;

        if (eth(s, argv[a], &ss) < 0 || !ss.i.sset_mask) {
            printf("%s ?\n", argv[a]);
            rc = 1;
            continue;
        }
        n = ss.n;
        blocks = (n + 31) / 32;
        str = calloc(1, sizeof(*str) + n * ETH_GSTRING_LEN);
        f = calloc(1, sizeof(*f) + blocks * sizeof(f->features[0]));
        str->cmd = ETHTOOL_GSTRINGS;
        str->string_set = ETH_SS_FEATURES;
        str->len = n;
        f->cmd = ETHTOOL_GFEATURES;
        f->size = blocks;
        if (eth(s, argv[a], str) < 0 || eth(s, argv[a], f) < 0) {
            printf("%s ?\n", argv[a]);
            rc = 1;
            continue;
        }
        printf("%s", argv[a]);
        for (unsigned int i = 0; i < n; i++) {
            const char *name = (const char *)str->data + i * ETH_GSTRING_LEN;
            for (int w = 0; want[w]; w++)
                if (!strcmp(name, want[w]))
                    printf(" %s=%s", name,
                           f->features[i / 32].active & (1U << (i % 32)) ? "on" : "off");
        }
        printf("\n");
        free(str);
        free(f);
    }
    return rc;
}
