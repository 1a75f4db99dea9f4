package dev.corral.bench.scenario;

import dev.corral.bench.BenchContext;
import dev.corral.bench.client.SandboxShape;
import dev.corral.bench.host.HostCapacity;
import dev.corral.bench.host.HostMemory;
import dev.corral.bench.load.ConcurrentLoad;
import dev.corral.bench.load.LatencyRecorder;
import dev.corral.runtime.oci.bundle.IdMapping;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Fills the host with idle sandboxes (64MB memory, 64MB disk), one at a time, up to the workload's target or as
 * many as the host has room for: create latency as the count grows, and at each checkpoint exec latency across
 * the sandboxes and memory per sandbox, from the host ({@code /proc/meminfo}) and from the sandboxes' cgroups.
 * Every sandbox is deleted at the end, whatever happened.
 *
 * <p>Before starting it checks loop devices, free disk, memory and the kernel key quota ({@link HostCapacity}) and
 * aims no higher than they allow; while filling it stops
 * early, with a note, when available memory or free disk reaches its reserve or a create fails.
 */
public final class DensityScenario implements Scenario {
    private static final SandboxShape SHAPE = SandboxShape.SMALL;
    private static final int DELETE_PARALLEL = 4;
    private static final double MIB = 1 << 20;

    @Override
    public String name() {
        return "density";
    }

    @Override
    public ScenarioResult run(BenchContext context) throws Exception {
        var notes = new ArrayList<String>();
        List<Integer> checkpoints = context.workload().densityCheckpoints();
        int wanted = context.workload().densityTarget();
        HostCapacity capacity = HostCapacity.check(wanted, context.dataDir(), IdMapping.DEFAULT.hostId());
        int target = Math.min(wanted, capacity.sandboxes());
        if (target < wanted) {
            notes.add("aimed at " + target + " instead of " + wanted + ": " + String.join("; ", capacity.reasons()));
        }
        var rows = new ArrayList<Row>();
        var observations = new ArrayList<Observation>();
        var sandboxes = new ArrayList<String>();
        HostMemory before = HostMemory.read();
        try {
            int from = 1;
            for (int checkpoint : checkpoints) {
                int upTo = Math.min(checkpoint, target);
                if (upTo < from) {
                    break;
                }
                context.say("density: creating sandboxes %d to %d", from, upTo);
                var creates = new LatencyRecorder();
                String stop = fill(context, sandboxes, upTo, creates);
                if (creates.count() > 0) {
                    rows.add(Row.of("create, sandboxes " + from + "-" + sandboxes.size(), creates));
                }
                if (stop == null) {
                    stop = measureAt(context, sandboxes, before, rows, observations);
                }
                if (stop != null) {
                    notes.add("stopped at " + sandboxes.size() + " sandboxes: " + stop);
                    break;
                }
                from = upTo + 1;
            }
            observations.add(new Observation("sandboxes reached", sandboxes.size(), "sandboxes"));
        } finally {
            context.say("density: deleting %d sandboxes, %d at a time", sandboxes.size(), DELETE_PARALLEL);
            var deletes = new LatencyRecorder();
            Duration wall = ConcurrentLoad.run(DELETE_PARALLEL, sandboxes.size(), deletes,
                    (caller, index) -> context.api().delete(sandboxes.get(index)));
            if (deletes.count() > 0) {
                rows.add(Row.of("`DELETE`, " + DELETE_PARALLEL + " at a time, from " + sandboxes.size()
                        + " sandboxes", deletes, ConcurrentLoad.throughput(deletes.count(), wall)));
            }
        }
        return new ScenarioResult.Measured(name(), method(target), rows, observations, notes);
    }

