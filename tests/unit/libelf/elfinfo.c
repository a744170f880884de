/*
 * elfinfo.c — prints what libelf makes of a kernel file, for the suite's
 * real-kernel check and for people debugging a kernel that will not load.
 *
 *   elfinfo <file>          bzImage: prints "bzimage <offset> <length> <format>"
 *                           ELF: parses, applies Xen's dom0 policy, computes a
 *                           2 GiB dom0 layout, prints key=value lines
 * Exit status 0 on success, 1 with the reason on stderr otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen/libelf.h>
#include <xen/pv_layout.h>

static void *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    void *buf = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
        goto out;
    buf = malloc(n ? (size_t)n : 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    *len = (size_t)n;
out:
    fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    /* XENFEAT bits a PV hypervisor offers dom0 (never auto_translated_physmap) */
    const uint32_t hv = (1u << 0) | (1u << 1) | (1u << 4) | (1u << 5) | (1u << 7) | (1u << 11);
    static struct elf_image img;
    struct bzimage_info bi;
    struct pv_layout_params lp;
    struct pv_layout lay;
    char reason[ELF_REASON_LEN];
    size_t len = 0;
    void *buf;
    int rc;

    if (argc != 2) {
        fprintf(stderr, "usage: %s <kernel file>\n", argv[0]);
        return 2;
    }
    buf = slurp(argv[1], &len);
    if (!buf) {
        perror(argv[1]);
        return 1;
    }
    rc = bzimage_parse(buf, len, &bi, "kernel", reason, sizeof(reason));
    if (rc < 0) {
        fprintf(stderr, "%s\n", reason);
        return 1;
    }
    if (rc == 1) {
        printf("bzimage %llu %llu %s %u\n", (unsigned long long)bi.payload_offset,
               (unsigned long long)bi.payload_length, kernel_format_name(bi.payload_format),
               bi.decompressed_size);
        return 0;
    }
    if (elf_parse(&img, buf, len, "kernel") || elf_xen_check(&img, hv, ELF_CHECK_DOM0)) {
        fprintf(stderr, "%s\n", img.reason);
        return 1;
    }
    printf("guest_os=%s\nloader=%s\nxen_version=%s\n", img.notes.guest_os, img.notes.loader,
           img.notes.xen_version);
    printf("virt_base=%#llx\npaddr_offset=%#llx\nvirt_kstart=%#llx\nvirt_kend=%#llx\n"
           "virt_entry=%#llx\n", (unsigned long long)img.virt_base,
           (unsigned long long)img.paddr_offset, (unsigned long long)img.virt_kstart,
           (unsigned long long)img.virt_kend, (unsigned long long)img.virt_entry);
    printf("hypercall_page=%s\n", img.virt_hypercall == ELF_UNSET ? "none" : "yes");
    printf("init_p2m=%#llx\nsegments=%u\nsupported_features=%#x\nfeatures=%#x\nrequired=%#x\n",
           (unsigned long long)img.p2m_base, img.nr_segs,
           img.notes.supported_features, img.notes.features_supported,
           img.notes.features_required);

    memset(&lp, 0, sizeof(lp));
    lp.nr_pages = (2ULL << 30) >> 12;
    lp.virt_base = img.virt_base;
    lp.kern_start = img.virt_kstart;
    lp.kern_end = img.virt_kend;
    lp.initrd_len = 20 << 20;
    lp.p2m_base = img.p2m_base == ELF_UNSET ? PV_LAYOUT_UNSET : img.p2m_base;
    lp.dom0 = true;
    lp.limit_1g = true;
    if (pv_layout_compute(&lp, &lay, "layout", reason, sizeof(reason))) {
        fprintf(stderr, "%s\n", reason);
        return 1;
    }
    printf("layout_v_end=%#llx\nlayout_pt_frames=%u\n", (unsigned long long)lay.v_end,
           lay.nr_pt_frames);
    free(buf);
    return 0;
}
