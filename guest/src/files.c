/* The file operations of the protocol (see files.h). Failures are answered with the errno name of what the
 * kernel refused. An upload is written to a temporary file beside its target and renamed over it only after
 * `D`: a connection that ends before `D` removes the temporary file, so a cut-off upload never replaces a file. */
#include "files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "spawn.h"

#define LIST_DEPTH_MAX 64
#define LIST_MAX 1000000
#define IO_CHUNK (64u << 10)
#define CAPTURED_READ_CHUNK (16u << 10)

/* The transfer buffer: a child only ever runs one operation; in the agent itself only a read answered there
 * (FRAME_CAPTURE) touches it, its first CAPTURED_READ_CHUNK bytes at most. */
static char io_buffer[IO_CHUNK];

static const char *type_name(mode_t mode) {
    if (S_ISREG(mode)) return "file";
    if (S_ISDIR(mode)) return "dir";
    if (S_ISLNK(mode)) return "symlink";
    return "other";
}

static void add_entry(struct fieldbuf *b, const char *path, const struct stat *st) {
    fb_add(b, "path", path);
    fb_add(b, "type", type_name(st->st_mode));
    fb_addf(b, "size", "%lld", (long long)st->st_size);
    fb_addf(b, "mode", "%04o", (unsigned)(st->st_mode & 07777));
    fb_addf(b, "mtime_ms", "%lld", (long long)st->st_mtim.tv_sec * 1000 + st->st_mtim.tv_nsec / 1000000);
    if (S_ISLNK(st->st_mode)) {
        char target[PATH_MAX];
        ssize_t n = readlink(path, target, sizeof target - 1);
        if (n >= 0) {
            target[n] = '\0';
            fb_add(b, "target", target);
        }
    }
}

/* Sends the entry of path (not following a symlink) in a frame of the given type. */
static int send_entry(int conn, unsigned char type, const char *path) {
    struct stat st;
    if (lstat(path, &st) < 0) return send_errno(conn, errno, path);
    struct fieldbuf b;
    fb_init(&b);
    add_entry(&b, path, &st);
    return send_fields(conn, type, &b);
}

static const char *required_path(int conn, const struct fields *request, const char *key) {
    const char *path = field_get(request, key);
    if (path == NULL || path[0] == '\0') {
        char message[64];
        snprintf(message, sizeof message, "%s= is required", key);
        send_failure(conn, "bad_request", message);
        return NULL;
    }
    return path;
}

/* The directory part of path, into out: "." for a bare name, "/" for a name at the root. */
static void parent_of(const char *path, char *out, size_t out_len) {
    const char *slash = strrchr(path, '/');
    if (slash == NULL) snprintf(out, out_len, ".");
    else if (slash == path) snprintf(out, out_len, "/");
    else snprintf(out, out_len, "%.*s", (int)(slash - path), path);
}

int file_stat(int conn, const struct fields *request) {
    const char *path = required_path(conn, request, "path");
    if (path != NULL) send_entry(conn, 'r', path);
    return 0;
}

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

struct listing {
    int conn;
    long long depth, max, count;
    int truncated, failed;
};

