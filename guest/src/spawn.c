/* Starting commands (see spawn.h). The child reports a failed step back through a close-on-exec pipe, so the
 * caller learns "no such program" as an error before any `s` frame is sent, instead of a mysterious exit 127. */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

extern char **environ;

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

/* What the child sends through the report pipe when a step fails. */
struct failure {
    int err;
    char what[96];
};

static void fail(int report, const char *step, const char *arg) {
    struct failure f;
    f.err = errno;
    snprintf(f.what, sizeof f.what, "%s %s", step, arg);
    (void)!write(report, &f, sizeof f);
    _exit(127);
}

/* Runs in the forked child: never returns. */
static void become_command(const struct exec_request *req, int in_fd, int out_fd, int err_fd, int tty, int report) {
    sigset_t none;
    sigemptyset(&none);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGCHLD, SIG_DFL);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (setsid() < 0) fail(report, "setsid", "");
    if (tty >= 0) {
        if (ioctl(tty, TIOCSCTTY, 0) < 0) fail(report, "ioctl", "TIOCSCTTY");
        in_fd = out_fd = err_fd = tty;
    }
    if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0) fail(report, "dup2", "");
    if (req->gid >= 0) {
        gid_t gid = (gid_t)req->gid;
        if (setgroups(1, &gid) < 0 && !(errno == EPERM && geteuid() != 0)) fail(report, "setgroups", "");
        if (setgid(gid) < 0) fail(report, "setgid", "");
    }
    if (req->uid >= 0 && setuid((uid_t)req->uid) < 0) fail(report, "setuid", "");
    if (req->cwd != NULL && req->cwd[0] != '\0') {
        if (make_directories(req->cwd) < 0) fail(report, "mkdir", req->cwd);
        if (chdir(req->cwd) < 0) fail(report, "chdir", req->cwd);
    }
    environ = req->envp;
    execvp(req->argv[0], req->argv);
    fail(report, "exec", req->argv[0]);
}

static void close_quietly(int fd) {
    if (fd >= 0) close(fd);
}

static void set_nonblocking(int fd) {
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

int spawn_command(const struct exec_request *req, struct spawned *out, int *err, char *what, size_t what_len) {
    int in[2] = {-1, -1}, o[2] = {-1, -1}, e[2] = {-1, -1}, report[2] = {-1, -1};
    int master = -1, tty = -1, null_fd = -1;
    out->pid = -1;
    out->in_fd = out->out_fd = out->err_fd = -1;
    if (pipe2(report, O_CLOEXEC) < 0) goto failed;
    if (req->pty) {
        struct winsize size = {.ws_row = (unsigned short)req->rows, .ws_col = (unsigned short)req->cols};
        if (openpty(&master, &tty, NULL, NULL, &size) < 0) goto failed;
        fcntl(master, F_SETFD, FD_CLOEXEC);
        fcntl(tty, F_SETFD, FD_CLOEXEC);
    } else {
        if (req->stdin_open && !req->background) {
            if (pipe2(in, O_CLOEXEC) < 0) goto failed;
        } else if ((null_fd = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0) {
            goto failed;
        }
        if (pipe2(o, O_CLOEXEC) < 0 || pipe2(e, O_CLOEXEC) < 0) goto failed;
    }
    pid_t pid = fork();
    if (pid < 0) goto failed;
    if (pid == 0) {
        close(report[0]);
        become_command(req, null_fd >= 0 ? null_fd : in[0], o[1], e[1], tty, report[1]);
    }
    close(report[1]);
    report[1] = -1;
    struct failure f;
    ssize_t n;
    do n = read(report[0], &f, sizeof f);
    while (n < 0 && errno == EINTR);
    close(report[0]);
    close_quietly(in[0]);
    close_quietly(o[1]);
    close_quietly(e[1]);
    close_quietly(tty);
    close_quietly(null_fd);
    if (n == (ssize_t)sizeof f) {
        waitpid(pid, NULL, 0);
        close_quietly(in[1]);
        close_quietly(o[0]);
        close_quietly(e[0]);
        close_quietly(master);
        *err = f.err;
        snprintf(what, what_len, "%s", f.what);
        return -1;
    }
    out->pid = pid;
    if (req->pty) {
        out->out_fd = master;
    } else {
        out->in_fd = in[1];
        out->out_fd = o[0];
        out->err_fd = e[0];
    }
    if (out->in_fd >= 0) set_nonblocking(out->in_fd);
    set_nonblocking(out->out_fd);
    if (out->err_fd >= 0) set_nonblocking(out->err_fd);
    return 0;

failed:
    *err = errno;
    snprintf(what, what_len, "start %s", req->argv[0]);
    close_quietly(report[0]);
    close_quietly(report[1]);
    close_quietly(in[0]);
    close_quietly(in[1]);
    close_quietly(o[0]);
    close_quietly(o[1]);
    close_quietly(e[0]);
    close_quietly(e[1]);
    close_quietly(master);
    close_quietly(tty);
    close_quietly(null_fd);
    return -1;
}
