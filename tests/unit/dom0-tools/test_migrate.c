/*
 * test_migrate.c — xl migrate's protocol pieces on the host: the shell
 * command it runs for each option (as Xen 4.17's xl builds it), reading
 * the fixed messages of the protocol (match, other data, end of stream),
 * and migrate-receive against a sender that sends no save stream: the
 * banner goes out and the garbage is refused by name; the sender's lines
 * for each live round and for the stop-and-copy fallback, exactly.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xl.h"
#include "domain.h"

Test(migrate, rune_default_ssh)
{
    struct xl_migrate_flags f = { 0 };
    char buf[256];

    cr_assert_eq(xl_migrate_rune(buf, sizeof(buf), "ssh", "host2", &f), 0);
    cr_assert_str_eq(buf, "exec ssh host2 xl migrate-receive");
}

Test(migrate, rune_flags_in_xens_order)
{
    struct xl_migrate_flags f = { .tty = true, .verbose = 2, .no_daemon = true, .debug = true,
                                  .paused = true };
    char buf[256];

    cr_assert_eq(xl_migrate_rune(buf, sizeof(buf), "/usr/bin/fakessh", "localhost", &f), 0);
    cr_assert_str_eq(buf, "exec /usr/bin/fakessh localhost xl -t -vv migrate-receive -e -d -p");
}

Test(migrate, rune_empty_ssh_runs_the_host_string)
{
    struct xl_migrate_flags f = { .debug = true };
    char buf[256];

    cr_assert_eq(xl_migrate_rune(buf, sizeof(buf), "", "nc other 8002", &f), 0);
    cr_assert_str_eq(buf, "nc other 8002");
}

Test(migrate, rune_too_long_is_refused)
{
    struct xl_migrate_flags f = { 0 };
    char buf[16];

    cr_assert_eq(xl_migrate_rune(buf, sizeof(buf), "ssh", "a-rather-long-host-name", &f),
                 -ENAMETOOLONG);
}

Test(migrate, live_round_lines_exact)
{
    char buf[128];

    xl_migrate_round_line(buf, sizeof(buf), false, 2, 295);
    cr_assert_str_eq(buf, "migration sender: live round 2: 295 pages");
    xl_migrate_round_line(buf, sizeof(buf), true, 5, 398);
    cr_assert_str_eq(buf, "migration sender: after the suspend, round 5: 398 pages");
}

Test(migrate, stop_and_copy_fallback_lines_exact)
{
    char buf[1200];

    xl_migrate_fallback_line(buf, sizeof(buf), -ENOSYS, "domctl shadow_op 20 (dom 1): ENOSYS");
    cr_assert_str_eq(buf, "log-dirty not supported by the hypervisor: migrating with the guest "
                          "paused");
    xl_migrate_fallback_line(buf, sizeof(buf), -EOPNOTSUPP, "x");
    cr_assert_str_eq(buf, "log-dirty not supported by the hypervisor: migrating with the guest "
                          "paused");
    xl_migrate_fallback_line(buf, sizeof(buf), -EBUSY, "domctl shadow_op 20 (dom 1): EBUSY");
    cr_assert_str_eq(buf, "log-dirty mode cannot be enabled (domctl shadow_op 20 (dom 1): "
                          "EBUSY): migrating with the guest paused");
}

Test(migrate, messages_are_xens)
{
    cr_assert_str_eq(xl_migrate_banner, "xl migration receiver ready, send binary domain data.\n");
    cr_assert_str_eq(xl_migrate_ready, "domain received, ready to unpause");
    cr_assert_str_eq(xl_migrate_go, "domain is yours, you are cleared to unpause");
    cr_assert_str_eq(xl_migrate_report, "my copy unpause results are as follows");
}

static int pipe_with(const void *data, size_t n)
{
    int p[2];

    cr_assert_eq(pipe(p), 0);
    cr_assert_eq(write(p[1], data, n), (ssize_t)n);
    close(p[1]);
    return p[0];
}

Test(migrate, expect_matches_with_the_nul)
{
    struct errbuf eb = { 0 };
    int fd = pipe_with(xl_migrate_go, (strlen(xl_migrate_go) + 1));

    cr_assert_eq(xl_migrate_expect(fd, xl_migrate_go, (strlen(xl_migrate_go) + 1), "s", "GO", &eb), 0);
    close(fd);
}

Test(migrate, expect_other_data_is_named)
{
    struct errbuf eb = { 0 };
    int fd = pipe_with("domain is yours, you are cleared to unpausX", (strlen(xl_migrate_go) + 1));

    cr_assert_eq(xl_migrate_expect(fd, xl_migrate_go, (strlen(xl_migrate_go) + 1),
                                   "migration stream", "GO message", &eb), -EPROTO);
    cr_assert_str_eq(eb.msg, "migration stream contained unexpected data instead of GO message");
    close(fd);
}

Test(migrate, expect_end_of_stream_is_named)
{
    struct errbuf eb = { 0 };
    int fd = pipe_with("migration-", 10);

    cr_assert_eq(xl_migrate_expect(fd, xl_migrate_ready, (strlen(xl_migrate_ready) + 1),
                                   "migration receiver stream", "ready message", &eb), -EPIPE);
    cr_assert(strstr(eb.msg, "unexpected end of stream reading ready message"), "%s", eb.msg);
    close(fd);
}

/* migrate-receive with stdin a pipe of garbage: banner on stdout, the
 * stream refused on stderr, exit status 1, nothing else on stdout. */
Test(migrate, receive_refuses_a_stream_that_is_not_a_save)
{
    int in[2], out[2], err[2], status;
    char obuf[4096], ebuf[4096];
    ssize_t on = 0, en = 0, r;
    pid_t pid;

    cr_assert_eq(pipe(in), 0);
    cr_assert_eq(pipe(out), 0);
    cr_assert_eq(pipe(err), 0);
    pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        char *argv[] = { "xl", "migrate-receive", NULL };
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        close(in[1]); close(out[0]); close(err[0]);
        _exit(xl_main(2, argv));
    }
    close(in[0]); close(out[1]); close(err[1]);
    cr_assert_eq(write(in[1], "this is not a save stream at all, not even close.......", 56), 56);
    close(in[1]);
    while ((r = read(out[0], obuf + on, sizeof(obuf) - 1 - (size_t)on)) > 0)
        on += r;
    while ((r = read(err[0], ebuf + en, sizeof(ebuf) - 1 - (size_t)en)) > 0)
        en += r;
    obuf[on] = ebuf[en] = '\0';
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1, "status %#x", status);
    cr_assert_str_eq(obuf, "xl migration receiver ready, send binary domain data.\n");
    cr_assert(strstr(ebuf, "migration target: Ready to receive domain.\n"), "%s", ebuf);
    cr_assert(strstr(ebuf, "<incoming migration stream>: not an xl save file"), "%s", ebuf);
    cr_assert(strstr(ebuf, "migration target: Domain creation failed"), "%s", ebuf);
}

Test(migrate, commands_in_the_table)
{
    cr_assert_not_null(xl_cmd_lookup("migrate"));
    cr_assert_not_null(xl_cmd_lookup("migrate-receive"));
}
