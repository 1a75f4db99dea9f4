package dev.corral.sdk;

/**
 * An error Corral answered: the envelope's {@code code} (such as {@code not_found}), the HTTP status, its
 * {@code message} and the {@code requestId} to quote when asking what happened. An answer that is not the
 * envelope (a proxy's page, say) has the code {@code http_<status>} and its start as the message.
 */
public final class ApiException extends RuntimeException {
    private final String code;
    private final int status;
    private final String requestId;

    public ApiException(String code, int status, String message, String requestId) {
        super(message);
        this.code = code;
        this.status = status;
        this.requestId = requestId;
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }

    /** The request's id, or empty text when the answer had none. */
    public String requestId() {
        return requestId;
    }
}
