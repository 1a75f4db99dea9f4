/* A foreground exec: one poll() loop over the client socket, the command's pipes (or pty master) and a signalfd
 * for SIGCHLD, in the connection's own child process.
 *
 * Back-pressure: at most one output frame is pending towards the client; while it is, the command's pipes are not
 * polled, so a command that writes faster than the client reads blocks in write(2) and no buffer grows. Input is
 * the same the other way: while `i` bytes wait for the command to read them, the socket is not read.
 * The command ends when its process group leader is reaped; what is then left in its pipes is drained (bounded,
 * since a grandchild may hold them open and keep writing) and `x` is sent. A client that closes the connection
 * (POLLHUP, or a failed write) gets the whole process group killed. */
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "spawn.h"

#define OUTPUT_CHUNK (32u << 10)
#define INPUT_BUFFER (64u << 10)
#define CONTROL_MAX 4096u
/* How much is still read from the pipes after the command exited, per pipe. */
#define DRAIN_AFTER_EXIT (256u << 10)
/* How long a pty master may still be empty after the command exited: the kernel moves what the command wrote last
 * from the terminal to the master in a worker of its own, so "nothing yet" is not "nothing more" at once. The
 * master hangs up as soon as no one holds the terminal, which ends the wait early in the usual case. */
#define PTY_SETTLE_MS 100

struct session {
    int conn;
    int pty; /* cmd.out_fd is a pty master: input and resizes go there */
    struct spawned cmd;
    int sigfd;
    /* one frame on its way to the client */
    unsigned char out[FRAME_HEADER + OUTPUT_CHUNK];
    size_t out_len, out_off;
    /* stdin bytes on their way to the command */
    char in[INPUT_BUFFER];
    size_t in_len, in_off;
    int close_stdin_when_drained;
    /* the frame being read from the client */
    unsigned char header[FRAME_HEADER];
    size_t header_got;
    int in_frame;
    unsigned char type;
    uint32_t remaining;
    char control[CONTROL_MAX];
    size_t control_got;
    int client_done; /* the client half-closed: read no more */
    /* accounting */
    long long sent, max_output, deadline_ms;
    int truncated, timed_out, exited, status;
    long long exited_ms;
    size_t drained_out, drained_err;
};

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void kill_group(struct session *s, int sig) {
    kill(-s->cmd.pid, sig);
}

/* The client is gone: kill the group, reap the leader, leave. */
static _Noreturn void abandon(struct session *s) {
    kill_group(s, SIGKILL);
    if (!s->exited) waitpid(s->cmd.pid, NULL, 0);
    _exit(0);
}

static void close_fd(int *fd) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
}

/* Reads one chunk of fd into the pending output frame of the given type. Closes fd at its end. */
/* Whether the pty master fd of an exited command may still get its last output: it became readable (or hung up,
 * which a read then tells) within PTY_SETTLE_MS of the exit. */
static int pty_settling(struct session *s, int fd) {
    if (!s->pty) return 0;
    long long left = s->exited_ms + PTY_SETTLE_MS - now_ms();
    if (left <= 0) return 0;
    struct pollfd p = {fd, POLLIN, 0};
    return poll(&p, 1, (int)left) > 0;
}

static void read_output(struct session *s, int *fd, unsigned char type, size_t *drained) {
    size_t room = OUTPUT_CHUNK;
    if (s->exited) {
        if (*drained >= DRAIN_AFTER_EXIT) {
            close_fd(fd);
            return;
        }
        if (DRAIN_AFTER_EXIT - *drained < room) room = DRAIN_AFTER_EXIT - *drained;
    }
    ssize_t n = read(*fd, s->out + FRAME_HEADER, room);
    if (n < 0 && errno == EINTR) return;
    if (n < 0 && errno == EAGAIN) {
        if (s->exited && !pty_settling(s, *fd)) close_fd(fd); /* drained: what a grandchild writes later is not ours */
        return;
    }
    if (n <= 0) { /* end, or EIO from a pty master whose terminal closed */
        close_fd(fd);
        return;
    }
    if (s->exited) *drained += (size_t)n;
    size_t keep = (size_t)n;
    if (s->max_output >= 0 && s->sent + (long long)keep > s->max_output) {
        keep = (size_t)(s->max_output - s->sent);
        s->truncated = 1;
    }
    if (keep == 0) return;
    s->sent += (long long)keep;
    frame_header(s->out, type, (uint32_t)keep);
    s->out_len = FRAME_HEADER + keep;
    s->out_off = 0;
}

static void flush_output(struct session *s) {
    while (s->out_off < s->out_len) {
        ssize_t n = write(s->conn, s->out + s->out_off, s->out_len - s->out_off);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return;
        if (n < 0) abandon(s);
        s->out_off += (size_t)n;
    }
    s->out_len = s->out_off = 0;
}

