/* corral-guest: the agent that runs inside a sandbox and serves the guest protocol (docs/GUEST-PROTOCOL.md) on
 * a unix socket.
 *
 * Design: one single-threaded poll() loop in the agent accepts connections and reads each one's `Q` frame
 * without blocking. What needs the agent's own state is served right there, without blocking either: `hello`,
 * background commands (`exec background=1`, `processes`, `attach`, `signal`), whose table must outlive any
 * connection. Every other operation (foreground exec, the file operations, watch) gets a child process of its
 * own, forked with the request already parsed: there it can block on its socket, its file and its command
 * without stalling anyone, back-pressure is simply a blocking write, a crash takes one operation down and not
 * the agent, and its memory is returned whole when it ends. A fork of a process this small costs tens of
 * microseconds, less than the client's own connect.
 *
 * Reaping: SIGCHLD arrives on a signalfd in the loop; waitpid(-1) collects connection children (nothing to
 * record) and background commands (their status goes into the table). Foreground commands are children of
 * their connection's child, which reaps them itself. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "background.h"
#include "exec.h"
#include "files.h"
#include "frame.h"
#include "spawn.h"
#include "watch.h"

#define PROTOCOL_VERSION 1
/* Connections the agent itself holds at once (reading a request, listing, attached); more wait in the backlog. */
#define CONNECTIONS_MAX 64
/* A client has this long to send its request. */
#define REQUEST_TIMEOUT_MS 10000
#define OUTPUT_CAP (FRAME_HEADER + FIELDS_MAX)

enum state { READING, LISTING, ATTACHED, CLOSING };

struct connection {
    int fd;
    enum state state;
    long long deadline_ms;
    unsigned char header[FRAME_HEADER];
    size_t header_got;
    char *payload;
    uint32_t payload_len, payload_got;
    unsigned char *out; /* one frame on its way out, OUTPUT_CAP bytes */
    size_t out_len, out_off;
    int next_process;         /* LISTING: the next table slot to send */
    struct background *proc;  /* ATTACHED */
    uint64_t cursor;
};

static struct connection *connections[CONNECTIONS_MAX];
static int listen_fd = -1, signal_fd = -1;

static void close_connection(int i) {
    struct connection *c = connections[i];
    close(c->fd);
    free(c->payload);
    free(c->out);
    free(c);
    connections[i] = NULL;
}

/* Closes the connections attached to a command about to be forgotten. */
static void detach_all(struct background *b) {
    for (int i = 0; i < CONNECTIONS_MAX; i++)
        if (connections[i] != NULL && connections[i]->proc == b) close_connection(i);
}

/* Puts one frame into the connection's output; the payload fits OUTPUT_CAP by construction. */
static void queue_frame(struct connection *c, unsigned char type, const void *payload, size_t len) {
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
        if (c->out_len == 0) return 0;
        while (c->out_off < c->out_len) {
            ssize_t n = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && errno == EAGAIN) return 0;
            if (n < 0) return -1;
            c->out_off += (size_t)n;
        }
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
    if (strcmp(op, "exec") == 0) status = exec_foreground(fd, request);
    else if (strcmp(op, "stat") == 0) status = file_stat(fd, request);
    else if (strcmp(op, "list") == 0) status = file_list(fd, request);
    else if (strcmp(op, "read") == 0) status = file_read(fd, request);
    else if (strcmp(op, "write") == 0) status = file_write(fd, request);
    else if (strcmp(op, "mkdir") == 0) status = file_mkdir(fd, request);
    else if (strcmp(op, "move") == 0) status = file_move(fd, request);
    else if (strcmp(op, "delete") == 0) status = file_delete(fd, request);
    else status = watch_serve(fd, request);
    _exit(status);
}