/* Lists dir, its entries sorted by name and each directory's entries right after it, down to the depth left. */
static void list_below(struct listing *l, const char *dir, long long depth_left) {
    DIR *d = opendir(dir);
    if (d == NULL) return; /* an unreadable subdirectory is listed, not entered */
    size_t count = 0, cap = 0;
    char **names = NULL;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 32;
            char **grown = realloc(names, cap * sizeof *names);
            if (grown == NULL) break;
            names = grown;
        }
        if ((names[count] = strdup(e->d_name)) == NULL) break;
        count++;
    }
    closedir(d);
    qsort(names, count, sizeof *names, by_name);
    size_t dir_len = strlen(dir);
    int slash = dir_len > 0 && dir[dir_len - 1] == '/';
    for (size_t i = 0; i < count && !l->truncated && !l->failed; i++) {
        char path[PATH_MAX];
        if (snprintf(path, sizeof path, "%s%s%s", dir, slash ? "" : "/", names[i]) >= (int)sizeof path) continue;
        if (l->count == l->max) {
            l->truncated = 1;
            break;
        }
        struct stat st;
        if (lstat(path, &st) < 0) continue; /* gone while listing */
        struct fieldbuf b;
        fb_init(&b);
        add_entry(&b, path, &st);
        if (send_fields(l->conn, 'n', &b) < 0) {
            l->failed = 1;
            break;
        }
        l->count++;
        if (S_ISDIR(st.st_mode) && depth_left > 1) list_below(l, path, depth_left - 1);
    }
    for (size_t i = 0; i < count; i++) free(names[i]);
    free(names);
}

int file_list(int conn, const struct fields *request) {
    const char *path = required_path(conn, request, "path");
    if (path == NULL) return 0;
    struct listing l = {conn, field_number(request, "depth", 1, LIST_DEPTH_MAX),
                        field_number(request, "max", 10000, LIST_MAX), 0, 0, 0};
    if (l.depth < 1 || l.max < 0) return send_failure(conn, "bad_request", "depth= or max= out of range"), 0;
    struct stat st;
    if (stat(path, &st) < 0) return send_errno(conn, errno, path), 0; /* a symlink is followed at the top */
    if (!S_ISDIR(st.st_mode)) return send_errno(conn, ENOTDIR, path), 0;
    list_below(&l, path, l.depth);
    if (l.failed) return 0;
    struct fieldbuf b;
    fb_init(&b);
    fb_addf(&b, "truncated", "%d", l.truncated);
    send_fields(conn, 'r', &b);
    return 0;
}

/* Sends the entry and the bytes of the opened file fd; returns 0, or -1 once the client is gone. */
static int send_content(int conn, int fd, const char *path, long long offset, long long length) {
    struct stat st;
    if (fstat(fd, &st) < 0) return send_errno(conn, errno, path);
    if (S_ISDIR(st.st_mode)) return send_errno(conn, EISDIR, path);
    if (!S_ISREG(st.st_mode)) return send_errno(conn, EINVAL, path);
    /* The agent's own loop answers reads of at most CAPTURED_READ_CHUNK: a longer one is left to a child before
     * anything is read (an empty capture says so), rather than read in part here and again there. */
    long long wanted = st.st_size - offset;
    if (length != -2 && length < wanted) wanted = length;
    if (conn == FRAME_CAPTURE && wanted > (long long)CAPTURED_READ_CHUNK) return 0;
    struct fieldbuf b;
    fb_init(&b);
    add_entry(&b, path, &st);
    if (send_fields(conn, 'n', &b) < 0) return -1;
    long long left = length == -2 ? LLONG_MAX : length;
    /* In the agent itself, reads are small: the capture holds 20 KiB, and the agent's pages of io_buffer stay. */
    size_t most = conn == FRAME_CAPTURE ? CAPTURED_READ_CHUNK : IO_CHUNK;
    while (left > 0) {
        size_t chunk = left < (long long)most ? (size_t)left : most;
        ssize_t n = pread(fd, io_buffer, chunk, offset);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return send_errno(conn, errno, path);
        if (n == 0) break;
        if (send_frame(conn, 'd', io_buffer, (size_t)n) < 0) return -1;
        offset += n;
        left -= n;
    }
    fb_init(&b);
    return send_fields(conn, 'r', &b);
}

int file_read(int conn, const struct fields *request) {
    const char *path = required_path(conn, request, "path");
    if (path == NULL) return 0;
    long long offset = field_number(request, "offset", 0, LLONG_MAX - 1);
    long long length = field_number(request, "length", -2, LLONG_MAX - 1);
    if (offset < 0 || length == -1) return send_failure(conn, "bad_request", "offset= or length= malformed"), 0;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below anyway. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return send_errno(conn, errno, path), 0;
    send_content(conn, fd, path, offset, length);
    close(fd); /* also when answered in the agent's own loop, which lives on */
    return 0;
}

