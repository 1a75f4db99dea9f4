/* The connections the agent serves itself (see connection.h): each one's request read without blocking, then
 * dispatched to a child of its own or served here (a foreground exec by exec.c), with one frame at a time on its
 * way out. */
#include "connection.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "background.h"
#include "exec.h"
#include "files.h"
#include "frame.h"
#include "spawn.h"
#include "watch.h"

/* A client has this long to send its request. */
#define REQUEST_TIMEOUT_MS 10000
/* After accept(2) failed for want of descriptors, how long the agent leaves new connections in the backlog. */
#define ACCEPT_PAUSE_MS 100

enum state { READING, LISTING, ATTACHED, EXECUTING, CLOSING };

struct connection {
    int fd;
    enum state state;
    long long deadline_ms;
    unsigned char header[FRAME_HEADER];
    size_t header_got;
    char *payload;
    uint32_t payload_len, payload_got;
    unsigned char *out; /* one frame on its way out, allocated for it: an idle attached client costs no buffer */
    size_t out_len, out_off;
    int next_process;         /* LISTING: the next table slot to send */
    struct background *proc;  /* ATTACHED */
    uint64_t cursor;
    struct session *exec; /* EXECUTING */
};

static struct connection *connections[CONNECTIONS_MAX];
static long long accept_paused_until;

static void close_connection(int i) {
    struct connection *c = connections[i];
    if (c->exec != NULL) exec_end(c->exec);
    close(c->fd);
    free(c->payload);
    free(c->out);
    free(c);
    connections[i] = NULL;
}

/* Closes the connections attached to a command about to be forgotten. */
void connections_detach(struct background *b) {
    for (int i = 0; i < CONNECTIONS_MAX; i++)
        if (connections[i] != NULL && connections[i]->proc == b) close_connection(i);
}

/* Puts one frame into the connection's output. Without the memory for it, the connection is closed. */
static void queue_frame(struct connection *c, unsigned char type, const void *payload, size_t len) {
    c->out = malloc(FRAME_HEADER + len);
    if (c->out == NULL) {
        c->state = CLOSING;
        return;
    }
    frame_header(c->out, type, (uint32_t)len);
    memcpy(c->out + FRAME_HEADER, payload, len);
    c->out_len = FRAME_HEADER + len;
    c->out_off = 0;
}

static void queue_fields(struct connection *c, unsigned char type, const struct fieldbuf *b) {
    queue_frame(c, type, b->data, b->len);
}

/* Answers with a last frame and closes once it is out. */
static void finish(struct connection *c, unsigned char type, const struct fieldbuf *b) {
    queue_fields(c, type, b);
    c->state = CLOSING;
}

static void fail(struct connection *c, const char *code, const char *message) {
    struct fieldbuf b;
    fb_init(&b);
    fb_add(&b, "code", code);
    fb_add(&b, "message", message);
    finish(c, 'f', &b);
}

static void fail_errno(struct connection *c, int err, const char *what) {
    char message[256];
    snprintf(message, sizeof message, "%s: %s", what, strerror(err));
    fail(c, errno_name(err), message);
}

/* Fills the output of a LISTING or ATTACHED connection with its next frame, if there is one yet. */
static void next_frame(struct connection *c) {
    if (c->out_len > 0) return;
    struct fieldbuf b;
    fb_init(&b);
    if (c->state == LISTING) {
        while (c->next_process < BACKGROUND_MAX && backgrounds[c->next_process] == NULL) c->next_process++;
        if (c->next_process == BACKGROUND_MAX) {
            finish(c, 'r', &b);
            return;
        }
        struct background *p = backgrounds[c->next_process++];
        fb_add(&b, "id", p->id);
        fb_addf(&b, "pid", "%d", (int)p->pid);
        fb_add(&b, "command", p->command);
        fb_addf(&b, "started_ms", "%lld", p->started_ms);
        fb_addf(&b, "running", "%d", p->running);
        if (!p->running) {
            fb_addf(&b, "code", "%d", p->code);
            fb_addf(&b, "signal", "%d", p->signal);
            fb_addf(&b, "timed_out", "%d", p->timed_out);
        }
        queue_fields(c, 'n', &b);
    } else if (c->state == ATTACHED) {
        unsigned char type, data[RING_RECORD_MAX];
        int len = ring_read(&c->proc->ring, &c->cursor, &type, data);
        if (len >= 0) {
            queue_frame(c, type, data, (size_t)len);
        } else if (!c->proc->running) {
            fb_addf(&b, "code", "%d", c->proc->code);
            fb_addf(&b, "signal", "%d", c->proc->signal);
            fb_addf(&b, "timed_out", "%d", c->proc->timed_out);
            fb_add(&b, "truncated", "0");
            finish(c, 'x', &b);
        }
    }
}

