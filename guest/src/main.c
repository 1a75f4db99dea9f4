/* corral-guest: the agent that runs inside a sandbox and serves the guest protocol (docs/GUEST-PROTOCOL.md) on
 * a unix socket.
 *
 * Design: one single-threaded poll() loop in the agent accepts connections and reads each one's `Q` frame
 * without blocking. What needs the agent's own state is served right there, without blocking either: `hello`,
 * background commands (`exec background=1`, `processes`, `attach`, `signal`), whose table must outlive any
 * connection. So is a foreground `exec` (exec.c), the most frequent operation: in the VMs sandboxes run in, a fork
 * and the copy-on-write faults that follow it cost about a millisecond, more than all the rest of an exec. Every
 * other operation (the file operations, watch) gets a child process of its own, forked with the request already
 * parsed: there it can block on its socket and its file without stalling anyone, back-pressure is simply a
 * blocking write, a crash takes one operation down and not the agent, and its memory is returned whole when it
 * ends.
 *
 * Reaping: SIGCHLD arrives on a signalfd in the loop; waitpid(-1) collects connection children (nothing to
 * record), foreground commands (their session sends `x`) and background commands (their status goes into the
 * table). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "background.h"
#include "connection.h"

/* Unlike connections, the listening socket and the signalfd live as long as the agent. */
static int listen_fd = -1, signal_fd = -1;

static void reap_children(void) {
    struct signalfd_siginfo info;
    while (read(signal_fd, &info, sizeof info) > 0) {
    }
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
        if (!exec_reaped(pid, status)) background_reaped(pid, status);
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

/* Makes sure fds 0-2 are open (`runc exec -d` may start the agent without them, and a socket that landed on fd 2
 * would receive whatever is written to stderr) and that no other inherited fd leaks into the commands it runs. */
static void tidy_inherited_fds(void) {
    if (syscall(SYS_close_range, 3u, ~0u, 0u) < 0)
        for (int other = 3; other < 1024; other++) close(other);
    int fd;
    do fd = open("/dev/null", O_RDWR);
    while (fd >= 0 && fd <= 2);
    if (fd > 2) close(fd);
}

int main(int argc, char **argv) {
    const char *socket_path = NULL;
    int detach = 0, niceness = 0;
    char **then = NULL;
    tidy_inherited_fds();
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) socket_path = argv[++i];
        else if (strcmp(argv[i], "--detach") == 0) detach = 1;
        else if (strcmp(argv[i], "--nice") == 0 && i + 1 < argc) niceness = atoi(argv[++i]);
        else if (strcmp(argv[i], "--then") == 0 && i + 1 < argc) {
            then = argv + i + 1;
            break;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("corral-guest protocol %d\n", PROTOCOL_VERSION);
            return 0;
        } else {
            fprintf(stderr, "usage: corral-guest --socket PATH [--detach] [--nice N] [--then COMMAND...]\n");
            return 2;
        }
    }
    if (socket_path == NULL) {
        fprintf(stderr, "usage: corral-guest --socket PATH [--detach] [--nice N] [--then COMMAND...]\n");
        return 2;
    }
    /* Started as the sandbox's main command under tini: the agent goes off as an orphan for tini to adopt (a
     * child that detaches it, below, and exits at once), and this process becomes COMMAND, the sandbox's own. So
     * the first agent needs no `runc exec` at all, and its death leaves the sandbox running. */
    if (then != NULL) {
        pid_t middle = fork();
        if (middle < 0) return 1;
        if (middle > 0) {
            waitpid(middle, NULL, 0);
            execvp(then[0], then);
            perror(then[0]);
            return 127;
        }
        detach = 1;
    }
    /* Started by `runc exec`, the agent's parent is a host process; when that exits, the agent is left to the host's
     * init, which must reap it before the sandbox's pid namespace can end (a slow reaper there held every sandbox
     * deletion for a second). Forked away from its starter, the agent is the sandbox's own orphan instead, and the
     * sandbox's init (tini) reaps it. */
    if (detach) {
        pid_t child = fork();
        if (child < 0) return 1;
        if (child > 0) _exit(0);
        setsid();
    }
    /* Below the server: every command the agent starts inherits it, so a burst of them leaves the host's CPU to
     * the server's requests (runc exec's commands run niced the same). */
    if (niceness > 0 && setpriority(PRIO_PROCESS, 0, niceness) < 0) return 1;
    signal(SIGPIPE, SIG_IGN);
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    signal_fd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
    listen_fd = open_socket(socket_path);
    if (signal_fd < 0 || listen_fd < 0) return 1;
    if (chdir("/") < 0) return 1;
    background_forgetting = connections_detach;

    /* Which background command each pollfd belongs to (-1: none), and where each connection's pollfds start. */
    static struct pollfd fds[2 + CONNECTION_POLLFDS * CONNECTIONS_MAX + 2 * BACKGROUND_MAX];
    static short owner[2 + CONNECTION_POLLFDS * CONNECTIONS_MAX + 2 * BACKGROUND_MAX];
    static int first[CONNECTIONS_MAX];
    for (;;) {
        long long now = monotonic_ms();
        long long next = background_timeouts(now);
        int n = 0, free_slots = 0;
        fds[n] = (struct pollfd){signal_fd, POLLIN, 0};
        owner[n++] = -1;
        for (int i = 0; i < CONNECTIONS_MAX; i++) {
            int m = connection_pollfds(i, fds + n, now, &next);
            first[i] = m == 0 ? -1 : n;
            if (m == 0) free_slots++;
            for (; m > 0; m--) owner[n++] = -1;
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
        long long paused_until = connections_accept_paused_until();
        if (paused_until > now && (next == 0 || paused_until < next)) next = paused_until;
        if (free_slots > 0 && paused_until <= now) {
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
        for (int i = 0; i < CONNECTIONS_MAX; i++)
            if (first[i] >= 0 && connection_fd(i) == fds[first[i]].fd) /* not closed earlier in this round */
                connection_ready(i, fds + first[i]);
        for (int k = 0; k < n; k++) {
            if (fds[k].revents == 0 || owner[k] < 0) continue;
            struct background *b = backgrounds[owner[k] - CONNECTIONS_MAX];
            if (b != NULL) background_read(b, fds[k].fd);
        }
        if (fds[0].revents & POLLIN) reap_children();
        if (listen_index >= 0 && (fds[listen_index].revents & POLLIN)) connections_accept(listen_fd);
    }
}
