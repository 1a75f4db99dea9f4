package dev.corral.bench;

/** Something the benchmark needed did not happen: a request answered an error, a command failed, a check failed. */
public final class BenchException extends RuntimeException {
    public BenchException(String message) {
        super(message);
    }

    public BenchException(String message, Throwable cause) {
        super(message, cause);
    }
}