/* The upload in flight: its directory, held open so that the temporary file is created, renamed and removed in
 * that one directory even if its path is swapped for a symlink meanwhile, and the temporary file's name in it. */
static int upload_dir = -1;
static char upload_temp[32];

static int abandon_upload(int conn, int err, const char *what, const char *code) {
    unlinkat(upload_dir, upload_temp, 0);
    close(upload_dir);
    if (code != NULL) send_failure(conn, code, what);
    else if (err != 0) send_errno(conn, err, what);
    return 0;
}

/* Creates a new temporary file in upload_dir, named in upload_temp; like mkostemp, which has no *at form. */
static int create_upload_temp(void) {
    static unsigned long long counter;
    for (int attempt = 0; attempt < 100; attempt++) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        unsigned long long n = ((unsigned long long)now.tv_nsec ^ ((unsigned long long)getpid() << 20)) + counter++;
        snprintf(upload_temp, sizeof upload_temp, ".corral-upload-%06llx", n & 0xffffffull);
        int fd = openat(upload_dir, upload_temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0 || errno != EEXIST) return fd;
    }
    errno = EEXIST;
    return -1;
}

static int parse_mode(const char *text, mode_t *mode) {
    if (text == NULL || *text == '\0') return -1;
    unsigned long m = 0;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '7') return -1;
        m = m * 8 + (unsigned long)(*p - '0');
        if (m > 07777) return -1;
    }
    *mode = (mode_t)m;
    return 0;
}

int file_write(int conn, const struct fields *request) {
    const char *path = required_path(conn, request, "path");
    if (path == NULL) return 0;
    mode_t mode = 0644;
    const char *mode_text = field_get(request, "mode");
    if (mode_text != NULL && parse_mode(mode_text, &mode) < 0)
        return send_failure(conn, "bad_request", "mode= must be octal permission bits"), 0;
    long long parents = field_number(request, "parents", 0, 1);
    if (parents < 0) return send_failure(conn, "bad_request", "parents= must be 0 or 1"), 0;
    char dir[PATH_MAX];
    parent_of(path, dir, sizeof dir);
    const char *slash = strrchr(path, '/');
    const char *name = slash == NULL ? path : slash + 1;
    if (*name == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) return send_errno(conn, EISDIR, path), 0;
    if (parents && make_directories(dir) < 0) return send_errno(conn, errno, dir), 0;
    upload_dir = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (upload_dir < 0) return send_errno(conn, errno, dir), 0;
    struct stat st;
    int replaces_file = 0;
    if (fstatat(upload_dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISDIR(st.st_mode)) return close(upload_dir), send_errno(conn, EISDIR, path), 0;
        replaces_file = S_ISREG(st.st_mode);
        if (replaces_file && mode_text == NULL) mode = st.st_mode & 07777;
    }
    int fd = create_upload_temp();
    if (fd < 0) return close(upload_dir), send_errno(conn, errno, dir), 0;
    for (;;) {
        unsigned char type;
        uint32_t len;
        int got = recv_header(conn, &type, &len);
        if (got == 0 || got == -1) return abandon_upload(conn, 0, NULL, NULL); /* the client went away */
        if (got == -2) return abandon_upload(conn, 0, "bad frame", "bad_request");
        if (type == 'D') {
            if (skip_payload(conn, len) < 0) return abandon_upload(conn, 0, NULL, NULL);
            break;
        }
        if (type != 'd') return abandon_upload(conn, 0, "only d and D frames belong to a write", "bad_request");
        while (len > 0) {
            size_t chunk = len < IO_CHUNK ? len : IO_CHUNK;
            if (read_full(conn, io_buffer, chunk) < 0) return abandon_upload(conn, 0, NULL, NULL);
            if (write_full(fd, io_buffer, chunk) < 0) return abandon_upload(conn, errno, path, NULL);
            len -= (uint32_t)chunk;
        }
    }
    /* The replaced file keeps its owner, as it would had it been written in place; a refusal is no failure. */
    if (replaces_file && fchown(fd, st.st_uid, st.st_gid) < 0 && errno != EPERM)
        return abandon_upload(conn, errno, path, NULL);
    if (fsync(fd) < 0 || fchmod(fd, mode) < 0) return abandon_upload(conn, errno, path, NULL);
    close(fd);
    if (renameat(upload_dir, upload_temp, upload_dir, name) < 0) return abandon_upload(conn, errno, path, NULL);
    fsync(upload_dir); /* the rename itself survives a crash only once the directory is on disk */
    int found = fstatat(upload_dir, name, &st, AT_SYMLINK_NOFOLLOW);
    int err = errno;
    close(upload_dir);
    if (found < 0) return send_errno(conn, err, path), 0;
    struct fieldbuf b;
    fb_init(&b);
    add_entry(&b, path, &st);
    send_fields(conn, 'r', &b);
    return 0;
}

