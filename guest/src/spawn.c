/* Starting commands (see spawn.h). The command is started with clone(CLONE_VM | CLONE_VFORK), as posix_spawn does:
 * the child runs on a stack of its own in the caller's memory, and the caller sleeps until it has called execve
 * or exited. A fork would copy the caller's page tables and then take a copy-on-write fault for every page either
 * side touches until the exec, which in the VMs sandboxes run in costs about a millisecond per command; this costs
 * neither. Sharing memory, the child must not change anything the caller relies on: it calls system calls (setuid
 * and friends directly, not musl's wrappers, which coordinate threads), never malloc, and writes only
 * its failure, which is how the caller learns "no such program" as an error before any `s` frame is sent,
 * instead of a mysterious exit 127. */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pty.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static char **collect(const struct fields *f, const char *key, size_t *count) {
    size_t n = 0;
    for (const char *v = field_next(f, key, NULL); v != NULL; v = field_next(f, key, v)) n++;
    char **list = calloc(n + 1, sizeof *list);
    if (list == NULL) return NULL;
    size_t i = 0;
    for (const char *v = field_next(f, key, NULL); v != NULL; v = field_next(f, key, v)) list[i++] = (char *)v;
    *count = n;
    return list;
}

int exec_request_parse(const struct fields *f, struct exec_request *req, const char **problem) {
    size_t argc = 0, envc = 0;
    memset(req, 0, sizeof *req);
    req->argv = collect(f, "arg", &argc);
    req->envp = collect(f, "env", &envc);
    if (req->argv == NULL || req->envp == NULL) {
        *problem = "out of memory";
        return -1;
    }
    if (argc == 0 || req->argv[0][0] == '\0') {
        *problem = "exec needs arg= with the program";
        return -1;
    }
    req->cwd = field_get(f, "cwd");
    req->uid = field_number(f, "uid", -2, 0xFFFFFFFEll);
    req->gid = field_number(f, "gid", -2, 0xFFFFFFFEll);
    req->pty = (int)field_number(f, "pty", 0, 1);
    req->cols = (int)field_number(f, "cols", 80, 65535);
    req->rows = (int)field_number(f, "rows", 24, 65535);
    req->stdin_open = (int)field_number(f, "stdin", 0, 1);
    req->background = (int)field_number(f, "background", 0, 1);
    req->timeout_ms = field_number(f, "timeout_ms", 0, 1000ll * 86400 * 365);
    req->max_output = field_number(f, "max_output", -2, 1ll << 62);
    if (req->uid == -1 || req->gid == -1 || req->pty < 0 || req->cols < 0 || req->rows < 0 || req->stdin_open < 0
        || req->background < 0 || req->timeout_ms < 0 || req->max_output == -1) {
        *problem = "exec has a malformed number or boolean";
        return -1;
    }
    if (req->uid == -2) req->uid = -1;
    if (req->gid == -2) req->gid = -1;
    if (req->max_output == -2) req->max_output = -1;
    return 0;
}

void exec_request_free(struct exec_request *req) {
    free(req->argv);
    free(req->envp);
    req->argv = req->envp = NULL;
}

int make_directories(const char *path) {
    char buf[4096];
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof buf) {
        errno = len == 0 ? ENOENT : ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, path, len + 1);
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != '\0') continue;
        char saved = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, 0755) < 0 && errno != EEXIST) return -1;
        buf[i] = saved;
    }
    struct stat st;
    if (stat(path, &st) < 0) return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = EEXIST;
        return -1;
    }
    return 0;
}

void exit_fields(int status, int *code, int *signal) {
    if (WIFSIGNALED(status)) {
        *signal = WTERMSIG(status);
        *code = 128 + *signal;
    } else {
        *signal = 0;
        *code = WEXITSTATUS(status);
    }
}

/* What the child leaves in the caller's memory when a step fails (err stays 0 when the exec succeeded). */
struct failure {
    int err;
    char what[96];
};

/* What the child is given: the request, its descriptors, and where to report a failure. */
struct start {
    const struct exec_request *req;
    int in_fd, out_fd, err_fd, tty;
    struct failure *failure;
};

static _Noreturn void fail(struct failure *f, const char *step, const char *arg) {
    f->err = errno;
    snprintf(f->what, sizeof f->what, "%s %s", step, arg);
    _exit(127);
}