    /**
     * Creates sandboxes until there are {@code upTo}; returns why it stopped early, or {@code null} if it did not.
     */
    private static String fill(BenchContext context, List<String> sandboxes, int upTo, LatencyRecorder creates) {
        while (sandboxes.size() < upTo) {
            String shortage = shortage(context);
            if (shortage != null) {
                return shortage;
            }
            try {
                sandboxes.add(creates.time(() -> context.api().createSandbox(SHAPE)));
            } catch (RuntimeException e) {
                // The failed sandbox stays listed as failed; the run's final clean-up deletes it.
                return "create " + (sandboxes.size() + 1) + " failed: " + e.getMessage();
            }
        }
        return null;
    }

    /**
     * Exec latency over the sandboxes so far, evenly picked, and memory per sandbox; returns why the host cannot
     * go on (an exec failed), or {@code null}.
     */
    private static String measureAt(BenchContext context, List<String> sandboxes, HostMemory before, List<Row> rows,
                                    List<Observation> observations) {
        int count = sandboxes.size();
        int execs = context.workload().execsPerCheckpoint();
        context.say("density: %d execs across %d sandboxes, memory", execs, count);
        var latencies = new LatencyRecorder();
        String failure = null;
        for (int i = 0; i < execs && failure == null; i++) {
            String sandbox = sandboxes.get((int) ((long) i * count / execs) % count);
            try {
                latencies.time(() -> context.api().exec(sandbox, "true"));
            } catch (RuntimeException e) {
                failure = "exec " + (i + 1) + " of " + execs + " failed: " + e.getMessage();
            }
        }
        if (latencies.count() > 0) {
            rows.add(Row.of("exec `true` with " + count + " sandboxes", latencies));
        }
        HostMemory now = HostMemory.read();
        observations.add(new Observation("host memory used per sandbox at " + count
                + " (MemTotal - MemAvailable, growth since the first)", (now.usedBytes() - before.usedBytes())
                / MIB / count, "MiB"));
        observations.add(new Observation("kernel unreclaimable slab per sandbox at " + count + " (SUnreclaim growth)",
                (now.slabUnreclaimableBytes() - before.slabUnreclaimableBytes()) / MIB / count, "MiB"));
        long charged = 0;
        int read = 0;
        for (String sandbox : sandboxes) {
            OptionalLong bytes = HostMemory.cgroupBytes(context.cgroupParent(), sandbox);
            if (bytes.isPresent()) {
                charged += bytes.getAsLong();
                read++;
            }
        }
        if (read > 0) {
            observations.add(new Observation("cgroup memory per sandbox at " + count + " (mean of the sandboxes' "
                    + "memory cgroup usage)", charged / MIB / read, "MiB"));
        }
        return failure;
    }

    /** What the host is about to run out of, or {@code null} while there is room. */
    private static String shortage(BenchContext context) {
        HostMemory memory = HostMemory.read();
        if (memory.availableBytes() < HostCapacity.memoryReserve(memory)) {
            return String.format("available memory fell to %.0f MiB", memory.availableBytes() / MIB);
        }
        if (HostCapacity.usableSpace(context.dataDir()) < HostCapacity.DISK_RESERVE) {
            return "free disk in the data directory fell below 2 GiB";
        }
        return null;
    }

    private static String method(int target) {
        return "Sandboxes of 1 vCPU, 64MB memory and a 64MB disk, each running only its init (tini and `sleep "
                + "infinity`), created one at a time with `POST /v1/sandboxes?wait=true` up to " + target + ". At "
                + "each checkpoint: execs of `true`, one at a time, into sandboxes picked evenly across all of them; "
                + "host memory from `/proc/meminfo` (MemTotal - MemAvailable, growth since before the first "
                + "sandbox, divided by the count: includes kernel memory for mounts, loop devices and namespaces, "
                + "the server's own growth, and whatever else on the host changed meanwhile); the kernel's "
                + "unreclaimable slab growth the same way; cgroup memory is the mean of each sandbox's memory cgroup usage "
                + "(its processes and the page cache charged to it). No baseline: this measures the host's limits "
                + "through Corral.";
    }
}
