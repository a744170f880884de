/*
 * errno.h — error numbers used by the hypervisor.  They are Xen's public
 * values (xen/include/public/errno.h), which guests and the toolstack see in
 * hypercall return values, so they must never change.
 *
 * Naming: the plain names (EPERM, ENOENT, ...) in both flavours.  Xen's
 * numbers are the Linux/x86 numbers, so on the host (__HOST_TEST__) this
 * header takes the names from libc's <errno.h> instead of redefining them,
 * and checks at compile time that every value is the one Xen uses.  Host
 * tests may therefore include <errno.h> and xen/errno.h in any order.
 */
#ifndef XEN_ERRNO_H
#define XEN_ERRNO_H

#define XEN_ERRNO_CHECK(name, val) \
    _Static_assert((name) == (val), #name " is not Xen's value")

#ifdef __HOST_TEST__
#include <errno.h>
#else
#define EPERM        1
#define ENOENT       2
#define ESRCH        3
#define EINTR        4
#define EIO          5
#define ENXIO        6
#define E2BIG        7
#define ENOEXEC      8
#define EBADF        9
#define ECHILD      10
#define EAGAIN      11
#define ENOMEM      12
#define EACCES      13
#define EFAULT      14
#define EBUSY       16
#define EEXIST      17
#define EXDEV       18
#define ENODEV      19
#define EINVAL      22
#define ENFILE      23
#define EMFILE      24
#define ENOSPC      28
#define EROFS       30
#define EMLINK      31
#define EDOM        33
#define ERANGE      34
#define EDEADLK     35
#define ENAMETOOLONG 36
#define ENOLCK      37
#define ENOSYS      38
#define ENOTEMPTY   39
#define ENODATA     61
#define ETIME       62
#define EBADMSG     74
#define EOVERFLOW   75
#define EILSEQ      84
#define ENOTSOCK    88
#define EOPNOTSUPP  95
#define EADDRINUSE  98
#define EADDRNOTAVAIL 99
#define ENOBUFS    105
#define EISCONN    106
#define ENOTCONN   107
#define ETIMEDOUT  110
#define ECONNREFUSED 111
#define EALREADY   114
#endif

XEN_ERRNO_CHECK(EPERM, 1);
XEN_ERRNO_CHECK(ENOENT, 2);
XEN_ERRNO_CHECK(ESRCH, 3);
XEN_ERRNO_CHECK(EINTR, 4);
XEN_ERRNO_CHECK(EIO, 5);
XEN_ERRNO_CHECK(ENXIO, 6);
XEN_ERRNO_CHECK(E2BIG, 7);
XEN_ERRNO_CHECK(ENOEXEC, 8);
XEN_ERRNO_CHECK(EBADF, 9);
XEN_ERRNO_CHECK(ECHILD, 10);
XEN_ERRNO_CHECK(EAGAIN, 11);
XEN_ERRNO_CHECK(ENOMEM, 12);
XEN_ERRNO_CHECK(EACCES, 13);
XEN_ERRNO_CHECK(EFAULT, 14);
XEN_ERRNO_CHECK(EBUSY, 16);
XEN_ERRNO_CHECK(EEXIST, 17);
XEN_ERRNO_CHECK(EXDEV, 18);
XEN_ERRNO_CHECK(ENODEV, 19);
XEN_ERRNO_CHECK(EINVAL, 22);
XEN_ERRNO_CHECK(ENFILE, 23);
XEN_ERRNO_CHECK(EMFILE, 24);
XEN_ERRNO_CHECK(ENOSPC, 28);
XEN_ERRNO_CHECK(EROFS, 30);
XEN_ERRNO_CHECK(EMLINK, 31);
XEN_ERRNO_CHECK(EDOM, 33);
XEN_ERRNO_CHECK(ERANGE, 34);
XEN_ERRNO_CHECK(EDEADLK, 35);
XEN_ERRNO_CHECK(ENAMETOOLONG, 36);
XEN_ERRNO_CHECK(ENOLCK, 37);
XEN_ERRNO_CHECK(ENOSYS, 38);
XEN_ERRNO_CHECK(ENOTEMPTY, 39);
XEN_ERRNO_CHECK(ENODATA, 61);
XEN_ERRNO_CHECK(ETIME, 62);
XEN_ERRNO_CHECK(EBADMSG, 74);
XEN_ERRNO_CHECK(EOVERFLOW, 75);
XEN_ERRNO_CHECK(EILSEQ, 84);
XEN_ERRNO_CHECK(ENOTSOCK, 88);
XEN_ERRNO_CHECK(EOPNOTSUPP, 95);
XEN_ERRNO_CHECK(EADDRINUSE, 98);
XEN_ERRNO_CHECK(EADDRNOTAVAIL, 99);
XEN_ERRNO_CHECK(ENOBUFS, 105);
XEN_ERRNO_CHECK(EISCONN, 106);
XEN_ERRNO_CHECK(ENOTCONN, 107);
XEN_ERRNO_CHECK(ETIMEDOUT, 110);
XEN_ERRNO_CHECK(ECONNREFUSED, 111);
XEN_ERRNO_CHECK(EALREADY, 114);

#endif
