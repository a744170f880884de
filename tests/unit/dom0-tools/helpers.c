/*
 * helpers.c — see helpers.h.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "xl.h"

char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0, n;

    if (!f)
        return NULL;
    do {
        if (cap - len < 4096) {
            char *nb = realloc(buf, cap + 65536);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
            cap += 65536;
        }
        n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
    } while (n > 0);
    fclose(f);
    buf[len] = 0;
    return buf;
}

char *golden(const char *rel)
{
    char path[1024];

    snprintf(path, sizeof(path), "%s/%s", GOLDEN_DIR, rel);
    return slurp(path);
}

char *mask_uuids(char *s)
{
    char *p = s, *q, *end;

    while (s && (p = strstr(p, "\"uuid\": \""))) {
        q = p + 9;
        end = strchr(q, '"');
        if (!end)
            break;
        *q = 'U';
        memmove(q + 1, end, strlen(end) + 1);
        p = q + 1;
    }
    return s;
}

void run_xl(struct xl_run *r, const char *cwd, const char *const *argv)
{
    char out[] = "/tmp/xl-test-outXXXXXX", err[] = "/tmp/xl-test-errXXXXXX";
    int fo = mkstemp(out), fe = mkstemp(err), argc = 0, st;
    pid_t pid;

    while (argv[argc])
        argc++;
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid == 0) {
        int nul = open("/dev/null", O_RDONLY);
        dup2(nul, 0);
        dup2(fo, 1);
        dup2(fe, 2);
        if (cwd && chdir(cwd) < 0)
            _exit(126);
        st = xl_main(argc, (char **)argv);
        fflush(stdout);
        fflush(stderr);
        _exit(st & 0xff);
    }
    waitpid(pid, &st, 0);
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    r->out = slurp(out);
    r->err = slurp(err);
    close(fo);
    close(fe);
    unlink(out);
    unlink(err);
}

void xl_run_free(struct xl_run *r)
{
    free(r->out);
    free(r->err);
}
