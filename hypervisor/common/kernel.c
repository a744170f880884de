/*
 * kernel.c — the small generic hypercalls: xen_version, console_io,
 * vm_assist, multicall, and the answers for hypercalls that exist but are
 * not implemented (logged once per number with the caller's RIP).
 *
 * Values follow what Xen 4.17 answered in the oracle runs (docs/
 * guest-tests.md): console write returns 0, capabilities list the PV and
 * HVM ABIs, get_features never reports writable_page_tables, pae_pgdir
 * appears with the pae_extended_cr3 assist, dom0 gets XENFEAT_dom0.
 */
#include <xen/lib.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/sched.h>
#include <xen/version.h>
#include <public/features.h>
#include <public/version.h>

/*
 * Every sub-op that returns a structure fills a zeroed local of exactly the
 * ABI type and copies exactly sizeof that type: nothing of the hypervisor's
 * stack and nothing past the caller's structure (compile_info once copied
 * 256 bytes into the 144-byte xen_compile_info_t, overwriting whatever the
 * guest kept after it).
 */
long do_xen_version(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *d = current->domain;

    switch (cmd) {
    case XENVER_version:
        return (XEN_VERSION_MAJOR << 16) | XEN_VERSION_MINOR;
    case XENVER_extraversion: {
        xen_extraversion_t extra;

        memset(extra, 0, sizeof(extra));
        strlcpy(extra, XEN_EXTRAVERSION, sizeof(extra));
        return copy_to_guest_va(arg.p, extra, sizeof(extra)) ? -EFAULT : 0;
    }
    case XENVER_compile_info: {
        xen_compile_info_t info;

        memset(&info, 0, sizeof(info));
        strlcpy(info.compiler, "gcc", sizeof(info.compiler));
        strlcpy(info.compile_by, "pvlab", sizeof(info.compile_by));
        strlcpy(info.compile_domain, "pvlab", sizeof(info.compile_domain));
        strlcpy(info.compile_date, __DATE__, sizeof(info.compile_date));
        return copy_to_guest_va(arg.p, &info, sizeof(info)) ? -EFAULT : 0;
    }
    case XENVER_capabilities: {
        xen_capabilities_info_t caps;

        memset(caps, 0, sizeof(caps));
        strlcpy(caps, "xen-3.0-x86_64 ", sizeof(caps));
        return copy_to_guest_va(arg.p, caps, sizeof(caps)) ? -EFAULT : 0;
    }
    case XENVER_changeset: {
        xen_changeset_info_t cs;

        memset(cs, 0, sizeof(cs));
        strlcpy(cs, "pvlab", sizeof(cs));
        return copy_to_guest_va(arg.p, cs, sizeof(cs)) ? -EFAULT : 0;
    }
    case XENVER_platform_parameters: {
        xen_platform_parameters_t pp;

        memset(&pp, 0, sizeof(pp));
        pp.virt_start = HYPERVISOR_VIRT_START;
        return copy_to_guest_va(arg.p, &pp, sizeof(pp)) ? -EFAULT : 0;
    }
    case XENVER_get_features: {
        xen_feature_info_t fi;

        if (copy_from_guest_va(&fi, arg.p, sizeof(fi)))
            return -EFAULT;
        if (fi.submap_idx != 0)
            return -EINVAL;
        fi.submap = (1u << XENFEAT_mmu_pt_update_preserve_ad) |
                    (1u << XENFEAT_highmem_assist) |
                    (1u << XENFEAT_gnttab_map_avail_bits) |
                    (1u << XENFEAT_memory_op_vnode_supported) |
                    (1u << XENFEAT_direct_mapped);
        if (d->vm_assist & (1UL << VMASST_TYPE_pae_extended_cr3))
            fi.submap |= 1u << XENFEAT_pae_pgdir_above_4gb;
        if (d->is_privileged)
            fi.submap |= 1u << XENFEAT_dom0;
        return copy_to_guest_va(arg.p, &fi, sizeof(fi)) ? -EFAULT : 0;
    }
    case XENVER_pagesize:
        return PAGE_SIZE;
    case XENVER_guest_handle: {
        xen_domain_handle_t h;

        _Static_assert(sizeof(h) == 16, "xen_domain_handle_t is 16 bytes");
        memcpy(h, d->handle, sizeof(h));
        return copy_to_guest_va(arg.p, h, sizeof(h)) ? -EFAULT : 0;
    }
    case XENVER_commandline: {
        /* Privileged, as Xen's XSM default: the hypervisor's command line. */
        xen_commandline_t cmdline;

        if (!d->is_privileged)
            return -EPERM;
        memset(cmdline, 0, sizeof(cmdline));
        strlcpy(cmdline, arch_boot_cmdline(), sizeof(cmdline));
        return copy_to_guest_va(arg.p, cmdline, sizeof(cmdline)) ? -EFAULT : 0;
    }
    case XENVER_build_id: {
        /* Xen 4.17: privileged; a null handle asks the size; len 0 is
         * -EINVAL, a shorter buffer -ENOBUFS; returns the size (the image's
         * GNU build id, xen_build_id()). */
        xen_build_id_t hdr;
        const void *p;
        unsigned int sz;
        int rc;

        if (!d->is_privileged)
            return -EPERM;
        if (arg.p != NULL) {
            if (copy_from_guest_va(&hdr, arg.p, sizeof(hdr)))
                return -EFAULT;
            if (hdr.len == 0)
                return -EINVAL;
        }
        rc = xen_build_id(&p, &sz);
        if (rc)
            return rc;
        if (arg.p == NULL)
            return sz;
        if (sz > hdr.len)
            return -ENOBUFS;
        if (copy_to_guest_va((char *)arg.p + offsetof(xen_build_id_t, buf), p, sz))
            return -EFAULT;
        return sz;
    }
    default:
        return -ENOSYS;
    }
}

