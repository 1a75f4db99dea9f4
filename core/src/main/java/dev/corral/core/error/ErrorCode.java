package dev.corral.core.error;

/**
 * The closed set of error codes Corral answers with, exactly the list of DECISIONS.md and docs/API.md; each
 * value's {@link #wire()} is the code a client sees. Core knows no HTTP status: the HTTP adapter maps each code
 * to one, in one place.
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
    INVALID_STATE,
    PAYLOAD_TOO_LARGE,
    UNSUPPORTED_MEDIA_TYPE,
    RATE_LIMITED,
    INTERNAL_ERROR,
    RUNTIME_UNAVAILABLE;

    /** The code as written on the wire, e.g. {@code not_found}. */
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