/* Runs in the cloned child, in the caller's memory: never returns. */
static int become_command(void *arg) {
    const struct start *st = arg;
    const struct exec_request *req = st->req;
    int in_fd = st->in_fd, out_fd = st->out_fd, err_fd = st->err_fd;
    /* Dispositions and mask are the child's own (no CLONE_SIGHAND); an ignored SIGPIPE would outlive the exec. */
    sigset_t none;
    sigemptyset(&none);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (setsid() < 0) fail(st->failure, "setsid", "");
    if (st->tty >= 0) {
        if (ioctl(st->tty, TIOCSCTTY, 0) < 0) fail(st->failure, "ioctl", "TIOCSCTTY");
        in_fd = out_fd = err_fd = st->tty;
    }
    if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0) fail(st->failure, "dup2", "");
    if (req->gid >= 0) {
        gid_t gid = (gid_t)req->gid;
        if (syscall(SYS_setgroups, 1, &gid) < 0 && !(errno == EPERM && geteuid() != 0))
            fail(st->failure, "setgroups", "");
        if (syscall(SYS_setgid, gid) < 0) fail(st->failure, "setgid", "");
    }
    if (req->uid >= 0 && syscall(SYS_setuid, (uid_t)req->uid) < 0) fail(st->failure, "setuid", "");
    if (req->cwd != NULL && req->cwd[0] != '\0') {
        if (make_directories(req->cwd) < 0) fail(st->failure, "mkdir", req->cwd);
        if (chdir(req->cwd) < 0) fail(st->failure, "chdir", req->cwd);
    }
    execvp(req->argv[0], req->argv); /* environ is the request's: see spawn_command */
    fail(st->failure, "exec", req->argv[0]);
}

/* The descriptors of a command being started: the command's ends and the caller's ends of each channel. */
struct ends {
    int in[2], out[2], err[2];
    int master, tty, null_fd;
};

static void close_quietly(int *fd) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
}

/* Closes what only the command needs, once it has them (or will never run). */
static void close_command_ends(struct ends *x) {
    close_quietly(&x->in[0]);
    close_quietly(&x->out[1]);
    close_quietly(&x->err[1]);
    close_quietly(&x->tty);
    close_quietly(&x->null_fd);
}

static void close_caller_ends(struct ends *x) {
    close_quietly(&x->in[1]);
    close_quietly(&x->out[0]);
    close_quietly(&x->err[0]);
    close_quietly(&x->master);
}

static void set_nonblocking(int fd) {
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

int spawn_command(const struct exec_request *req, struct spawned *out, int *err, char *what, size_t what_len) {
    /* The child's stack: the caller is single-threaded and sleeps while the child uses it. The path search and
     * make_directories hold about 8 KiB on it. */
    static _Alignas(16) char stack[32u << 10];
    struct ends x = {{-1, -1}, {-1, -1}, {-1, -1}, -1, -1, -1};
    out->pid = -1;
    out->in_fd = out->out_fd = out->err_fd = -1;
    if (req->pty) {
        struct winsize size = {.ws_row = (unsigned short)req->rows, .ws_col = (unsigned short)req->cols};
        if (openpty(&x.master, &x.tty, NULL, NULL, &size) < 0) goto failed;
        fcntl(x.master, F_SETFD, FD_CLOEXEC);
        fcntl(x.tty, F_SETFD, FD_CLOEXEC);
    } else {
        if (req->stdin_open && !req->background) {
            if (pipe2(x.in, O_CLOEXEC) < 0) goto failed;
        } else if ((x.null_fd = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0) {
            goto failed;
        }
        if (pipe2(x.out, O_CLOEXEC) < 0 || pipe2(x.err, O_CLOEXEC) < 0) goto failed;
    }
    struct failure f = {0, ""};
    struct start st = {req, x.null_fd >= 0 ? x.null_fd : x.in[0], x.out[1], x.err[1], x.tty, &f};
    /* The command's environment, and the PATH execvp searches, are the request's: environ is swapped only while
     * the caller sleeps (CLONE_VFORK) and the child runs in its memory, then given back. */
    char **own = environ;
    environ = req->envp;
    pid_t pid = clone(become_command, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD, &st);
    environ = own;
    if (pid < 0) goto failed;
    close_command_ends(&x);
    if (f.err != 0) {
        waitpid(pid, NULL, 0);
        close_caller_ends(&x);
        *err = f.err;
        snprintf(what, what_len, "%s", f.what);
        return -1;
    }
    out->pid = pid;
    if (req->pty) {
        out->out_fd = x.master;
    } else {
        out->in_fd = x.in[1];
        out->out_fd = x.out[0];
        out->err_fd = x.err[0];
    }
    if (out->in_fd >= 0) set_nonblocking(out->in_fd);
    set_nonblocking(out->out_fd);
    if (out->err_fd >= 0) set_nonblocking(out->err_fd);
    return 0;

failed:
    *err = errno;
    snprintf(what, what_len, "start %s", req->argv[0]);
    close_command_ends(&x);
    close_caller_ends(&x);
    return -1;
}
