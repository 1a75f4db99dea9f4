/* Framing and fields: parsing what the client sends, building what the agent answers, and the blocking frame
 * I/O that every per-connection child uses. See frame.h. */
#include "frame.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

int fields_valid(const char *data, size_t len) {
    size_t start = 0;
    if (len > 0 && data[len - 1] != '\0') return 0;
    while (start < len) {
        size_t field_len = strlen(data + start);
        if (memchr(data + start, '=', field_len) == NULL || field_len == 0) return 0;
        start += field_len + 1;
    }
    return 1;
}

const char *field_next(const struct fields *f, const char *key, const char *prev) {
    size_t key_len = strlen(key);
    size_t start = 0;
    if (prev != NULL) start = (size_t)(prev - f->data) + strlen(prev) + 1;
    while (start < f->len) {
        const char *field = f->data + start;
        size_t field_len = strlen(field);
        if (field_len > key_len && field[key_len] == '=' && memcmp(field, key, key_len) == 0)
            return field + key_len + 1;
        start += field_len + 1;
    }
    return NULL;
}

const char *field_get(const struct fields *f, const char *key) { return field_next(f, key, NULL); }

long long field_number(const struct fields *f, const char *key, long long def, long long max) {
    const char *value = field_get(f, key);
    if (value == NULL) return def;
    if (*value == '\0') return -1;
    long long n = 0;
    for (const char *p = value; *p; p++) {
        if (*p < '0' || *p > '9') return -1;
        n = n * 10 + (*p - '0');
        if (n > max) return -1;
    }
    return n;
}

void fb_init(struct fieldbuf *b) {
    b->len = 0;
    b->overflow = 0;
}

void fb_add(struct fieldbuf *b, const char *key, const char *value) {
    size_t key_len = strlen(key), value_len = strlen(value);
    size_t need = key_len + 1 + value_len + 1;
    if (b->overflow || b->len + need > sizeof b->data) {
        b->overflow = 1;
        return;
    }
    memcpy(b->data + b->len, key, key_len);
    b->data[b->len + key_len] = '=';
    memcpy(b->data + b->len + key_len + 1, value, value_len + 1);
    b->len += need;
}

void fb_addf(struct fieldbuf *b, const char *key, const char *format, ...) {
    char value[64];
    va_list ap;
    va_start(ap, format);
    vsnprintf(value, sizeof value, format, ap);
    va_end(ap);
    fb_add(b, key, value);
}

int client_frame_type(unsigned char type) {
    return type != '\0' && strchr("QiIdDzk", type) != NULL;
}

void frame_header(unsigned char *out, unsigned char type, uint32_t len) {
    out[0] = type;
    out[1] = (unsigned char)(len >> 24);
    out[2] = (unsigned char)(len >> 16);
    out[3] = (unsigned char)(len >> 8);
    out[4] = (unsigned char)len;
}