int file_mkdir(int conn, const struct fields *request) {
    const char *path = required_path(conn, request, "path");
    if (path == NULL) return 0;
    if (make_directories(path) < 0) return send_errno(conn, errno, path), 0;
    send_entry(conn, 'r', path);
    return 0;
}

int file_move(int conn, const struct fields *request) {
    const char *from = required_path(conn, request, "from");
    if (from == NULL) return 0;
    const char *to = required_path(conn, request, "to");
    if (to == NULL) return 0;
    char dir[PATH_MAX];
    parent_of(to, dir, sizeof dir);
    struct stat st;
    if (lstat(from, &st) < 0) return send_errno(conn, errno, from), 0;
    if (make_directories(dir) < 0) return send_errno(conn, errno, dir), 0;
    if (rename(from, to) < 0) return send_errno(conn, errno, to), 0;
    send_entry(conn, 'r', to);
    return 0;
}

/* Removes name below dir_fd and everything under it, staying on device dev. Returns 0 or -1 with errno. */
static int remove_tree(int dir_fd, const char *name, dev_t dev) {
    struct stat st;
    if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) return -1;
    if (!S_ISDIR(st.st_mode)) return unlinkat(dir_fd, name, 0);
    if (st.st_dev != dev) {
        errno = EXDEV; /* a mount point: what is mounted there is not ours to delete */
        return -1;
    }
    int fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return -1;
    DIR *d = fdopendir(fd);
    if (d == NULL) {
        close(fd);
        return -1;
    }
    struct dirent *e;
    int result = 0;
    while (result == 0 && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        result = remove_tree(fd, e->d_name, dev);
    }
    int saved = errno;
    closedir(d);
    if (result < 0) {
        errno = saved;
        return -1;
    }
    return unlinkat(dir_fd, name, AT_REMOVEDIR);
}

int file_delete(int conn, const struct fields *request) {
    const char *path = required_path(conn, request, "path");
    if (path == NULL) return 0;
    long long recursive = field_number(request, "recursive", 0, 1);
    if (recursive < 0) return send_failure(conn, "bad_request", "recursive= must be 0 or 1"), 0;
    struct stat st;
    if (lstat(path, &st) < 0) return send_errno(conn, errno, path), 0;
    int result;
    if (!S_ISDIR(st.st_mode)) result = unlink(path);
    else if (!recursive) result = rmdir(path);
    else result = remove_tree(AT_FDCWD, path, st.st_dev);
    if (result < 0) return send_errno(conn, errno, path), 0;
    struct fieldbuf b;
    fb_init(&b);
    send_fields(conn, 'r', &b);
    return 0;
}
