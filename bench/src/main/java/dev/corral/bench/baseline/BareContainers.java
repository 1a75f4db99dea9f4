package dev.corral.bench.baseline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.bench.BenchException;
import dev.corral.bench.load.ConcurrentLoad;
import dev.corral.bench.load.LatencyRecorder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Containers that bare runc starts from copies of one Corral sandbox's bundle (see {@link BaselineBundle}), with
 * a runc state directory of their own so that Corral never sees them. What the create baseline starts, and what
 * the "without seccomp" series measure.
 *
 * <p>Threading: {@link #startAtOnce} starts containers from several threads; everything else is for one thread.
 */
public final class BareContainers {
    private static final AtomicInteger IDS = new AtomicInteger();

    private final Path bundles;
    private final BareRunc runc;
    private final JsonNode config;
    private final Path templateRootfs;
    private final long diskBytes;

    private BareContainers(Path bundles, BareRunc runc, JsonNode config, Path templateRootfs, long diskBytes) {
        this.bundles = bundles;
        this.runc = runc;
        this.config = config;
        this.templateRootfs = templateRootfs;
        this.diskBytes = diskBytes;
    }

    /**
     * Containers made like the sandbox whose {@code config.json} is {@code sandboxConfig}, with their bundles and
     * runc state in {@code dir}, which is made searchable by the sandboxes' unprivileged user as runc needs.
     */
    public static BareContainers in(Path dir, JsonNode sandboxConfig, Path templateRootfs, long diskBytes)
            throws IOException {
        Path bundles = dir.resolve("bundles");
        Files.createDirectories(bundles);
        for (Path path : List.of(dir, bundles)) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx--x--x"));
        }
        return new BareContainers(bundles, new BareRunc(dir.resolve("runc")), sandboxConfig, templateRootfs,
                diskBytes);
    }

    /** The same containers with the sandbox's seccomp profile left out: what seccomp costs runc. */
    public BareContainers withoutSeccomp() {
        ObjectNode plain = config.deepCopy();
        ((ObjectNode) plain.path("linux")).remove("seccomp");
        return new BareContainers(bundles, runc, plain, templateRootfs, diskBytes);
    }

    public BareRunc runc() {
        return runc;
    }

    /** Makes a bundle (its disk and mounts timed into {@code steps}) without starting it. */
    public BaselineBundle prepare(StepTimes steps) {
        // The pid keeps ids apart from any earlier run's, whose cgroups a crash may have left behind.
        String id = "corral-bench-" + ProcessHandle.current().pid() + "-" + IDS.incrementAndGet();
        return BaselineBundle.prepare(bundles, id, config, templateRootfs, diskBytes, steps);
    }

    /** {@code runc run -d} then {@code runc state}, which must say {@code running}: the baseline of a create. */
    public void start(BaselineBundle bundle) {
        runc.runDetached(bundle.id(), bundle.bundle(), bundle.pidFile(), bundle.runcLog());
        String status = runc.state(bundle.id());
        if (!status.equals("running")) {
            throw new BenchException("bare container " + bundle.id() + " is " + status + " after runc run -d");
        }
    }

    /** A prepared and started container; {@link #remove} it when done. */
    public BaselineBundle started() {
        BaselineBundle bundle = prepare(new StepTimes());
        try {
            start(bundle);
            return bundle;
        } catch (RuntimeException e) {
            remove(bundle);
            throw e;
        }
    }

    /**
     * One bare create, timed into {@code latencies} (run and state) and {@code steps} (every step, also the
     * untimed preparation and the removal), then removed.
     */
    public void startAndRemove(StepTimes steps, LatencyRecorder latencies) {
        BaselineBundle bundle = prepare(steps);
        try {
            latencies.time(() -> {
                steps.time("runc run -d", () -> runc.runDetached(bundle.id(), bundle.bundle(), bundle.pidFile(),
                        bundle.runcLog()));
                steps.time("runc state", () -> {
                    String status = runc.state(bundle.id());
                    if (!status.equals("running")) {
                        throw new BenchException("bare container " + bundle.id() + " is " + status);
                    }
                });
            });
            steps.time("runc delete --force", () -> runc.delete(bundle.id()));
            bundle.remove(steps);
        } catch (RuntimeException e) {
            remove(bundle);
            throw e;
        }
    }

    /** {@code parallel} bare creates at once, their bundles made beforehand; returns the wall time. */
    public Duration startAtOnce(int parallel, LatencyRecorder latencies) throws Exception {
        var made = new ArrayList<BaselineBundle>();
        try {
            for (int i = 0; i < parallel; i++) {
                made.add(prepare(new StepTimes()));
            }
            return ConcurrentLoad.run(parallel, parallel, latencies, (caller, index) -> start(made.get(index)));
        } finally {
            made.forEach(this::remove);
        }
    }

    /** Deletes the container if runc has it and removes its bundle, untimed, whatever state it is in. */
    public void remove(BaselineBundle bundle) {
        try {
            runc.delete(bundle.id());
        } catch (BenchException notThere) {
            // never started, or already deleted
        }
        bundle.removeQuietly();
    }
}
