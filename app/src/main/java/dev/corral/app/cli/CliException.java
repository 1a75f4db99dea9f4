package dev.corral.app.cli;

/** A failure the CLI reports as one line and an exit code: an API error, an unreachable server, bad usage. */
final class CliException extends RuntimeException {
    private final int exitCode;

    CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