static void flush_input(struct session *s) {
    int fd = s->pty ? s->cmd.out_fd : s->cmd.in_fd;
    while (s->in_off < s->in_len && fd >= 0) {
        ssize_t n = write(fd, s->in + s->in_off, s->in_len - s->in_off);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return;
        if (n < 0) { /* the command closed its stdin: what it did not read is dropped */
            s->in_off = s->in_len;
            if (s->cmd.in_fd >= 0) close_fd(&s->cmd.in_fd);
            break;
        }
        s->in_off += (size_t)n;
    }
    s->in_len = s->in_off = 0;
    if (s->close_stdin_when_drained) close_fd(&s->cmd.in_fd);
}

static _Noreturn void bad_request(struct session *s, const char *message) {
    kill_group(s, SIGKILL);
    if (!s->exited) waitpid(s->cmd.pid, NULL, 0);
    int flags = fcntl(s->conn, F_GETFL);
    fcntl(s->conn, F_SETFL, flags & ~O_NONBLOCK);
    flush_output(s);
    send_failure(s->conn, "bad_request", message);
    _exit(0);
}

static void control_frame(struct session *s) {
    struct fields f = {s->control, s->control_got};
    if (!fields_valid(f.data, f.len)) bad_request(s, "malformed fields");
    if (s->type == 'k') {
        long long sig = field_number(&f, "signal", -1, 64);
        if (sig <= 0) bad_request(s, "k needs signal= between 1 and 64");
        if (!s->exited) kill_group(s, (int)sig);
    } else if (s->type == 'z') {
        long long cols = field_number(&f, "cols", -1, 65535), rows = field_number(&f, "rows", -1, 65535);
        if (cols < 0 || rows < 0) bad_request(s, "z needs cols= and rows=");
        if (s->pty && s->cmd.out_fd >= 0) { /* only a terminal has a size */
            struct winsize size = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
            ioctl(s->cmd.out_fd, TIOCSWINSZ, &size);
        }
    }
}

/* Reads what the client sent, as far as there is room for it. */
static void read_client(struct session *s) {
    for (;;) {
        if (!s->in_frame) {
            ssize_t n = read(s->conn, s->header + s->header_got, FRAME_HEADER - s->header_got);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && errno == EAGAIN) return;
            if (n < 0) abandon(s);
            if (n == 0) {
                if (s->header_got > 0) abandon(s);
                s->client_done = 1; /* half-closed; a full close shows as POLLHUP */
                return;
            }
            s->header_got += (size_t)n;
            if (s->header_got < FRAME_HEADER) continue;
            s->type = s->header[0];
            s->remaining = (uint32_t)s->header[1] << 24 | (uint32_t)s->header[2] << 16
                           | (uint32_t)s->header[3] << 8 | s->header[4];
            s->header_got = 0;
            if (s->remaining > CLIENT_PAYLOAD_MAX) bad_request(s, "frame too long");
            if (s->type != 'i' && s->type != 'I' && s->type != 'k' && s->type != 'z')
                bad_request(s, "unexpected frame during exec");
            if (s->type != 'i' && s->remaining > CONTROL_MAX) bad_request(s, "control frame too long");
            s->in_frame = 1;
            s->control_got = 0;
        }
        if (s->remaining > 0) {
            char *dest;
            size_t room;
            char scratch[4096];
            if (s->type == 'i') {
                int has_input = s->pty ? s->cmd.out_fd >= 0 : s->cmd.in_fd >= 0;
                if (has_input && !s->close_stdin_when_drained) {
                    if (s->in_len > 0) return; /* wait until the command took the last bytes */
                    dest = s->in;
                    room = INPUT_BUFFER;
                } else {
                    dest = scratch;
                    room = sizeof scratch;
                }
            } else {
                dest = s->control + s->control_got;
                room = CONTROL_MAX - s->control_got;
            }
            if (room > s->remaining) room = s->remaining;
            ssize_t n = read(s->conn, dest, room);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && errno == EAGAIN) return;
            if (n <= 0) abandon(s);
            s->remaining -= (uint32_t)n;
            if (s->type == 'i' && dest == s->in) {
                s->in_len = (size_t)n;
                flush_input(s);
            } else if (s->type != 'i') {
                s->control_got += (size_t)n;
            }
            if (s->remaining > 0) continue;
        }
        s->in_frame = 0;
        if (s->type == 'I') {
            s->close_stdin_when_drained = 1;
            if (s->in_len == 0) close_fd(&s->cmd.in_fd);
        } else if (s->type == 'k' || s->type == 'z') {
            control_frame(s);
        }
    }
}

static void reap(struct session *s) {
    struct signalfd_siginfo info;
    while (read(s->sigfd, &info, sizeof info) > 0) {
    }
    int status;
    if (!s->exited && waitpid(s->cmd.pid, &status, WNOHANG) == s->cmd.pid) {
        s->exited = 1;
        s->exited_ms = now_ms();
        s->status = status;
    }
}

static void send_exit(struct session *s) {
    int code, sig;
    exit_fields(s->status, &code, &sig);
    int flags = fcntl(s->conn, F_GETFL);
    fcntl(s->conn, F_SETFL, flags & ~O_NONBLOCK);
    struct fieldbuf b;
    fb_init(&b);
    fb_addf(&b, "code", "%d", code);
    fb_addf(&b, "signal", "%d", sig);
    fb_addf(&b, "timed_out", "%d", s->timed_out);
    fb_addf(&b, "truncated", "%d", s->truncated);
    send_fields(s->conn, 'x', &b);
}

