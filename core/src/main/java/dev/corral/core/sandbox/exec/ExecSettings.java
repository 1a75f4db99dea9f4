package dev.corral.core.sandbox.exec;

import java.time.Duration;
import java.util.Objects;

/**
 * The server's own exec settings (the plans hold the per-tier ones).
 *
 * @param defaultTimeout     the timeout of a foreground command that names none ({@code exec-default-timeout});
 *                           background commands that name none run until killed
 * @param maxConcurrentExecs how many commands may run at once on this server ({@code max-concurrent-execs})
 */
public record ExecSettings(Duration defaultTimeout, int maxConcurrentExecs) {
    /** The RunTools default timeout of 30 s; 256 commands at once. */
    public static final ExecSettings DEFAULTS = new ExecSettings(ExecSpec.DEFAULT_TIMEOUT, 256);

    public ExecSettings {
        Objects.requireNonNull(defaultTimeout, "defaultTimeout");
        if (defaultTimeout.isNegative() || defaultTimeout.isZero()) {
            throw new IllegalArgumentException("defaultTimeout must be positive: " + defaultTimeout);
        }
        if (maxConcurrentExecs <= 0) {
            throw new IllegalArgumentException("maxConcurrentExecs must be positive: " + maxConcurrentExecs);
        }
    }
}