/* Guest text on the hypervisor console: dom0's as it is, others' lines
 * prefixed "(dN) " like Xen's guest_console_write. */
static void guest_console_write(struct domain *d, const char *s, size_t n)
{
    static bool at_line_start[2] = { true, true };
    bool *sol = &at_line_start[d->domain_id != 0];

    if (d->domain_id == 0) {
        arch_console_write(s, n);
        return;
    }
    while (n) {
        const char *nl = memchr(s, '\n', n);
        size_t chunk = nl ? (size_t)(nl - s) + 1 : n;

        if (*sol) {
            char pfx[16];

            snprintf(pfx, sizeof(pfx), "(d%u) ", d->domain_id);
            arch_console_write(pfx, strlen(pfx));
        }
        arch_console_write(s, chunk);
        *sol = nl != NULL;
        s += chunk;
        n -= chunk;
    }
}

long do_console_io(unsigned int cmd, unsigned int count, XEN_GUEST_HANDLE_PARAM(char) buffer)
{
    struct domain *d = current->domain;
    char kbuf[128];

    switch (cmd) {
    case CONSOLEIO_write: {
        const char *p = buffer.p;

        while (count) {
            unsigned int n = count < sizeof(kbuf) ? count : sizeof(kbuf);

            if (copy_from_guest_va(kbuf, p, n))
                return -EFAULT;
            guest_console_write(d, kbuf, n);
            p += n;
            count -= n;
        }
        return 0;
    }
    case CONSOLEIO_read: {
        size_t n;

        if (!d->is_privileged)
            return -EPERM;
        if (count > sizeof(kbuf))
            count = sizeof(kbuf);
        n = arch_console_read(kbuf, count);
        if (n && copy_to_guest_va(buffer.p, kbuf, n))
            return -EFAULT;
        return (long)n;
    }
    default:
        return -ENOSYS;
    }
}

#define VM_ASSIST_VALID ((1UL << VMASST_TYPE_4gb_segments) | \
                         (1UL << VMASST_TYPE_4gb_segments_notify) | \
                         (1UL << VMASST_TYPE_writable_pagetables) | \
                         (1UL << VMASST_TYPE_pae_extended_cr3) | \
                         (1UL << VMASST_TYPE_architectural_iopl) | \
                         (1UL << VMASST_TYPE_runstate_update_flag) | \
                         (1UL << VMASST_TYPE_m2p_strict))

long do_vm_assist(unsigned int cmd, unsigned int type)
{
    struct domain *d = current->domain;

    if (cmd != VMASST_CMD_enable && cmd != VMASST_CMD_disable)
        return -ENOSYS;
    if (type >= 64 || !(VM_ASSIST_VALID & (1UL << type)))
        return -EINVAL;
    if (cmd == VMASST_CMD_enable)
        d->vm_assist |= 1UL << type;
    else
        d->vm_assist &= ~(1UL << type);
    return 0;
}

long do_xenpmu_op(void)
{
    return -EOPNOTSUPP;
}

long do_ni_hypercall(void)
{
    return -ENOSYS;
}
