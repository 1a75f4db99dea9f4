package dev.corral.core.plan;

import java.time.Duration;

/**
 * What one tier may do. "Unlimited" is {@link Integer#MAX_VALUE}, {@link Long#MAX_VALUE} or {@link Duration#ZERO}
 * for durations, so that every check is a plain comparison.
 *
 * @param requestsPerMinute the steady rate of one API key's token bucket
 * @param burst             the size of that bucket
 * @param concurrentRequests how many requests one API key may have in flight at once, and how many WebSockets open
 *                           (RunTools' table gives both the same numbers)
 * @param maxOutputBytes    how much of a foreground command's stdout and stderr together is kept (the rest is read
 *                          and dropped, and the answer says {@code truncated})
 * @param concurrentExecsPerSandbox how many commands may run at once in one sandbox, background ones included
 */
public record PlanLimits(
        int requestsPerMinute,
        int burst,
        int concurrentRequests,
        int concurrentSandboxes,
        Duration maxRuntime,
        Duration maxIdleTimeout,
        int maxVcpus,
        long maxMemoryBytes,
        long maxDiskBytes,
        Duration maxExecTimeout,
        long maxOutputBytes,
        long maxUploadBytes,
        long maxStorageBytes,
        int concurrentExecsPerSandbox) {

    public PlanLimits {
        if (requestsPerMinute <= 0 || burst <= 0 || concurrentRequests <= 0) {
            throw new IllegalArgumentException("requestsPerMinute, burst and concurrentRequests must be positive");
        }
        if (concurrentExecsPerSandbox <= 0) {
            throw new IllegalArgumentException("concurrentExecsPerSandbox must be positive");
        }
    }
}
