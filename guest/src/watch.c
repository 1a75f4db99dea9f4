/* `watch` (see watch.h): inotify on a directory and, when recursive, on every directory below it, including the
 * ones that appear later. A directory created (or moved in) is watched as soon as its event arrives; what was
 * made inside it before its watch existed is reported as created while it is scanned, so `mkdir -p a/b && touch
 * a/b/f` is seen whole. Runs in the connection's child: a blocking poll() over the socket and the inotify fd. */
#include "watch.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#define WATCH_EVENTS (IN_CREATE | IN_MODIFY | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF)
/* Directories watched at most by one watch (the kernel's per-user limit usually bites first). */
#define WATCHED_MAX 65536

struct watched {
    int wd;
    char *path;
};

struct watch {
    int conn, inotify, recursive;
    int root_wd;
    struct watched *dirs;
    size_t count, cap;
};

static int send_event(struct watch *w, const char *type, const char *path, int dir) {
    struct fieldbuf b;
    fb_init(&b);
    fb_add(&b, "type", type);
    fb_add(&b, "path", path);
    fb_addf(&b, "dir", "%d", dir);
    if (send_fields(w->conn, 'w', &b) < 0) _exit(0); /* the client closed: the watch ends */
    return 0;
}

static const char *path_of(struct watch *w, int wd) {
    for (size_t i = 0; i < w->count; i++)
        if (w->dirs[i].wd == wd) return w->dirs[i].path;
    return NULL;
}

static void forget(struct watch *w, int wd) {
    for (size_t i = 0; i < w->count; i++) {
        if (w->dirs[i].wd != wd) continue;
        free(w->dirs[i].path);
        w->dirs[i] = w->dirs[--w->count];
        return;
    }
}

/* Watches dir and, when recursive, the directories below it; report: send `create` for what is found. */
static int add_tree(struct watch *w, const char *dir, int report) {
    int wd = inotify_add_watch(w->inotify, dir, WATCH_EVENTS | IN_ONLYDIR | IN_DONT_FOLLOW);
    if (wd < 0) return -1;
    if (path_of(w, wd) == NULL) {
        if (w->count == w->cap) {
            size_t cap = w->cap ? w->cap * 2 : 16;
            struct watched *grown = cap > WATCHED_MAX ? NULL : realloc(w->dirs, cap * sizeof *grown);
            if (grown == NULL) {
                errno = ENOSPC;
                return -1;
            }
            w->dirs = grown;
            w->cap = cap;
        }
        w->dirs[w->count].wd = wd;
        w->dirs[w->count].path = strdup(dir);
        if (w->dirs[w->count].path == NULL) return -1;
        w->count++;
    }
    if (!w->recursive && !report) return wd;
    DIR *d = opendir(dir);
    if (d == NULL) return wd;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char path[PATH_MAX];
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path) continue;
        struct stat st;
        if (lstat(path, &st) < 0) continue;
        int is_dir = S_ISDIR(st.st_mode);
        if (report) send_event(w, "create", path, is_dir);
        if (is_dir && w->recursive) add_tree(w, path, report);
    }
    closedir(d);
    return wd;
}

static void handle(struct watch *w, const struct inotify_event *e) {
    if (e->mask & IN_Q_OVERFLOW) {
        send_event(w, "overflow", w->dirs[0].path, 1);
        return;
    }
    const char *dir = path_of(w, e->wd);
    if (dir == NULL) return;
    if (e->mask & (IN_DELETE_SELF | IN_IGNORED)) {
        if (e->wd == w->root_wd) {
            send_failure(w->conn, "ENOENT", "the watched directory was removed");
            _exit(0);
        }
        forget(w, e->wd);
        return;
    }
    char path[PATH_MAX];
    if (e->len == 0 || snprintf(path, sizeof path, "%s/%s", dir, e->name) >= (int)sizeof path) return;
    int is_dir = (e->mask & IN_ISDIR) != 0;
    if (e->mask & (IN_CREATE | IN_MOVED_TO)) {
        send_event(w, "create", path, is_dir);
        if (is_dir && w->recursive) add_tree(w, path, 1);
    } else if (e->mask & IN_MODIFY) {
        send_event(w, "modify", path, is_dir);
    } else if (e->mask & IN_DELETE) {
        send_event(w, "delete", path, is_dir);
    } else if (e->mask & IN_MOVED_FROM) {
        send_event(w, "move", path, is_dir);
    }
}

int watch_serve(int conn, const struct fields *request) {
    const char *path = field_get(request, "path");
    long long recursive = field_number(request, "recursive", 0, 1);
    if (path == NULL || path[0] == '\0' || recursive < 0)
        return send_failure(conn, "bad_request", "watch needs path= and recursive=0|1"), 0;
    struct stat st;
    if (stat(path, &st) < 0) return send_errno(conn, errno, path), 0;
    if (!S_ISDIR(st.st_mode)) return send_errno(conn, ENOTDIR, path), 0;
    struct watch w = {conn, inotify_init1(IN_NONBLOCK | IN_CLOEXEC), (int)recursive, -1, NULL, 0, 0};
    if (w.inotify < 0) return send_errno(conn, errno, "inotify"), 0;
    /* Strip trailing slashes so that event paths join cleanly, but keep "/" itself. */
    char root[PATH_MAX];
    snprintf(root, sizeof root, "%s", path);
    for (size_t len = strlen(root); len > 1 && root[len - 1] == '/'; len--) root[len - 1] = '\0';
    w.root_wd = add_tree(&w, root, 0);
    if (w.root_wd < 0) return send_errno(conn, errno, path), 0;
    /* The watches are in place: from here on, every change is reported. */
    struct fieldbuf b;
    fb_init(&b);
    if (send_fields(conn, 's', &b) < 0) return 0;
    char events[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
    for (;;) {
        struct pollfd p[2] = {{conn, POLLIN, 0}, {w.inotify, POLLIN, 0}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return 1;
        }
        if (p[0].revents) {
            char sink[256];
            ssize_t n = read(conn, sink, sizeof sink);
            if (n <= 0 && !(n < 0 && errno == EINTR)) return 0; /* the client closed: the watch ends */
        }
        if (p[1].revents & POLLIN) {
            ssize_t n = read(w.inotify, events, sizeof events);
            for (ssize_t at = 0; n > 0 && at < n;) {
                const struct inotify_event *e = (const struct inotify_event *)(events + at);
                handle(&w, e);
                at += (ssize_t)(sizeof *e + e->len);
            }
        }
    }
}
