/*
 * pv/dom_build.c — boot-time PV domains built from multiboot modules.
 *
 * Module convention (docs/architecture.md, "Boot-time domains"):
 *   - the first module is dom0's kernel; its module string is dom0's command
 *     line; the next module, unless its string starts with "domain=", is
 *     dom0's initrd;
 *   - a module whose string starts with "domain=unprivileged" is the kernel
 *     of an extra unprivileged domain (ids 1, 2, ... in module order).
 *     Leading options of that string are the builder's: domain=unprivileged,
 *     mem=<size> (default 64M), vcpus=<n> (default 1); the rest (after an
 *     optional "--") is the kernel's command line.  Again the next module is
 *     its initrd unless it starts with "domain=".
 * dom0's memory: dom0_mem=, else everything free minus a reserve for the
 * hypervisor (1/16 of RAM, at least 16 MiB) and what the extra domains ask.
 * dom0's vCPUs: one per online CPU within dom0_max_vcpus=max or min-max
 * (Xen's rule; without the option, one per online CPU).
 *
 * A kernel is an ELF64 PV image or a bzImage with a gzip/xz payload (what
 * users put in grub.cfg).  A kernel that cannot be loaded is refused with a
 * message naming the reason; the hypervisor keeps running.
 *
 * The start-of-day layout is computed by pv_layout (libelf); this file
 * allocates the frames, writes the image, the p2m list, start_info and the
 * bootstrap page tables, then validates and pins the L4 through the PV MMU
 * (so the guest starts with correct reference counts) and sets the entry
 * registers: CS 0xe033, SS 0xe02b, RSP = top of the boot stack, RSI =
 * start_info, events masked in every vcpu_info.
 */
#include <xen/lib.h>
#include <xen/bootinfo.h>
#include <xen/decompress.h>
#include <xen/domheap.h>
#include <xen/errno.h>
#include <xen/grant_table.h>
#include <xen/libelf.h>
#include <xen/mm.h>
#include <xen/param.h>
#include <xen/pv_layout.h>
#include <xen/pvclock.h>
#include <xen/sched.h>
#include <xen/time.h>
#include <xen/xmalloc.h>
#include <public/features.h>
#include <asm/page.h>
#include <xen/smp.h>
#include <asm/pv.h>
#include <asm/pv_emul.h>
#include <asm/pv_mm.h>
#include <asm/setup.h>

/*
 * dom0_max_vcpus=<max> or <min>-<max> (Xen's syntax): dom0 gets one vCPU
 * per online CPU within [min, max]; by default one per online CPU, as Xen.
 */
static unsigned int opt_dom0_vcpus_min = 1, opt_dom0_vcpus_max = MAX_VIRT_CPUS;

static int parse_dom0_max_vcpus(const char *s)
{
    const char *end;
    unsigned long lo, hi = simple_strtoul(s, &end, 10);

    lo = 1;
    if (*end == '-') {
        lo = hi;
        hi = simple_strtoul(end + 1, &end, 10);
    }
    if (*end || lo == 0 || hi == 0 || lo > hi || hi > MAX_VIRT_CPUS)
        return -EINVAL;
    opt_dom0_vcpus_min = (unsigned int)lo;
    opt_dom0_vcpus_max = (unsigned int)hi;
    return 0;
}
custom_param("dom0_max_vcpus", parse_dom0_max_vcpus);

static unsigned int dom0_vcpus(void)
{
    unsigned int n = num_online_cpus();

    if (n < opt_dom0_vcpus_min)
        n = opt_dom0_vcpus_min;
    if (n > opt_dom0_vcpus_max)
        n = opt_dom0_vcpus_max;
    return n;
}

struct boot_dom {
    int kernel, initrd;             /* module indexes, initrd -1 = none */
    bool dom0;
    uint64_t mem;                   /* bytes; 0 = default */
    unsigned int vcpus;
    char cmdline[MAX_GUEST_CMDLINE];
};

