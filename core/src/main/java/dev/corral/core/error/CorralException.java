package dev.corral.core.error;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one exception Corral's code throws for an outcome a client should see: an {@link ErrorCode}, a message
 * meant for people, and optionally the fields at fault or, for an error that is not about fields, the facts a
 * program needs to act on it (which sandboxes hold a workspace). Made through the static factories so that the
 * same situation always reads the same way.
 */
public final class CorralException extends RuntimeException {
    private final ErrorCode code;
    private final List<FieldProblem> details;
    private final Map<String, Object> facts;
    private final Duration retryAfter;

    private CorralException(ErrorCode code, String message, List<FieldProblem> details, Duration retryAfter,
                            Throwable cause) {
        this(code, message, details, Map.of(), retryAfter, cause);
    }

    private CorralException(ErrorCode code, String message, List<FieldProblem> details, Map<String, ?> facts,
                            Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.details = List.copyOf(details);
        this.facts = Map.copyOf(facts);
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

    /** What a program needs to act on an error that is not about fields, e.g. {@code {mountedBy: [...]}}. */
    public Map<String, Object> facts() {
        return facts;
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

    /** {@code invalid_state} with the facts that explain it, answered as the error's {@code details}. */
    public static CorralException invalidState(String message, Map<String, ?> facts) {
        return new CorralException(ErrorCode.INVALID_STATE, message, List.of(), facts, null, null);
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
