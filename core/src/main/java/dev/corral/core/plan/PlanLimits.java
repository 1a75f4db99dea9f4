package dev.corral.core.plan;

import java.time.Duration;

/**
 * What one tier may do. "Unlimited" is {@link Integer#MAX_VALUE}, {@link Long#MAX_VALUE} or {@link Duration#ZERO}
 * for durations, so that every check is a plain comparison.
 *
 * @param requestsPerMinute the steady rate of one API key's token bucket
 * @param burst             the size of that bucket
 */
public record PlanLimits(
        int requestsPerMinute,
        int burst,
        int concurrentSandboxes,
        Duration maxRuntime,
        Duration maxIdleTimeout,
        int maxVcpus,
        long maxMemoryBytes,
        long maxDiskBytes,
        Duration maxExecTimeout,
        long maxOutputBytes,
        long maxUploadBytes,
        long maxStorageBytes) {

    public PlanLimits {
        if (requestsPerMinute <= 0 || burst <= 0) {
            throw new IllegalArgumentException("requestsPerMinute and burst must be positive");
        }
    }
}
