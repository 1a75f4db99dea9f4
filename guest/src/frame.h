/* Framing and fields of the guest protocol (docs/GUEST-PROTOCOL.md): a frame is a type byte, a big-endian
 * uint32 length and the payload; control payloads are NUL-terminated key=value fields. The blocking helpers
 * here are used by the per-connection children, where blocking on one socket stalls nobody else (and, through
 * FRAME_CAPTURE, by the agent itself, which then blocks on nothing). */
#ifndef CORRAL_GUEST_FRAME_H
#define CORRAL_GUEST_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_HEADER 5
#define CLIENT_PAYLOAD_MAX (1u << 20)
#define AGENT_PAYLOAD_MAX (64u << 10)
/* The largest control payload the agent builds: an entry holds two paths of at most PATH_MAX each. */
#define FIELDS_MAX (12u << 10)

/* A received control payload: a sequence of NUL-terminated key=value strings. */
struct fields {
    const char *data;
    size_t len;
};

/* A control payload being built. Overflow is sticky: a field that does not fit marks the whole buffer. */
struct fieldbuf {
    size_t len;
    int overflow;
    char data[FIELDS_MAX];
};

/* 1 when every field is NUL-terminated and holds '=', else 0. */
int fields_valid(const char *data, size_t len);
/* The value of the first field named key, or NULL. */
const char *field_get(const struct fields *f, const char *key);
/* The value of the next field named key after the value prev (NULL: the first), or NULL. */
const char *field_next(const struct fields *f, const char *key, const char *prev);
/* A decimal field: def when absent, -1 when present but not a number in [0, max]. */
long long field_number(const struct fields *f, const char *key, long long def, long long max);

void fb_init(struct fieldbuf *b);
void fb_add(struct fieldbuf *b, const char *key, const char *value);
void fb_addf(struct fieldbuf *b, const char *key, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* 1 for a frame type a client may send. */
int client_frame_type(unsigned char type);
/* Writes a frame header into out[FRAME_HEADER]. */
void frame_header(unsigned char *out, unsigned char type, uint32_t len);

/* A pretend descriptor for the send_* helpers below: frames sent to it are appended to a buffer in memory, at
 * most FRAME_CAPTURE_MAX bytes, so that an operation written for a blocking socket can be answered by the agent's
 * own loop without blocking on the client. A frame past the limit fails the send, as a closed socket would. */
#define FRAME_CAPTURE (-100)
#define FRAME_CAPTURE_MAX (20u << 10)
/* Takes what was captured since the last take: a malloc'd buffer of whole frames and its length, or NULL when it
 * overflowed (or ran out of memory, or nothing was captured). */
unsigned char *frame_capture_take(size_t *len);

/* Blocking I/O; all return 0 on success, -1 on error or end of stream. */
int read_full(int fd, void *buf, size_t len);
int write_full(int fd, const void *buf, size_t len);
int send_frame(int fd, unsigned char type, const void *payload, size_t len);
int send_fields(int fd, unsigned char type, const struct fieldbuf *b);
/* Sends `f code= message=`; message may be NULL. */
int send_failure(int fd, const char *code, const char *message);
/* Sends `f` with the errno name of err as code and its description as message, prefixed by what. */
int send_errno(int fd, int err, const char *what);

/* Reads a frame header. Returns 1 for a valid header, 0 at a clean end of stream, -1 on an I/O error and -2 for
 * an unknown type or an oversized length (the caller answers bad_request). */
int recv_header(int fd, unsigned char *type, uint32_t *len);
/* Reads and drops len payload bytes. */
int skip_payload(int fd, uint32_t len);

/* The errno name (ENOENT, ...) of err. */
const char *errno_name(int err);

#endif
