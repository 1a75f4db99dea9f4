package dev.corral.core.sandbox;

import dev.corral.core.error.CorralException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where a sandbox is in its life, as the API reports it: {@code creating} → {@code running} ⇄ {@code paused};
 * {@code stopped} once deleted (or stopped by its plan's maximum runtime); {@code failed} when it could not start.
 */
public enum SandboxStatus {
    CREATING, RUNNING, PAUSED, STOPPED, FAILED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the sandbox holds resources: it counts against the concurrent-sandbox limit. */
    public boolean isActive() {
        return this == CREATING || this == RUNNING || this == PAUSED;
    }

    /** The status named {@code text}; {@code validation_failed} on {@code field} otherwise. */
    public static SandboxStatus parse(String field, String text) {
        for (SandboxStatus status : values()) {
            if (status.wire().equals(text)) {
                return status;
            }
        }
        throw CorralException.invalid(field, "must be one of " + Arrays.stream(values()).map(SandboxStatus::wire)
                .collect(Collectors.joining(", ")));
    }
}