/* Writes what the connection has to say; returns -1 when it is done with or gone. */
static int write_out(struct connection *c) {
    for (;;) {
        next_frame(c);
        if (c->out_len == 0) return c->state == CLOSING ? -1 : 0;
        while (c->out_off < c->out_len) {
            ssize_t n = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && errno == EAGAIN) return 0;
            if (n < 0) return -1;
            c->out_off += (size_t)n;
        }
        free(c->out);
        c->out = NULL;
        c->out_len = c->out_off = 0;
        if (c->state == CLOSING) return -1;
    }
}

/* In a connection's child: keeps only the connection (as fd 3) and serves the operation; never returns. */
static _Noreturn void serve_in_child(int fd, const char *op, const struct fields *request) {
    if (fd != 3) {
        dup2(fd, 3);
        fd = 3;
    }
    if (syscall(SYS_close_range, 4u, ~0u, 0u) < 0)
        for (int other = 4; other < 1024; other++) close(other);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    int status;
    if (strcmp(op, "stat") == 0) status = file_stat(fd, request);
    else if (strcmp(op, "list") == 0) status = file_list(fd, request);
    else if (strcmp(op, "read") == 0) status = file_read(fd, request);
    else if (strcmp(op, "write") == 0) status = file_write(fd, request);
    else if (strcmp(op, "mkdir") == 0) status = file_mkdir(fd, request);
    else if (strcmp(op, "move") == 0) status = file_move(fd, request);
    else if (strcmp(op, "delete") == 0) status = file_delete(fd, request);
    else status = watch_serve(fd, request);
    _exit(status);
}

static int child_operation(const char *op) {
    static const char *const ops[] = {"stat", "list", "read", "write", "mkdir", "move", "delete", "watch", NULL};
    for (int i = 0; ops[i] != NULL; i++)
        if (strcmp(op, ops[i]) == 0) return 1;
    return 0;
}

static void start_background(struct connection *c, const struct fields *request) {
    struct exec_request req;
    const char *problem;
    if (exec_request_parse(request, &req, &problem) < 0) {
        exec_request_free(&req);
        fail(c, "bad_request", problem);
        return;
    }
    int err;
    char what[128];
    struct background *b = background_start(&req, &err, what, sizeof what);
    exec_request_free(&req);
    if (b == NULL) {
        fail_errno(c, err, what);
        return;
    }
    /* The starting connection is attached from the first byte; closing it detaches. */
    struct fieldbuf f;
    fb_init(&f);
    fb_addf(&f, "pid", "%d", (int)b->pid);
    fb_add(&f, "id", b->id);
    queue_fields(c, 's', &f);
    c->state = ATTACHED;
    c->proc = b;
    c->cursor = 0;
}

static void start_foreground(struct connection *c, const struct fields *request) {
    const char *code;
    char message[256];
    c->exec = exec_start(c->fd, request, &code, message, sizeof message);
    if (c->exec == NULL) fail(c, code, message);
    else c->state = EXECUTING;
}

/* Answers a stat, or a read whose frames fit in FRAME_CAPTURE_MAX (a file of up to 16 KiB), here instead of
 * in a child: a fork costs more than the whole operation. Reading a local file that small does not stall the loop
 * for long; anything longer is answered again, from the start, by a child. Returns 1 when answered. */
static int answered_here(struct connection *c, const char *op, const struct fields *request) {
    if (strcmp(op, "stat") == 0) file_stat(FRAME_CAPTURE, request);
    else if (strcmp(op, "read") == 0) file_read(FRAME_CAPTURE, request);
    else return 0;
    size_t len;
    unsigned char *answer = frame_capture_take(&len);
    if (answer == NULL) return 0;
    c->out = answer;
    c->out_len = len;
    c->out_off = 0;
    c->state = CLOSING;
    return 1;
}

/* Serves the request of connection i, whose Q frame has arrived whole. */
static void dispatch(int i) {
    struct connection *c = connections[i];
    struct fields request = {c->payload, c->payload_len};
    if (!fields_valid(request.data, request.len) || strncmp(request.data, "op=", 3) != 0) {
        fail(c, "bad_request", "a request starts with op=");
        return;
    }
    const char *op = request.data + 3;
    if (answered_here(c, op, &request)) {
        free(c->payload);
        c->payload = NULL;
        return;
    }
    if (child_operation(op)) {
        pid_t pid = fork();
        if (pid == 0) serve_in_child(c->fd, op, &request);
        if (pid < 0) fail_errno(c, errno, "fork");
        else close_connection(i);
        return;
    }
    struct fieldbuf b;
    fb_init(&b);
    if (strcmp(op, "hello") == 0) {
        fb_addf(&b, "version", "%d", PROTOCOL_VERSION);
        fb_addf(&b, "pid", "%d", (int)getpid());
        finish(c, 'r', &b);
    } else if (strcmp(op, "exec") == 0 && field_number(&request, "background", 0, 1) == 1) {
        start_background(c, &request);
    } else if (strcmp(op, "exec") == 0) {
        start_foreground(c, &request);
    } else if (strcmp(op, "processes") == 0) {
        c->state = LISTING;
        c->next_process = 0;
    } else if (strcmp(op, "attach") == 0 || strcmp(op, "signal") == 0) {
        const char *id = field_get(&request, "id");
        struct background *p = id == NULL ? NULL : background_find(id);
        long long sig = field_number(&request, "signal", -1, 64);
        if (id == NULL) fail(c, "bad_request", "id= is required");
        else if (p == NULL) fail(c, "not_found", "no background command has that id");
        else if (op[0] == 'a') {
            c->state = ATTACHED;
            c->proc = p;
            c->cursor = 0;
        } else if (sig <= 0) fail(c, "bad_request", "signal= must be between 1 and 64");
        else if (!p->running) fail(c, "ESRCH", "the command has ended");
        else if (kill(-p->pid, (int)sig) < 0) fail_errno(c, errno, "kill");
        else finish(c, 'r', &b);
    } else {
        fail(c, "unsupported", "unknown op");
    }
    free(c->payload);
    c->payload = NULL;
}

