package dev.corral.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How much work each scenario does: the counts of a run. {@link #full()} is what {@code docs/BENCHMARKS.md}
 * reports; {@link #quick()} checks that everything works in under two minutes, with numbers too rough to quote.
 *
 * @param serverWarmUpExecs   execs (and as many seconds of API load as {@code apiWarmUp}) run once before the
 *                            first scenario, unrecorded, so the JIT has compiled the server's paths
 * @param warmUp              unrecorded operations before each measured series (JIT, page cache, connections)
 * @param execsPerLevel       operations at each concurrency level (at least one per caller)
 * @param spreadSandboxes     how many sandboxes the "several sandboxes" exec series spreads its callers over
 * @param densityCheckpoints  counts at which the density scenario measures exec latency and memory; the last is
 *                            the target
 * @param proxyRequests       GETs through the port proxy, and as many directly, in each of the proxy scenario's
 *                            series (one at a time, and from several callers)
 */
public record Workload(String name, int serverWarmUpExecs, int warmUp, int createSequential, int createParallel, int createRounds,
                       int execSequential, List<Integer> execConcurrency, int execsPerLevel, int spreadSandboxes,
                       int pauseResume, List<Integer> densityCheckpoints, int execsPerCheckpoint, int apiClients,
                       Duration apiWarmUp, Duration apiDuration, int proxyRequests) {

    public Workload {
        execConcurrency = List.copyOf(execConcurrency);
        densityCheckpoints = List.copyOf(densityCheckpoints);
        if (densityCheckpoints.isEmpty()) {
            throw new IllegalArgumentException("densityCheckpoints must name at least the target");
        }
        for (int i = 1; i < densityCheckpoints.size(); i++) {
            if (densityCheckpoints.get(i) <= densityCheckpoints.get(i - 1)) {
                throw new IllegalArgumentException("densityCheckpoints must rise: " + densityCheckpoints);
            }
        }
    }

    /**
     * The run the report quotes: the counts, under 15 minutes on 2 cores. The most concurrent execs into one
     * sandbox are 48, under the 50 commands at once the enterprise plan (the operator's) allows a sandbox.
     */
    public static Workload full() {
        return new Workload("full", 300, 5, 50, 10, 3, 200, List.of(4, 16, 48), 256, 4, 50,
                List.of(100, 250, 500), 30, 64, Duration.ofSeconds(3), Duration.ofSeconds(10), 2000);
    }

    /** Small counts: every scenario runs, the whole in under two minutes. */
    public static Workload quick() {
        return new Workload("quick", 20, 2, 10, 10, 1, 30, List.of(4, 16, 48), 64, 4, 10, List.of(10, 20), 10,
                64, Duration.ofSeconds(1), Duration.ofSeconds(3), 300);
    }

    /** How many sandboxes the density scenario aims for. */
    public int densityTarget() {
        return densityCheckpoints.getLast();
    }

    /** The same workload aiming the density scenario at {@code target} sandboxes, keeping checkpoints below it. */
    public Workload withDensityTarget(int target) {
        if (target < 1) {
            throw new IllegalArgumentException("the density target must be at least 1: " + target);
        }
        var checkpoints = new ArrayList<Integer>();
        densityCheckpoints.stream().filter(count -> count < target).forEach(checkpoints::add);
        checkpoints.add(target);
        return new Workload(name, serverWarmUpExecs, warmUp, createSequential, createParallel, createRounds,
                execSequential, execConcurrency, execsPerLevel, spreadSandboxes, pauseResume, checkpoints,
                execsPerCheckpoint, apiClients, apiWarmUp, apiDuration, proxyRequests);
    }
}
