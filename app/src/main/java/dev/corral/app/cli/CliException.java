package dev.corral.app.cli;

import java.util.Optional;

/** A failure the CLI reports as one line and an exit code: an API error, an unreachable server, bad usage. */
final class CliException extends RuntimeException {
    private final int exitCode;
    private final String apiCode;

    CliException(String message, int exitCode) {
        this(message, exitCode, null);
    }

    /** An error the API answered, with its envelope's {@code code} (e.g. {@code conflict}). */
    CliException(String message, int exitCode, String apiCode) {
        super(message);
        this.exitCode = exitCode;
        this.apiCode = apiCode;
    }

    int exitCode() {
        return exitCode;
    }

    /** The API's error code when the server answered this error; empty for local and connection failures. */
    Optional<String> apiCode() {
        return Optional.ofNullable(apiCode);
    }
}