/* Reads the request of a READING connection; returns -1 when the connection is to be dropped. */
static int read_request(int i) {
    struct connection *c = connections[i];
    for (;;) {
        ssize_t n;
        if (c->header_got < FRAME_HEADER) {
            n = read(c->fd, c->header + c->header_got, FRAME_HEADER - c->header_got);
        } else {
            n = read(c->fd, c->payload + c->payload_got, c->payload_len - c->payload_got);
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return 0;
        if (n <= 0) return -1; /* gone before its request was whole */
        if (c->header_got < FRAME_HEADER) {
            c->header_got += (size_t)n;
            if (c->header_got < FRAME_HEADER) continue;
            c->payload_len = (uint32_t)c->header[1] << 24 | (uint32_t)c->header[2] << 16
                             | (uint32_t)c->header[3] << 8 | c->header[4];
            if (c->header[0] != 'Q' || c->payload_len > CLIENT_PAYLOAD_MAX || c->payload_len == 0) {
                fail(c, "bad_request", "a connection starts with one Q frame of at most 1 MiB");
                return 0;
            }
            c->payload = malloc(c->payload_len);
            if (c->payload == NULL) return -1;
            continue;
        }
        c->payload_got += (uint32_t)n;
        if (c->payload_got == c->payload_len) {
            dispatch(i);
            return 0;
        }
    }
}

void connections_accept(int listen_fd) {
    for (;;) {
        int slot = -1;
        for (int i = 0; i < CONNECTIONS_MAX && slot < 0; i++)
            if (connections[i] == NULL) slot = i;
        if (slot < 0) return;
        int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            /* Out of descriptors: the socket stays readable, so polling it now would spin. */
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
                accept_paused_until = monotonic_ms() + ACCEPT_PAUSE_MS;
            return;
        }
        struct connection *c = calloc(1, sizeof *c);
        if (c == NULL) {
            close(fd);
            return;
        }
        c->fd = fd;
        c->state = READING;
        c->deadline_ms = monotonic_ms() + REQUEST_TIMEOUT_MS;
        connections[slot] = c;
    }
}

long long connections_accept_paused_until(void) {
    return accept_paused_until;
}

int connection_pollfds(int i, struct pollfd *p, long long now, long long *next) {
    struct connection *c = connections[i];
    if (c == NULL) return 0;
    if (c->state == EXECUTING) return exec_pollfds(c->exec, p, now, next);
    if (c->state == READING && now >= c->deadline_ms) {
        close_connection(i);
        return 0;
    }
    if (c->state == READING && (*next == 0 || c->deadline_ms < *next)) *next = c->deadline_ms;
    if (c->state != READING) next_frame(c);
    if (c->state == CLOSING && c->out_len == 0) { /* said all it will say */
        close_connection(i);
        return 0;
    }
    short events = c->state == READING || c->state == ATTACHED ? POLLIN : 0;
    if (c->out_len > 0) events |= POLLOUT;
    p[0] = (struct pollfd){c->fd, events, 0};
    return 1;
}

int connection_fd(int i) {
    return connections[i] == NULL ? -1 : connections[i]->fd;
}

void connection_ready(int i, const struct pollfd *p) {
    struct connection *c = connections[i];
    if (c->state == EXECUTING) {
        if (exec_ready(c->exec, p)) close_connection(i);
        return;
    }
    short revents = p[0].revents;
    int drop = 0;
    if (revents == 0) return;
    if (c->state == READING && (revents & (POLLIN | POLLHUP | POLLERR))) {
        drop = read_request(i) < 0;
    } else if (c->state == ATTACHED && (revents & POLLIN)) {
        /* Nothing is expected from an attached client: its input is read and dropped, its end detaches. */
        char sink[256];
        ssize_t got = read(c->fd, sink, sizeof sink);
        if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) drop = 1;
    } else if (revents & (POLLHUP | POLLERR)) {
        drop = 1;
    }
    c = connections[i]; /* a request served in a child is closed here */
    if (!drop && c != NULL && c->state != READING && c->state != EXECUTING && (revents & POLLOUT || c->out_len > 0))
        drop = write_out(c) < 0;
    if (drop && connections[i] != NULL) close_connection(i);
}
