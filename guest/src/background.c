/* Background commands (see background.h). A command's pipes are always read, whoever is attached: output goes
 * into its ring, so a command never blocks on a client, and what no one read is simply overwritten. */
#include "background.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Bounds what is read from a command's pipes after it exited: a grandchild may hold them and keep writing. */
#define DRAIN_AFTER_EXIT (256u << 10)

struct background *backgrounds[BACKGROUND_MAX];
static unsigned long long started_count;

long long monotonic_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long wall_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A free slot, making one by forgetting the command that ended first if need be; -1 when all are running. */
static int free_slot(void) {
    int oldest = -1;
    for (int i = 0; i < BACKGROUND_MAX; i++) {
        if (backgrounds[i] == NULL) return i;
        if (!backgrounds[i]->running
            && (oldest < 0 || backgrounds[i]->ended_ms < backgrounds[oldest]->ended_ms)) oldest = i;
    }
    return oldest;
}

static void command_text(const struct exec_request *req, char *out, size_t out_len) {
    size_t used = 0;
    out[0] = '\0';
    for (char **arg = req->argv; *arg != NULL && used + 1 < out_len; arg++) {
        int n = snprintf(out + used, out_len - used, "%s%s", arg == req->argv ? "" : " ", *arg);
        if (n < 0) break;
        used += (size_t)n;
    }
}

struct background *background_start(const struct exec_request *req, int *err, char *what, size_t what_len) {
    int slot = free_slot();
    if (slot < 0) {
        *err = EAGAIN;
        snprintf(what, what_len, "%d background commands are running", BACKGROUND_MAX);
        return NULL;
    }
    struct background *b = calloc(1, sizeof *b);
    if (b == NULL || ring_init(&b->ring) < 0) {
        free(b);
        *err = ENOMEM;
        snprintf(what, what_len, "background command");
        return NULL;
    }
    struct spawned cmd;
    if (spawn_command(req, &cmd, err, what, what_len) < 0) {
        ring_free(&b->ring);
        free(b);
        return NULL;
    }
    if (backgrounds[slot] != NULL) background_forget(slot);
    /* The agent's start time in the id keeps ids of a restarted agent apart from those of the one before. */
    static long long agent_started;
    if (agent_started == 0) agent_started = wall_ms();
    snprintf(b->id, sizeof b->id, "%llx-%llu", agent_started, ++started_count);
    b->pid = cmd.pid;
    b->out_fd = cmd.out_fd;
    b->err_fd = cmd.err_fd;
    command_text(req, b->command, sizeof b->command);
    b->started_ms = wall_ms();
    b->deadline_ms = req->timeout_ms > 0 ? monotonic_ms() + req->timeout_ms : 0;
    b->running = 1;
    backgrounds[slot] = b;
    return b;
}

struct background *background_find(const char *id) {
    for (int i = 0; i < BACKGROUND_MAX; i++)
        if (backgrounds[i] != NULL && strcmp(backgrounds[i]->id, id) == 0) return backgrounds[i];
    return NULL;
}

/* Reads one chunk of *fd into the ring. Returns the bytes read, 0 at the end (fd closed) or when empty. */
static ssize_t read_chunk(struct background *b, int *fd) {
    unsigned char chunk[RING_RECORD_MAX];
    ssize_t n;
    do n = read(*fd, chunk, sizeof chunk);
    while (n < 0 && errno == EINTR);
    if (n < 0 && errno == EAGAIN) return 0;
    if (n <= 0) { /* end, or EIO from a pty master whose terminal closed */
        close(*fd);
        *fd = -1;
        return 0;
    }
    ring_append(&b->ring, fd == &b->out_fd ? 'o' : 'e', chunk, (size_t)n);
    return n;
}

void background_read(struct background *b, int fd) {
    if (fd == b->out_fd) read_chunk(b, &b->out_fd);
    else if (fd == b->err_fd) read_chunk(b, &b->err_fd);
}

static void drain_and_close(struct background *b, int *fd) {
    size_t drained = 0;
    ssize_t n;
    while (*fd >= 0 && drained < DRAIN_AFTER_EXIT && (n = read_chunk(b, fd)) > 0) drained += (size_t)n;
    if (*fd >= 0) close(*fd);
    *fd = -1;
}

void background_reaped(pid_t pid, int status) {
    for (int i = 0; i < BACKGROUND_MAX; i++) {
        struct background *b = backgrounds[i];
        if (b == NULL || !b->running || b->pid != pid) continue;
        drain_and_close(b, &b->out_fd);
        drain_and_close(b, &b->err_fd);
        exit_fields(status, &b->code, &b->signal);
        b->running = 0;
        b->ended_ms = monotonic_ms();
        return;
    }
}

long long background_timeouts(long long now) {
    long long next = 0;
    for (int i = 0; i < BACKGROUND_MAX; i++) {
        struct background *b = backgrounds[i];
        if (b == NULL || !b->running || b->deadline_ms == 0 || b->timed_out) continue;
        if (now >= b->deadline_ms) {
            b->timed_out = 1;
            kill(-b->pid, SIGKILL);
        } else if (next == 0 || b->deadline_ms < next) {
            next = b->deadline_ms;
        }
    }
    return next;
}

int background_expired(int i, long long now) {
    struct background *b = backgrounds[i];
    return b != NULL && !b->running && now - b->ended_ms >= BACKGROUND_KEEP_MS;
}

void (*background_forgetting)(struct background *b);

void background_forget(int i) {
    struct background *b = backgrounds[i];
    if (background_forgetting != NULL) background_forgetting(b);
    if (b->out_fd >= 0) close(b->out_fd);
    if (b->err_fd >= 0) close(b->err_fd);
    ring_free(&b->ring);
    free(b);
    backgrounds[i] = NULL;
}