int exec_foreground(int conn, const struct fields *request) {
    /* Zero as the child starts (it runs one exec); the agent itself never touches these pages. */
    static struct session session;
    struct session *s = &session;
    struct exec_request req;
    const char *problem;
    s->conn = conn;
    if (exec_request_parse(request, &req, &problem) < 0) {
        send_failure(conn, "bad_request", problem);
        return 0;
    }
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    s->sigfd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
    int err;
    char what[128];
    if (s->sigfd < 0 || spawn_command(&req, &s->cmd, &err, what, sizeof what) < 0) {
        if (s->sigfd < 0) {
            err = errno;
            snprintf(what, sizeof what, "signalfd");
        }
        send_errno(conn, err, what);
        return 0;
    }
    struct fieldbuf b;
    fb_init(&b);
    fb_addf(&b, "pid", "%d", (int)s->cmd.pid);
    if (send_fields(conn, 's', &b) < 0) abandon(s);
    fcntl(conn, F_SETFL, fcntl(conn, F_GETFL) | O_NONBLOCK);
    s->pty = req.pty;
    s->max_output = req.max_output;
    s->deadline_ms = req.timeout_ms > 0 ? now_ms() + req.timeout_ms : 0;
    if (!req.stdin_open && s->cmd.in_fd >= 0) close_fd(&s->cmd.in_fd);

    for (;;) {
        if (s->exited && s->out_len == 0 && s->cmd.out_fd < 0 && s->cmd.err_fd < 0) break;
        struct pollfd p[5];
        int n = 0, i_conn = -1, i_out = -1, i_err = -1, i_in = -1, i_sig;
        short conn_events = 0;
        if (!s->client_done && s->in_len == 0) conn_events |= POLLIN;
        if (s->out_len > 0) conn_events |= POLLOUT;
        p[i_conn = n++] = (struct pollfd){conn, conn_events, 0};
        p[i_sig = n++] = (struct pollfd){s->sigfd, POLLIN, 0};
        if (s->out_len == 0) {
            if (s->cmd.out_fd >= 0) p[i_out = n++] = (struct pollfd){s->cmd.out_fd, POLLIN, 0};
            if (s->cmd.err_fd >= 0) p[i_err = n++] = (struct pollfd){s->cmd.err_fd, POLLIN, 0};
        }
        if (s->in_len > 0) {
            int fd = s->pty ? s->cmd.out_fd : s->cmd.in_fd;
            if (fd >= 0 && fd != (i_out >= 0 ? p[i_out].fd : -1)) p[i_in = n++] = (struct pollfd){fd, POLLOUT, 0};
            else if (fd >= 0 && i_out >= 0) p[i_out].events |= POLLOUT;
        }
        int timeout = -1;
        if (s->exited) timeout = s->out_len == 0 ? 0 : -1; /* draining: what is not there is not waited for */
        else if (s->deadline_ms > 0) {
            long long left = s->deadline_ms - now_ms();
            timeout = left < 0 ? 0 : left > 60000 ? 60000 : (int)left;
        }
        int ready = poll(p, (nfds_t)n, timeout);
        if (ready < 0 && errno != EINTR) abandon(s);
        if (ready < 0) continue;
        if (p[i_conn].revents & (POLLHUP | POLLERR)) abandon(s);
        if (p[i_sig].revents & POLLIN) reap(s);
        if (!s->exited && s->deadline_ms > 0 && now_ms() >= s->deadline_ms && !s->timed_out) {
            s->timed_out = 1;
            kill_group(s, SIGKILL);
        }
        if (p[i_conn].revents & POLLOUT) flush_output(s);
        if (p[i_conn].revents & POLLIN) read_client(s);
        if (i_in >= 0 && (p[i_in].revents & (POLLOUT | POLLERR | POLLHUP))) flush_input(s);
        if (i_out >= 0 && (p[i_out].revents & POLLOUT) && s->in_len > 0) flush_input(s);
        if (s->out_len == 0) {
            /* Draining after exit reads without poll's word: EAGAIN there means the pipe is empty. */
            int out_ready = i_out >= 0 && (p[i_out].revents & (POLLIN | POLLHUP | POLLERR));
            int err_ready = i_err >= 0 && (p[i_err].revents & (POLLIN | POLLHUP | POLLERR));
            if (s->cmd.out_fd >= 0 && (out_ready || s->exited)) read_output(s, &s->cmd.out_fd, 'o', &s->drained_out);
            if (s->out_len > 0) flush_output(s);
            if (s->out_len == 0 && s->cmd.err_fd >= 0 && (err_ready || s->exited))
                read_output(s, &s->cmd.err_fd, 'e', &s->drained_err);
            if (s->out_len > 0) flush_output(s);
        }
    }
    send_exit(s);
    exec_request_free(&req);
    return 0;
}
