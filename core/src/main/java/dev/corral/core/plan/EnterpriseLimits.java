package dev.corral.core.plan;

import java.time.Duration;

/**
 * The limits of the enterprise tier that a server's configuration sets (the RunTools table says "custom"; the
 * organization made at first start is enterprise, so these are a self-hoster's own). Each has a finite default;
 * the rest of the tier is fixed in {@link Plans}.
 */
public record EnterpriseLimits(
        int requestsPerMinute,
        int burst,
        int concurrentRequests,
        int openWebSockets,
        int openStreams,
        int concurrentSandboxes,
        Duration maxRuntime,
        Duration maxIdleTimeout,
        long maxUploadBytes,
        int maxMultipartParts,
        long maxStorageBytes,
        int bandwidthMegabits) {
    private static final long GB = 1L << 30;
    /** 100 Gbit/s: past what a host carries, and within what a runtime's shaper can be set to. */
    public static final int MAX_BANDWIDTH_MEGABITS = 100_000;

    /** The enterprise tier of a server configured with nothing. */
    public static final EnterpriseLimits DEFAULTS = new EnterpriseLimits(6000, 1000, 500, 500, 250, 250,
            Duration.ofDays(7), Duration.ofHours(24), 10 * GB, 1000, 1024 * GB, 1000);

    /** These limits with another request rate and burst. */
    public EnterpriseLimits withRequestRate(int perMinute, int burstSize) {
        return new EnterpriseLimits(perMinute, burstSize, concurrentRequests, openWebSockets, openStreams,
                concurrentSandboxes, maxRuntime, maxIdleTimeout, maxUploadBytes, maxMultipartParts, maxStorageBytes,
                bandwidthMegabits);
    }
}
