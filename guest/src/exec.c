/* A foreground exec, served in the agent's own poll loop: its connection, the command's pipes (or pty master) are
 * polled there with everyone else's, and its SIGCHLD arrives on the agent's signalfd (exec_reaped). Serving it
 * in a child of its own cost a fork per exec, the dearest step of all in the VMs sandboxes run in; nothing here
 * blocks, so the loop is not stalled by a slow client or a silent command.
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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "background.h"
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
    struct session *next_live; /* every session, for exec_reaped */
    int conn;
    int pty; /* cmd.out_fd is a pty master: input and resizes go there */
    struct spawned cmd;
    /* one frame on its way to the client (FRAME_HEADER + OUTPUT_CHUNK) */
    unsigned char *out;
    size_t out_len, out_off;
    /* stdin bytes on their way to the command (INPUT_BUFFER, allocated with the first `i` frame) */
    char *in;
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
    /* where exec_pollfds put each descriptor this round (-1: not polled) */
    int i_out, i_err, i_in;
    /* accounting */
    long long sent, max_output, deadline_ms;
    int truncated, timed_out, exited, status;
    long long exited_ms;
    int settling; /* a pty master was empty after the exit: wait up to PTY_SETTLE_MS for its last output */
    size_t drained_out, drained_err;
    const char *refusal; /* a bad request: answered with `f` once the pending output is out */
    int finished;        /* the last frame (`x` or `f`) is queued */
    int gone;            /* the client went away */
};

static struct session *live;
/* Ended sessions kept, with their output buffers, for the next execs: allocating a buffer that size and freeing it
 * again cost an mmap, an munmap and its page faults per exec. Idle, they hold the pages a few frames touched. */
#define SPARES_MAX 4
static struct session *spares[SPARES_MAX];
static int spare_count;

static struct session *new_session(void) {
    struct session *s = spare_count > 0 ? spares[--spare_count] : calloc(1, sizeof *s);
    if (s == NULL) return NULL;
    unsigned char *out = s->out != NULL ? s->out : malloc(FRAME_HEADER + OUTPUT_CHUNK);
    if (out == NULL) {
        free(s);
        return NULL;
    }
    memset(s, 0, sizeof *s);
    s->out = out;
    return s;
}

static void free_session(struct session *s) {
    free(s->in);
    s->in = NULL;
    if (spare_count < SPARES_MAX) {
        spares[spare_count++] = s;
        return;
    }
    free(s->out);
    free(s);
}

static void kill_group(struct session *s, int sig) {
    kill(-s->cmd.pid, sig);
}

static void close_fd(int *fd) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
}

static void lower(long long *next, long long at) {
    if (*next == 0 || at < *next) *next = at;
}

static void queue_fields(struct session *s, unsigned char type, const struct fieldbuf *b) {
    frame_header(s->out, type, (uint32_t)b->len);
    memcpy(s->out + FRAME_HEADER, b->data, b->len);
    s->out_len = FRAME_HEADER + b->len;
    s->out_off = 0;
}

/* Reads one chunk of fd into the pending output frame of the given type. Closes fd at its end, and after the
 * exit once it is empty (a pty master only once it settled). */
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
        /* drained: what a grandchild writes later is not ours */
        if (s->exited && (!s->pty || monotonic_ms() >= s->exited_ms + PTY_SETTLE_MS)) close_fd(fd);
        else if (s->exited) s->settling = 1;
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
        if (n < 0) {
            s->gone = 1;
            return;
        }
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

/* A malformed frame from the client: the command is killed, nothing more is read, `f` follows the pending output. */
static void refuse(struct session *s, const char *message) {
    kill_group(s, SIGKILL);
    s->refusal = message;
}

static void control_frame(struct session *s) {
    struct fields f = {s->control, s->control_got};
    if (!fields_valid(f.data, f.len)) {
        refuse(s, "malformed fields");
    } else if (s->type == 'k') {
        long long sig = field_number(&f, "signal", -1, 64);
        if (sig <= 0) refuse(s, "k needs signal= between 1 and 64");
        else if (!s->exited) kill_group(s, (int)sig);
    } else if (s->type == 'z') {
        long long cols = field_number(&f, "cols", -1, 65535), rows = field_number(&f, "rows", -1, 65535);
        if (cols < 0 || rows < 0) {
            refuse(s, "z needs cols= and rows=");
        } else if (s->pty && s->cmd.out_fd >= 0) { /* only a terminal has a size */
            struct winsize size = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
            ioctl(s->cmd.out_fd, TIOCSWINSZ, &size);
        }
    }
}