static bool starts_with(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

static const char *skip_spaces(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

static int parse_domu_opts(const char *s, struct boot_dom *bd)
{
    struct pv_boot_opts o;
    int rc = pv_parse_boot_opts(s, &o);

    if (rc)
        return rc;
    bd->mem = o.mem;
    bd->vcpus = o.vcpus;
    strlcpy(bd->cmdline, o.cmdline, sizeof(bd->cmdline));
    return 0;
}

/* ------------------------------------------------------ the builder */

struct build_ctx {
    struct domain *d;
    unsigned long nr_pages;
    mfn_t *p2m;                     /* hypervisor copy, nr_pages entries */
    uint64_t v_start;
};

static void *pfn_virt(struct build_ctx *c, uint64_t pfn)
{
    return mfn_to_virt(c->p2m[pfn]);
}

static int write_va(void *ctx, uint64_t va, const void *src, size_t len)
{
    struct build_ctx *c = ctx;

    while (len) {
        uint64_t pfn = (va - c->v_start) >> PAGE_SHIFT;
        size_t off = va & (PAGE_SIZE - 1), n = PAGE_SIZE - off;

        if (va < c->v_start || pfn >= c->nr_pages)
            return -ERANGE;
        if (n > len)
            n = len;
        if (src) {
            memcpy((uint8_t *)pfn_virt(c, pfn) + off, src, n);
            src = (const uint8_t *)src + n;
        } else {
            memset((uint8_t *)pfn_virt(c, pfn) + off, 0, n);
        }
        va += n;
        len -= n;
    }
    return 0;
}

/*
 * Frames for the domain.  Only the start-of-day area (PFNs below
 * zero_below: image, bss, tables, start_info...) is zeroed: the rest of a
 * boot-time domain's RAM comes from a heap that has held nothing but the
 * firmware's and loader's data, and zeroing gigabytes under TCG would cost
 * tens of seconds of boot time.
 */
static int alloc_memory(struct build_ctx *c, unsigned long zero_below)
{
    unsigned long done = 0;
    unsigned int order = 9;

    c->d->max_pages = c->nr_pages;
    c->p2m = xmalloc_bytes(c->nr_pages * sizeof(mfn_t));
    if (c->p2m == NULL)
        return -ENOMEM;
    while (done < c->nr_pages) {
        struct page_info *pg;

        while (order && (1UL << order) > c->nr_pages - done)
            order--;
        pg = alloc_domheap_pages(c->d, order, done < zero_below ? MEMF_zero : 0);
        if (pg == NULL) {
            if (order == 0)
                return -ENOMEM;
            order--;
            continue;
        }
        for (unsigned long i = 0; i < (1UL << order); i++) {
            c->p2m[done] = page_to_mfn(pg) + i;
            set_gpfn_from_mfn(c->p2m[done], done);
            done++;
        }
    }
    return 0;
}

/* Bootstrap tables: map [v_start, v_end) 1:1 to PFNs with 4 KiB pages,
 * the page-table frames themselves read-only. */
static int build_page_tables(struct build_ctx *c, const struct pv_layout *l)
{
    uint64_t next_pt = pv_layout_pfn(l, l->pt_start);
    uint64_t pt_first = next_pt, pt_end = pv_layout_pfn(l, l->pt_end);
    uint64_t *l4 = pfn_virt(c, next_pt++);
    const uint64_t upper = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED;

    for (uint64_t va = l->v_start; va < l->v_end; va += PAGE_SIZE) {
        uint64_t *t = l4, pfn = pv_layout_pfn(l, va), flags;

        for (int level = 4; level > 1; level--) {
            uint64_t *e = &t[pt_index(va, level)];

            if (!(*e & _PAGE_PRESENT)) {
                if (next_pt >= pt_end)
                    return -ENOSPC;
                *e = ((uint64_t)c->p2m[next_pt] << PAGE_SHIFT) | upper;
                next_pt++;
            }
            t = mfn_to_virt(*e >> PAGE_SHIFT);
        }
        flags = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY;
        if (pfn < pt_first || pfn >= pt_end)
            flags |= _PAGE_RW;
        t[pt_index(va, 1)] = ((uint64_t)c->p2m[pfn] << PAGE_SHIFT) | flags;
    }
    return 0;
}

/* ELF image from the module: as it is, or out of a bzImage. */
static int get_elf(const struct boot_module *m, const void **elf, size_t *len,
                   void **buf, unsigned int *buf_order, char *why, size_t why_len)
{
    const void *data = maddr_to_virt(m->start);
    size_t size = m->end - m->start;
    struct bzimage_info bi;
    int rc;

    *buf = NULL;
    rc = bzimage_parse(data, size, &bi, "kernel", why, why_len);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        enum kernel_format f = kernel_format_detect(data, size);
        size_t out_size;
        const char *msg = NULL;

        if (f == KFMT_ELF) {
            *elf = data;
            *len = size;
            return 0;
        }
        if (f != KFMT_GZIP && f != KFMT_XZ) {
            snprintf(why, why_len, "not an ELF image, a bzImage or a gzip/xz-compressed ELF");
            return -EINVAL;
        }
        bi.payload_format = f;      /* named in the log line below */
        bi.payload_offset = 0;
        bi.payload_length = size;
        if (decompress_size(data, size, &out_size, &msg) != 0) {
            snprintf(why, why_len, "compressed kernel: %s", msg ? msg : "unreadable");
            return -EINVAL;
        }
        bi.decompressed_size = (uint32_t)out_size;
    }
    {
        const uint8_t *payload = (const uint8_t *)data + bi.payload_offset;
        size_t out_max = bi.decompressed_size, out_len = 0;
        const char *msg = NULL;

        if (out_max == 0 || out_max > ELF_MAX_SPAN * 2) {
            snprintf(why, why_len, "implausible decompressed size %zu", out_max);
            return -EINVAL;
        }
        *buf_order = get_order_from_bytes(out_max);
        *buf = alloc_xenheap_pages(*buf_order);
        if (*buf == NULL) {
            snprintf(why, why_len, "no memory to decompress %zu MiB", out_max >> 20);
            return -ENOMEM;
        }
        printk("Decompressing the %s kernel payload (%zu KiB -> %zu KiB)\n",
               kernel_format_name(bi.payload_format), (size_t)(bi.payload_length >> 10),
               out_max >> 10);
        {
            s_time_t t0 = NOW();

            rc = decompress(payload, bi.payload_length, *buf, (size_t)PAGE_SIZE << *buf_order,
                            &out_len, &msg);
            printk("Decompressed in %lu ms\n", (unsigned long)((NOW() - t0) / 1000000));
        }
        if (rc != 0) {
            snprintf(why, why_len, "payload does not decompress: %s", msg ? msg : "error");
            return -EINVAL;
        }
        *elf = *buf;
        *len = out_len;
    }
    return 0;
}

static int build_domain(domid_t id, const struct boot_dom *bd, unsigned long nr_pages)
{
    const struct boot_module *km = &boot_info.modules[bd->kernel];
    const struct boot_module *im = bd->initrd >= 0 ? &boot_info.modules[bd->initrd] : NULL;
    struct build_ctx c = { 0 };
    struct elf_image *img = NULL;
    struct pv_layout_params lp = { 0 };
    struct pv_layout l;
    struct domain *d = NULL;
    struct vcpu *v;
    struct start_info *si;
    struct mmuext_op pin = { .cmd = MMUEXT_PIN_L4_TABLE };
    void *buf = NULL;
    unsigned int buf_order = 0;
    const void *elf;
    size_t elf_len;
    char why[ELF_REASON_LEN] = "";
    uint32_t hv_features;
    s_time_t t_alloc;
    int rc;

    img = xzalloc(struct elf_image);
    if (img == NULL) {
        rc = -ENOMEM;
        goto out;
    }
    rc = get_elf(km, &elf, &elf_len, &buf, &buf_order, why, sizeof(why));
    if (rc)
        goto out;
    rc = elf_parse(img, elf, elf_len, "kernel");
    if (rc) {
        strlcpy(why, img->reason, sizeof(why));
        goto out;
    }
    hv_features = (1u << XENFEAT_writable_page_tables) | (1u << XENFEAT_mmu_pt_update_preserve_ad) |
                  (1u << XENFEAT_gnttab_map_avail_bits) | (1u << XENFEAT_pae_pgdir_above_4gb) |
                  (1u << XENFEAT_highmem_assist) | (bd->dom0 ? (1u << XENFEAT_dom0) : 0);
    rc = elf_xen_check(img, hv_features, bd->dom0 ? ELF_CHECK_DOM0 : 0);
    if (rc) {
        strlcpy(why, img->reason, sizeof(why));
        goto out;
    }

    lp.nr_pages = nr_pages;
    lp.virt_base = img->virt_base;
    lp.kern_start = img->virt_kstart;
    lp.kern_end = img->virt_kend;
    lp.initrd_len = im ? im->end - im->start : 0;
    lp.p2m_base = PV_LAYOUT_UNSET;
    lp.dom0 = bd->dom0;
    lp.limit_1g = img->virt_base != 0;
    rc = pv_layout_compute(&lp, &l, "kernel", why, sizeof(why));
    if (rc)
        goto out;

    rc = domain_create(id, bd->dom0 ? DOMCRF_privileged : 0, bd->vcpus, &d);
    if (rc) {
        snprintf(why, sizeof(why), "domain_create failed (%d)", rc);
        goto out;
    }
    d->arch.boot_domain = true;
    if (bd->dom0) {
        /* The hardware domain reaches the machine's devices (pv/ioport.c). */
        rc = arch_hwdom_setup_permissions(d);
        if (rc) {
            snprintf(why, sizeof(why), "I/O permissions failed (%d)", rc);
            goto out;
        }
    }
    {
        /* One grant frame from the start, as on Xen (query_size >= 1). */
        gnttab_setup_table_t gs = { .dom = DOMID_SELF, .nr_frames = 1 };
        xen_pfn_t gf[1];

        gnttab_setup_table(d, &gs, gf);
    }
    c.d = d;
    c.nr_pages = nr_pages;
    c.v_start = l.v_start;
    t_alloc = NOW();
    rc = alloc_memory(&c, pv_layout_pfn(&l, l.v_end));
    printk("d%u: %lu pages allocated in %lu ms\n", id, nr_pages,
           (unsigned long)((NOW() - t_alloc) / 1000000));
    if (rc) {
        snprintf(why, sizeof(why), "not enough memory for %lu pages", nr_pages);
        goto out;
    }

    rc = elf_load(img, write_va, &c);
    if (rc) {
        strlcpy(why, img->reason[0] ? img->reason : "image does not fit", sizeof(why));
        goto out;
    }
    if (im && l.initrd_start)
        write_va(&c, l.initrd_start, maddr_to_virt(im->start), im->end - im->start);
    for (unsigned long i = 0; i < nr_pages; i++) {
        uint64_t e = c.p2m[i];

        write_va(&c, l.p2m_start + i * 8, &e, 8);
    }
    if (img->virt_hypercall != ELF_UNSET) {
        void *page = pfn_virt(&c, pv_layout_pfn(&l, img->virt_hypercall));

        xen_hypercall_page_init(page);
        d->arch.hypercall_page_mfn = c.p2m[pv_layout_pfn(&l, img->virt_hypercall)];
    }

    rc = build_page_tables(&c, &l);
    if (rc) {
        snprintf(why, sizeof(why), "bootstrap page tables do not fit");
        goto out;
    }

    si = pfn_virt(&c, pv_layout_pfn(&l, l.start_info));
    memset(si, 0, PAGE_SIZE);
    strlcpy(si->magic, "xen-3.0-x86_64", sizeof(si->magic));
    si->nr_pages = nr_pages;
    si->shared_info = (unsigned long)d->shared_info_mfn << PAGE_SHIFT;
    si->flags = bd->dom0 ? (SIF_PRIVILEGED | SIF_INITDOMAIN) : 0;
    si->pt_base = l.pt_start;
    si->nr_pt_frames = l.nr_pt_frames;
    si->mfn_list = l.p2m_start;
    si->mod_start = l.initrd_start;
    si->mod_len = im ? im->end - im->start : 0;
    if (!bd->dom0) {
        si->store_mfn = l.xenstore ? c.p2m[pv_layout_pfn(&l, l.xenstore)] : 0;
        si->console.domU.mfn = l.console ? c.p2m[pv_layout_pfn(&l, l.console)] : 0;
    }
    strlcpy((char *)si->cmd_line, bd->cmdline, sizeof(si->cmd_line));

    v = d->vcpu[0];
    pin.arg1.mfn = c.p2m[pv_layout_pfn(&l, l.pt_start)];
    rc = pv_mmuext_op_one(v, &pin, d);
    if (rc == 0)
        rc = pv_set_baseptr(v, pin.arg1.mfn, false);
    if (rc) {
        snprintf(why, sizeof(why), "bootstrap page tables refused by validation (%d)", rc);
        goto out;
    }

    d->shared_info->arch.max_pfn = nr_pages;
    if (bd->dom0)
        d->max_pages = ~0U;         /* dom0 may balloon up: Xen's default */
    for_each_vcpu(d, v)
        v->vcpu_info->evtchn_upcall_mask = 1;
    v = d->vcpu[0];
    v->arch.user_regs.rip = img->virt_entry;
    v->arch.user_regs.rsp = l.stack_end;
    v->arch.user_regs.rsi = l.start_info;
    v->is_initialised = true;
    update_domain_wallclock_time(d);
    for_each_vcpu(d, v)
        update_vcpu_system_time(v);

    printk("d%u: %s kernel, %lu MiB, %u vCPU%s, entry %#lx, start_info %#lx, area %#lx-%#lx\n",
           id, bd->dom0 ? "dom0" : "domU", nr_pages >> 8, bd->vcpus, bd->vcpus == 1 ? "" : "s",
           (unsigned long)img->virt_entry, (unsigned long)l.start_info,
           (unsigned long)l.v_start, (unsigned long)l.v_end);
    domain_unpause_by_controller(d);
    d = NULL;
    rc = 0;
out:
    if (rc) {
        printk(XENLOG_ERR "d%u: kernel refused: %s\n", id, why[0] ? why : "error");
        if (d != NULL)
            domain_kill(d);
    }
    if (buf)
        free_xenheap_pages(buf, buf_order);
    xfree(c.p2m);
    xfree(img);
    return rc;
}

void pv_build_boot_domains(void)
{
    static struct boot_dom doms[BOOT_MAX_MODULES];
    unsigned int nd = 0, i, built = 0;
    uint64_t domu_mem = 0, dom0_bytes, free_bytes, reserve;

    for (i = 0; i < boot_info.nr_modules && nd < BOOT_MAX_MODULES; i++) {
        const char *s = skip_spaces(boot_info.modules[i].cmdline);
        struct boot_dom *bd = &doms[nd];

        memset(bd, 0, sizeof(*bd));
        bd->initrd = -1;
        bd->kernel = (int)i;
        if (nd == 0 && !starts_with(s, "domain=")) {
            bd->dom0 = true;
            bd->vcpus = dom0_vcpus();
            strlcpy(bd->cmdline, s, sizeof(bd->cmdline));
        } else if (starts_with(s, "domain=unprivileged")) {
            if (parse_domu_opts(s, bd) != 0) {
                printk(XENLOG_ERR "module %u: bad boot-domain options \"%s\": skipped\n", i, s);
                continue;
            }
            domu_mem += bd->mem;
        } else {
            printk(XENLOG_ERR "module %u: \"%s\" is neither dom0's kernel nor a domain=unprivileged kernel: skipped\n",
                   i, s);
            continue;
        }
        if (i + 1 < boot_info.nr_modules &&
            !starts_with(skip_spaces(boot_info.modules[i + 1].cmdline), "domain="))
            bd->initrd = (int)++i;
        nd++;
    }
    if (nd == 0) {
        printk("No dom0 kernel given (no boot module): nothing to run\n");
        mm_free_boot_modules();
        return;
    }

    free_bytes = (uint64_t)heap_free_pages() << PAGE_SHIFT;
    reserve = (uint64_t)total_ram_pages << PAGE_SHIFT >> 4;
    if (reserve < MB(16))
        reserve = MB(16);
    if (dom0_mem_bytes)
        dom0_bytes = dom0_mem_bytes;
    else if (free_bytes > reserve + domu_mem + MB(16))
        dom0_bytes = free_bytes - reserve - domu_mem;
    else
        dom0_bytes = MB(16);
    if (dom0_mem_max && dom0_bytes > dom0_mem_max)
        dom0_bytes = dom0_mem_max;
    if (dom0_mem_min && dom0_bytes < dom0_mem_min)
        dom0_bytes = dom0_mem_min;

    for (i = 0; i < nd; i++) {
        domid_t id = doms[i].dom0 ? 0 : (domid_t)(i + (doms[0].dom0 ? 0 : 1));
        uint64_t bytes = doms[i].dom0 ? dom0_bytes : doms[i].mem;

        if (build_domain(id, &doms[i], bytes >> PAGE_SHIFT) == 0)
            built++;
    }
    if (built == 0)
        printk(XENLOG_ERR "No domain could be built: the hypervisor stays idle\n");
    /* Every kernel and initrd was copied into its domain's memory. */
    mm_free_boot_modules();
}
