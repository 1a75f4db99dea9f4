package dev.corral.core.plan;

import dev.corral.core.error.CorralException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What one tier may do. Every limit is finite and positive, enterprise's included: past any of them the server
 * answers at once, and no tenant can take all of a machine by asking for "unlimited".
 *
 * @param requestsPerMinute  the steady rate of one API key's token bucket
 * @param burst              the size of that bucket
 * @param concurrentRequests how many requests one API key may have in flight at once (RunTools' "Concurrent (per
 *                           key)")
 * @param openWebSockets     how many WebSockets one API key may hold open (RunTools' "WebSocket connections")
 * @param openStreams        how many server-sent event streams (streamed execs) one API key may hold open; fewer
 *                           than its requests in flight, so that its streams never take every place its short
 *                           requests need
 * @param maxMultipartParts  how many files one multipart upload may carry
 * @param maxOutputBytes     how much of a foreground command's stdout and stderr together is kept (the rest is
 *                           read and dropped, and the answer says {@code truncated})
 * @param concurrentExecsPerSandbox how many commands may run at once in one sandbox, background ones included
 * @param bandwidth          what each direction of a sandbox's network is held to (it is applied at create, so a
 *                           sandbox keeps the rate of the plan it was made under)
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
        int openWebSockets,
        int openStreams,
        int maxMultipartParts,
        int concurrentExecsPerSandbox,
        Bandwidth bandwidth) {

    public PlanLimits {
        List<String> notPositive = new ArrayList<>();
        positive(notPositive, "requestsPerMinute", requestsPerMinute);
        positive(notPositive, "burst", burst);
        positive(notPositive, "concurrentRequests", concurrentRequests);
        positive(notPositive, "concurrentSandboxes", concurrentSandboxes);
        positive(notPositive, "maxRuntime", maxRuntime);
        positive(notPositive, "maxIdleTimeout", maxIdleTimeout);
        positive(notPositive, "maxVcpus", maxVcpus);
        positive(notPositive, "maxMemoryBytes", maxMemoryBytes);
        positive(notPositive, "maxDiskBytes", maxDiskBytes);
        positive(notPositive, "maxExecTimeout", maxExecTimeout);
        positive(notPositive, "maxOutputBytes", maxOutputBytes);
        positive(notPositive, "maxUploadBytes", maxUploadBytes);
        positive(notPositive, "maxStorageBytes", maxStorageBytes);
        positive(notPositive, "openWebSockets", openWebSockets);
        positive(notPositive, "openStreams", openStreams);
        positive(notPositive, "maxMultipartParts", maxMultipartParts);
        positive(notPositive, "concurrentExecsPerSandbox", concurrentExecsPerSandbox);
        if (bandwidth == null) {
            notPositive.add("bandwidth");
        }
        if (!notPositive.isEmpty()) {
            throw new IllegalArgumentException("plan limits must be positive: " + String.join(", ", notPositive));
        }
    }

    /** {@code payload_too_large} for an upload of more files than {@link #maxMultipartParts}. */
    public void checkUploadFiles(int files) {
        if (files > maxMultipartParts) {
            throw CorralException.payloadTooLarge("This upload has " + files + " files; your plan allows "
                    + maxMultipartParts + " per upload: send them in several");
        }
    }

    private static void positive(List<String> problems, String name, long value) {
        if (value <= 0) {
            problems.add(name);
        }
    }

    private static void positive(List<String> problems, String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            problems.add(name);
        }
    }
}