int read_full(int fd, void *buf, size_t len) {
    char *p = buf;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int write_full(int fd, const void *buf, size_t len) {
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static struct {
    unsigned char *data;
    size_t len, cap;
    int overflow;
} capture;

static int capture_frame(unsigned char type, const void *payload, size_t len) {
    size_t need = capture.len + FRAME_HEADER + len;
    if (need > FRAME_CAPTURE_MAX) capture.overflow = 1;
    if (capture.overflow) return -1;
    if (need > capture.cap) {
        size_t cap = capture.cap == 0 ? 4096 : capture.cap;
        while (cap < need) cap *= 2;
        if (cap > FRAME_CAPTURE_MAX) cap = FRAME_CAPTURE_MAX; /* need fits: checked above */
        unsigned char *grown = realloc(capture.data, cap);
        if (grown == NULL) {
            capture.overflow = 1;
            return -1;
        }
        capture.data = grown;
        capture.cap = cap;
    }
    frame_header(capture.data + capture.len, type, (uint32_t)len);
    if (len > 0) memcpy(capture.data + capture.len + FRAME_HEADER, payload, len);
    capture.len = need;
    return 0;
}

unsigned char *frame_capture_take(size_t *len) {
    unsigned char *data = capture.data;
    *len = capture.len;
    if (capture.overflow || capture.len == 0) {
        free(data);
        data = NULL;
    }
    capture.data = NULL;
    capture.len = capture.cap = 0;
    capture.overflow = 0;
    return data;
}

int send_frame(int fd, unsigned char type, const void *payload, size_t len) {
    if (fd == FRAME_CAPTURE) return capture_frame(type, payload, len);
    unsigned char header[FRAME_HEADER];
    frame_header(header, type, (uint32_t)len);
    struct iovec iov[2] = {{header, FRAME_HEADER}, {(void *)payload, len}};
    size_t total = FRAME_HEADER + len;
    ssize_t n;
    do n = writev(fd, iov, len > 0 ? 2 : 1);
    while (n < 0 && errno == EINTR);
    if (n < 0) return -1;
    if ((size_t)n == total) return 0;
    /* A short write: finish the rest plainly. */
    if ((size_t)n < FRAME_HEADER) {
        if (write_full(fd, header + n, FRAME_HEADER - (size_t)n) < 0) return -1;
        return write_full(fd, payload, len);
    }
    return write_full(fd, (const char *)payload + ((size_t)n - FRAME_HEADER), total - (size_t)n);
}

int send_fields(int fd, unsigned char type, const struct fieldbuf *b) {
    return send_frame(fd, type, b->data, b->len);
}

int send_failure(int fd, const char *code, const char *message) {
    struct fieldbuf b;
    fb_init(&b);
    fb_add(&b, "code", code);
    if (message != NULL) fb_add(&b, "message", message);
    return send_fields(fd, 'f', &b);
}

int send_errno(int fd, int err, const char *what) {
    char message[512];
    snprintf(message, sizeof message, "%s: %s", what, strerror(err));
    return send_failure(fd, errno_name(err), message);
}

int recv_header(int fd, unsigned char *type, uint32_t *len) {
    unsigned char header[FRAME_HEADER];
    size_t got = 0;
    while (got < FRAME_HEADER) {
        ssize_t n = read(fd, header + got, FRAME_HEADER - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -1;
        if (n == 0) return got == 0 ? 0 : -1;
        got += (size_t)n;
    }
    *type = header[0];
    *len = (uint32_t)header[1] << 24 | (uint32_t)header[2] << 16 | (uint32_t)header[3] << 8 | header[4];
    if (!client_frame_type(*type) || *len > CLIENT_PAYLOAD_MAX) return -2;
    return 1;
}

int skip_payload(int fd, uint32_t len) {
    char buf[4096];
    while (len > 0) {
        size_t chunk = len < sizeof buf ? len : sizeof buf;
        if (read_full(fd, buf, chunk) < 0) return -1;
        len -= (uint32_t)chunk;
    }
    return 0;
}

const char *errno_name(int err) {
    switch (err) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EINTR: return "EINTR";
    case EIO: return "EIO";
    case ENXIO: return "ENXIO";
    case E2BIG: return "E2BIG";
    case ENOEXEC: return "ENOEXEC";
    case EBADF: return "EBADF";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case EXDEV: return "EXDEV";
    case ENODEV: return "ENODEV";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case ENFILE: return "ENFILE";
    case EMFILE: return "EMFILE";
    case ETXTBSY: return "ETXTBSY";
    case EFBIG: return "EFBIG";
    case ENOSPC: return "ENOSPC";
    case ESPIPE: return "ESPIPE";
    case EROFS: return "EROFS";
    case EMLINK: return "EMLINK";
    case EPIPE: return "EPIPE";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ELOOP: return "ELOOP";
    case EDQUOT: return "EDQUOT";
    case EOVERFLOW: return "EOVERFLOW";
    case ENOSYS: return "ENOSYS";
    default: return "EIO";
    }
}