/* Reads what the client sent, as far as there is room for it. */
static void read_client(struct session *s) {
    while (!s->gone && s->refusal == NULL) {
        if (!s->in_frame) {
            ssize_t n = read(s->conn, s->header + s->header_got, FRAME_HEADER - s->header_got);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && errno == EAGAIN) return;
            if (n == 0 && s->header_got == 0) {
                s->client_done = 1; /* half-closed; a full close shows as POLLHUP */
                return;
            }
            if (n <= 0) {
                s->gone = 1;
                return;
            }
            s->header_got += (size_t)n;
            if (s->header_got < FRAME_HEADER) continue;
            s->type = s->header[0];
            s->remaining = (uint32_t)s->header[1] << 24 | (uint32_t)s->header[2] << 16
                           | (uint32_t)s->header[3] << 8 | s->header[4];
            s->header_got = 0;
            if (s->remaining > CLIENT_PAYLOAD_MAX) refuse(s, "frame too long");
            else if (s->type != 'i' && s->type != 'I' && s->type != 'k' && s->type != 'z')
                refuse(s, "unexpected frame during exec");
            else if (s->type != 'i' && s->remaining > CONTROL_MAX) refuse(s, "control frame too long");
            if (s->refusal != NULL) return;
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
                    if (s->in == NULL && (s->in = malloc(INPUT_BUFFER)) == NULL) {
                        s->gone = 1;
                        return;
                    }
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
            if (n <= 0) {
                s->gone = 1;
                return;
            }
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

/* Queues the last frame once everything before it is out and the command was reaped: `f` for a refused frame
 * (the command was killed), `x` once its pipes are drained too. */
static void queue_last_frame(struct session *s) {
    if (s->finished || s->out_len > 0 || !s->exited) return;
    struct fieldbuf b;
    fb_init(&b);
    if (s->refusal != NULL) {
        fb_add(&b, "code", "bad_request");
        fb_add(&b, "message", s->refusal);
    } else if (s->cmd.out_fd < 0 && s->cmd.err_fd < 0) {
        int code, sig;
        exit_fields(s->status, &code, &sig);
        fb_addf(&b, "code", "%d", code);
        fb_addf(&b, "signal", "%d", sig);
        fb_addf(&b, "timed_out", "%d", s->timed_out);
        fb_addf(&b, "truncated", "%d", s->truncated);
    } else {
        return;
    }
    queue_fields(s, s->refusal != NULL ? 'f' : 'x', &b);
    s->finished = 1;
    flush_output(s);
}

struct session *exec_start(int conn, const struct fields *request, const char **code, char *message,
                           size_t message_len) {
    struct exec_request req;
    const char *problem;
    if (exec_request_parse(request, &req, &problem) < 0) {
        exec_request_free(&req);
        *code = "bad_request";
        snprintf(message, message_len, "%s", problem);
        return NULL;
    }
    struct session *s = new_session();
    int err = ENOMEM;
    char what[128] = "exec";
    if (s == NULL || spawn_command(&req, &s->cmd, &err, what, sizeof what) < 0) {
        exec_request_free(&req);
        if (s != NULL) free_session(s);
        *code = errno_name(err);
        snprintf(message, message_len, "%s: %s", what, strerror(err));
        return NULL;
    }
    s->conn = conn;
    s->pty = req.pty;
    s->max_output = req.max_output;
    s->deadline_ms = req.timeout_ms > 0 ? monotonic_ms() + req.timeout_ms : 0;
    if (!req.stdin_open && s->cmd.in_fd >= 0) close_fd(&s->cmd.in_fd);
    exec_request_free(&req);
    s->next_live = live;
    live = s;
    struct fieldbuf b;
    fb_init(&b);
    fb_addf(&b, "pid", "%d", (int)s->cmd.pid);
    queue_fields(s, 's', &b);
    flush_output(s);
    return s;
}

int exec_pollfds(struct session *s, struct pollfd *p, long long now, long long *next) {
    int n = 0;
    short conn_events = 0;
    if (!s->client_done && s->in_len == 0 && s->refusal == NULL && !s->finished) conn_events |= POLLIN;
    if (s->out_len > 0) conn_events |= POLLOUT;
    p[n++] = (struct pollfd){s->conn, conn_events, 0};
    s->i_out = s->i_err = s->i_in = -1;
    /* Once the command was reaped, draining reads without poll's word (EAGAIN there means the pipe is empty), at
     * once, and the last frame follows. */
    if (s->exited && s->out_len == 0 && !s->finished)
        lower(next, s->settling && s->refusal == NULL ? s->exited_ms + PTY_SETTLE_MS : now);
    else if (!s->exited && s->deadline_ms > 0) lower(next, s->deadline_ms);
    if (s->refusal != NULL || s->finished) return n;
    if (s->out_len == 0) {
        if (s->cmd.out_fd >= 0) p[s->i_out = n++] = (struct pollfd){s->cmd.out_fd, POLLIN, 0};
        if (s->cmd.err_fd >= 0) p[s->i_err = n++] = (struct pollfd){s->cmd.err_fd, POLLIN, 0};
    }
    if (s->in_len > 0) {
        int fd = s->pty ? s->cmd.out_fd : s->cmd.in_fd;
        if (fd >= 0 && s->i_out >= 0 && fd == p[s->i_out].fd) p[s->i_out].events |= POLLOUT;
        else if (fd >= 0) p[s->i_in = n++] = (struct pollfd){fd, POLLOUT, 0};
    }
    return n;
}

int exec_ready(struct session *s, const struct pollfd *p) {
    short conn = p[0].revents;
    if (s->gone || (conn & (POLLHUP | POLLERR))) return s->gone = 1;
    if (!s->exited && s->deadline_ms > 0 && monotonic_ms() >= s->deadline_ms && !s->timed_out) {
        s->timed_out = 1;
        kill_group(s, SIGKILL);
    }
    if (conn & POLLOUT) flush_output(s);
    if (conn & POLLIN) read_client(s);
    if (s->refusal == NULL && !s->finished && !s->gone) {
        if (s->i_in >= 0 && (p[s->i_in].revents & (POLLOUT | POLLERR | POLLHUP))) flush_input(s);
        if (s->i_out >= 0 && (p[s->i_out].revents & POLLOUT) && s->in_len > 0) flush_input(s);
        if (s->out_len == 0) {
            int out_ready = s->i_out >= 0 && (p[s->i_out].revents & (POLLIN | POLLHUP | POLLERR));
            int err_ready = s->i_err >= 0 && (p[s->i_err].revents & (POLLIN | POLLHUP | POLLERR));
            if (s->cmd.out_fd >= 0 && (out_ready || s->exited)) read_output(s, &s->cmd.out_fd, 'o', &s->drained_out);
            if (s->out_len > 0) flush_output(s);
            if (s->out_len == 0 && s->cmd.err_fd >= 0 && (err_ready || s->exited))
                read_output(s, &s->cmd.err_fd, 'e', &s->drained_err);
            if (s->out_len > 0) flush_output(s);
        }
    }
    s->i_out = s->i_err = s->i_in = -1; /* a second call in one round must not read last round's revents */
    if (!s->gone) queue_last_frame(s);
    if (s->gone) return 1;
    return s->finished && s->out_len == 0;
}

int exec_reaped(pid_t pid, int status) {
    for (struct session *s = live; s != NULL; s = s->next_live) {
        if (s->exited || s->cmd.pid != pid) continue;
        s->exited = 1;
        s->exited_ms = monotonic_ms();
        s->status = status;
        return 1;
    }
    return 0;
}

void exec_end(struct session *s) {
    if (!s->finished || s->gone) kill_group(s, SIGKILL);
    for (struct session **at = &live; *at != NULL; at = &(*at)->next_live)
        if (*at == s) {
            *at = s->next_live;
            break;
        }
    close_fd(&s->cmd.in_fd);
    close_fd(&s->cmd.out_fd);
    close_fd(&s->cmd.err_fd);
    free_session(s);
}
