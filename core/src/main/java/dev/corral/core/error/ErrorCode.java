package dev.corral.core.error;

/**
 * The closed set of error codes Corral answers with; each value's {@link #wire()} is the code a client sees.
 * Core knows no HTTP status: the HTTP adapter maps each code to one, in one place.
 */
public enum ErrorCode {
    BAD_REQUEST,
    VALIDATION_FAILED,
    UNAUTHORIZED,
    INVALID_TOKEN,
    TOKEN_EXPIRED,
    FORBIDDEN,
    QUOTA_EXCEEDED,
    NOT_FOUND,
    METHOD_NOT_ALLOWED,
    CONFLICT,
    /** RunTools writes this one in capitals: a workspace a sandbox mounts, deleted without {@code force}. */
    WORKSPACE_IN_USE,
    INVALID_STATE,
    PAYLOAD_TOO_LARGE,
    /** Not a RunTools code: a byte range of a file that holds none of it (HTTP 416). */
    RANGE_NOT_SATISFIABLE,
    UNSUPPORTED_MEDIA_TYPE,
    RATE_LIMITED,
    INTERNAL_ERROR,
    RUNTIME_UNAVAILABLE;

    /** The code as written on the wire, e.g. {@code not_found}. */
    public String wire() {
        return this == WORKSPACE_IN_USE ? name() : name().toLowerCase(java.util.Locale.ROOT);
    }
}
