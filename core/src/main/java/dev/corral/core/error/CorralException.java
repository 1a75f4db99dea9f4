package dev.corral.core.error;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The one exception Corral's code throws for an outcome a client should see: an {@link ErrorCode}, a message
 * meant for people, and optionally the fields at fault. Made through the static factories so that the same
 * situation always reads the same way.
 */
public final class CorralException extends RuntimeException {
    private final ErrorCode code;
    private final List<FieldProblem> details;
    private final Duration retryAfter;

    private CorralException(ErrorCode code, String message, List<FieldProblem> details, Duration retryAfter,
                            Throwable cause) {
        super(message, cause);
        this.code = code;
        this.details = List.copyOf(details);
        this.retryAfter = retryAfter;
    }

    public CorralException(ErrorCode code, String message) {
        this(code, message, List.of(), null, null);
    }

    public ErrorCode code() {
        return code;
    }

    public List<FieldProblem> details() {
        return details;
    }

    /** How long a rate-limited client should wait; present only for {@link ErrorCode#RATE_LIMITED}. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public static CorralException notFound(String kind, String id) {
        return new CorralException(ErrorCode.NOT_FOUND, capitalize(kind) + " '" + id + "' not found");
    }

    public static CorralException invalid(String field, String problem) {
        return invalid(List.of(new FieldProblem(field, problem)));
    }

    public static CorralException invalid(List<FieldProblem> problems) {
        String message = problems.size() == 1
                ? problems.getFirst().field() + ": " + problems.getFirst().problem()
                : "The request has " + problems.size() + " invalid fields";
        return new CorralException(ErrorCode.VALIDATION_FAILED, message, problems, null, null);
    }

    public static CorralException badRequest(String message) {
        return new CorralException(ErrorCode.BAD_REQUEST, message);
    }

    public static CorralException conflict(String message) {
        return new CorralException(ErrorCode.CONFLICT, message);
    }

    public static CorralException invalidState(String message) {
        return new CorralException(ErrorCode.INVALID_STATE, message);
    }

    public static CorralException forbidden(String message) {
        return new CorralException(ErrorCode.FORBIDDEN, message);
    }

    public static CorralException quotaExceeded(String message) {
        return new CorralException(ErrorCode.QUOTA_EXCEEDED, message);
    }

    public static CorralException payloadTooLarge(String message) {
        return new CorralException(ErrorCode.PAYLOAD_TOO_LARGE, message);
    }

    public static CorralException rateLimited(Duration retryAfter) {
        return rateLimited("Rate limit exceeded; retry later", retryAfter);
    }

    public static CorralException rateLimited(String message, Duration retryAfter) {
        return new CorralException(ErrorCode.RATE_LIMITED, message, List.of(), retryAfter, null);
    }

    public static CorralException runtimeUnavailable(String message, Throwable cause) {
        return new CorralException(ErrorCode.RUNTIME_UNAVAILABLE, message, List.of(), null, cause);
    }

    private static String capitalize(String kind) {
        return kind.isEmpty() ? kind : Character.toUpperCase(kind.charAt(0)) + kind.substring(1);
    }
}