static int child_operation(const char *op, const struct fields *request) {
    static const char *const ops[] = {"stat", "list", "read", "write", "mkdir", "move", "delete", "watch", NULL};
    if (strcmp(op, "exec") == 0) return field_number(request, "background", 0, 1) != 1;
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

/* Serves the request of connection i, whose Q frame has arrived whole. */
static void dispatch(int i) {
    struct connection *c = connections[i];
    struct fields request = {c->payload, c->payload_len};
    c->out = malloc(OUTPUT_CAP);
    if (c->out == NULL) {
        close_connection(i);
        return;
    }
    if (!fields_valid(request.data, request.len) || strncmp(request.data, "op=", 3) != 0) {
        fail(c, "bad_request", "a request starts with op=");
        return;
    }
    const char *op = request.data + 3;
    if (child_operation(op, &request)) {
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
    } else if (strcmp(op, "exec") == 0) {
        start_background(c, &request);
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
        if (n <= 0 && !(n == 0 && c->header_got == FRAME_HEADER && c->payload_len == 0)) return -1;
        if (c->header_got < FRAME_HEADER) {
            c->header_got += (size_t)n;
            if (c->header_got < FRAME_HEADER) continue;
            c->payload_len = (uint32_t)c->header[1] << 24 | (uint32_t)c->header[2] << 16
                             | (uint32_t)c->header[3] << 8 | c->header[4];
            if (c->header[0] != 'Q' || c->payload_len > CLIENT_PAYLOAD_MAX || c->payload_len == 0) {
                c->out = malloc(OUTPUT_CAP);
                if (c->out == NULL) return -1;
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

static void accept_connections(void) {
    for (;;) {
        int slot = -1;
        for (int i = 0; i < CONNECTIONS_MAX && slot < 0; i++)
            if (connections[i] == NULL) slot = i;
        if (slot < 0) return;
        int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;
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

static void reap_children(void) {
    struct signalfd_siginfo info;
    while (read(signal_fd, &info, sizeof info) > 0) {
    }
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) background_reaped(pid, status);
}

static int open_socket(const char *path) {
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof address.sun_path) {
        fprintf(stderr, "corral-guest: socket path too long: %s\n", path);
        return -1;
    }
    strcpy(address.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    /* Only the agent's own uid (and the host's root, which takes the socket over) may connect. */
    mode_t old_mask = umask(0077);
    int bound = bind(fd, (struct sockaddr *)&address, sizeof address);
    if (bound < 0 && errno == EADDRINUSE && unlink(path) == 0)
        bound = bind(fd, (struct sockaddr *)&address, sizeof address);
    umask(old_mask);
    if (bound < 0 || listen(fd, 128) < 0) {
        fprintf(stderr, "corral-guest: cannot listen on %s: %s\n", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

int main(int argc, char **argv) {
    const char *socket_path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) socket_path = argv[++i];
        else if (strcmp(argv[i], "--version") == 0) {
            printf("corral-guest protocol %d\n", PROTOCOL_VERSION);
            return 0;
        } else {
            fprintf(stderr, "usage: corral-guest --socket PATH\n");
            return 2;
        }
    }
    if (socket_path == NULL) {
        fprintf(stderr, "usage: corral-guest --socket PATH\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    signal_fd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
    listen_fd = open_socket(socket_path);
    if (signal_fd < 0 || listen_fd < 0) return 1;
    if (chdir("/") < 0) return 1;
    background_forgetting = detach_all;

    /* Which connection or command each pollfd belongs to. */
    static struct pollfd fds[2 + CONNECTIONS_MAX + 2 * BACKGROUND_MAX];
    static short owner[2 + CONNECTIONS_MAX + 2 * BACKGROUND_MAX];
    for (;;) {
        long long now = monotonic_ms();
        long long next = background_timeouts(now);
        int n = 0, free_slots = 0;
        fds[n] = (struct pollfd){signal_fd, POLLIN, 0};
        owner[n++] = -1;
        for (int i = 0; i < CONNECTIONS_MAX; i++) {
            struct connection *c = connections[i];
            if (c == NULL) {
                free_slots++;
                continue;
            }
            if (c->state == READING && now >= c->deadline_ms) {
                close_connection(i);
                free_slots++;
                continue;
            }
            if (c->state == READING && (next == 0 || c->deadline_ms < next)) next = c->deadline_ms;
            if (c->state != READING) next_frame(c);
            short events = c->state == READING || c->state == ATTACHED ? POLLIN : 0;
            if (c->out_len > 0) events |= POLLOUT;
            fds[n] = (struct pollfd){c->fd, events, 0};
            owner[n++] = (short)i;
        }
        for (int i = 0; i < BACKGROUND_MAX; i++) {
            struct background *b = backgrounds[i];
            if (b == NULL) continue;
            if (background_expired(i, now)) {
                background_forget(i);
                continue;
            }
            if (b->out_fd >= 0) {
                fds[n] = (struct pollfd){b->out_fd, POLLIN, 0};
                owner[n++] = (short)(CONNECTIONS_MAX + i);
            }
            if (b->err_fd >= 0) {
                fds[n] = (struct pollfd){b->err_fd, POLLIN, 0};
                owner[n++] = (short)(CONNECTIONS_MAX + i);
            }
        }
        int listen_index = -1;
        if (free_slots > 0) {
            listen_index = n;
            fds[n] = (struct pollfd){listen_fd, POLLIN, 0};
            owner[n++] = -1;
        }
        int timeout = 60000; /* also when ended commands are looked at for forgetting */
        if (next > 0) timeout = next - now < 0 ? 0 : next - now < timeout ? (int)(next - now) : timeout;
        if (poll(fds, (nfds_t)n, timeout) < 0) {
            if (errno == EINTR) continue;
            perror("corral-guest: poll");
            return 1;
        }
        for (int k = 0; k < n; k++) {
            short revents = fds[k].revents;
            if (revents == 0 || owner[k] < 0) continue;
            if (owner[k] >= CONNECTIONS_MAX) {
                struct background *b = backgrounds[owner[k] - CONNECTIONS_MAX];
                if (b != NULL) background_read(b, fds[k].fd);
                continue;
            }
            int i = owner[k];
            struct connection *c = connections[i];
            if (c == NULL || c->fd != fds[k].fd) continue; /* closed earlier in this round */
            int drop = 0;
            if (c->state == READING && (revents & (POLLIN | POLLHUP | POLLERR))) drop = read_request(i) < 0;
            else if (c->state == ATTACHED && (revents & POLLIN)) {
                /* Nothing is expected from an attached client: its input is read and dropped, its end detaches. */
                char sink[256];
                ssize_t got = read(c->fd, sink, sizeof sink);
                if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) drop = 1;
            } else if (revents & (POLLHUP | POLLERR)) {
                drop = 1;
            }
            if (!drop && connections[i] != NULL && connections[i]->state != READING
                && (revents & POLLOUT || connections[i]->out_len > 0))
                drop = write_out(connections[i]) < 0;
            if (drop && connections[i] != NULL) close_connection(i);
        }
        if (fds[0].revents & POLLIN) reap_children();
        if (listen_index >= 0 && (fds[listen_index].revents & POLLIN)) accept_connections();
    }
}
