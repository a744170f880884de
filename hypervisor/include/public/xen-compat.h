/*
 * public/xen-compat.h — which revision of the Xen public interface these
 * headers describe.
 *
 * Xen's headers let a consumer ask for an old interface revision by defining
 * __XEN_INTERFACE_VERSION__ before including them; a few hypercall numbers and
 * field names then change.  We implement exactly one revision, the one Xen
 * 4.17 ships (0x00040e00).  A consumer may still define a lower version (some
 * code does so out of habit) and gets the same, current layout: nothing in
 * these headers is conditional on the value.  Asking for a newer revision
 * than we know is an error, as it is with Xen's headers.
 */
#ifndef PUBLIC_XEN_COMPAT_H
#define PUBLIC_XEN_COMPAT_H

#define __XEN_LATEST_INTERFACE_VERSION__ 0x00040e00

#ifndef __XEN_INTERFACE_VERSION__
#define __XEN_INTERFACE_VERSION__ __XEN_LATEST_INTERFACE_VERSION__
#endif

#if __XEN_INTERFACE_VERSION__ > __XEN_LATEST_INTERFACE_VERSION__
#error "public/xen-compat.h: requested Xen interface version is newer than these headers"
#endif

#endif /* PUBLIC_XEN_COMPAT_H */
