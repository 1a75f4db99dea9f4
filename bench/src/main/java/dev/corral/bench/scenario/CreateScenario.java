package dev.corral.bench.scenario;

import dev.corral.bench.BenchContext;
import dev.corral.bench.baseline.BareContainers;
import dev.corral.bench.baseline.StepTimes;
import dev.corral.bench.client.SandboxShape;
import dev.corral.bench.load.ConcurrentLoad;
import dev.corral.bench.load.LatencyRecorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * {@code POST /v1/sandboxes?wait=true} until the sandbox runs, one at a time and several at once, each beside
 * bare {@code runc run -d} of an identical bundle; the bare steps of a sandbox start, timed one by one; and the
 * bare start of the same bundle without its seccomp profile, which shows what seccomp costs.
 *
 * <p>The series alternate (one Corral create, one bare, one bare without seccomp) so that background load on the
 * host weighs on all alike.
 */
public final class CreateScenario implements Scenario {
    private static final SandboxShape SHAPE = SandboxShape.STANDARD;
    /** Loopback only: what bare runc's bundles have, and the network-less half of the networking series. */
    private static final SandboxShape LOOPBACK_ONLY = SHAPE.withoutNetwork();
    /** Longer than a network slot's refill: it starts 1 s after a claim and takes a few process starts. */
    private static final Duration SLOT_REFILL = Duration.ofMillis(2500);

    @Override
    public String name() {
        return "create";
    }

    @Override
    public ScenarioResult run(BenchContext context) throws Exception {
        var workload = context.workload();
        var api = context.api();
        // A sandbox made by Corral whose config.json every bare bundle copies; made before anything is timed. It
        // has loopback only: a networked sandbox's spec names no network namespace (runc is started inside the
        // one Corral made), so a bundle copied from it would run in the host's.
        String source = api.createSandbox(LOOPBACK_ONLY);
        try {
            var bare = BareContainers.in(context.workDir().resolve("baseline"), context.sandboxConfig(source),
                    context.templateRootfs(), SHAPE.diskBytes());
            var plain = bare.withoutSeccomp();
            for (int i = 0; i < workload.warmUp(); i++) {
                api.delete(api.createSandbox(SHAPE));
                bare.startAndRemove(new StepTimes(), new LatencyRecorder());
                plain.startAndRemove(new StepTimes(), new LatencyRecorder());
            }
            var sequential = new LatencyRecorder();
            var loopbackOnly = new LatencyRecorder();
            var deletes = new LatencyRecorder();
            var bareSequential = new LatencyRecorder();
            var plainSequential = new LatencyRecorder();
            var steps = new StepTimes();
            context.say("create: %d one at a time, each beside bare runc run, with and without seccomp",
                    workload.createSequential());
            for (int i = 0; i < workload.createSequential(); i++) {
                String id = sequential.time(() -> api.createSandbox(SHAPE));
                deletes.time(() -> api.delete(id));
                // The server makes a network slot again a second after one was claimed; its processes must not
                // land on the next timed create, of either kind, which would then measure the refill.
                Thread.sleep(SLOT_REFILL.toMillis());
                api.delete(loopbackOnly.time(() -> api.createSandbox(LOOPBACK_ONLY)));
                bare.startAndRemove(steps, bareSequential);
                plain.startAndRemove(new StepTimes(), plainSequential);
            }
            int parallel = workload.createParallel();
            context.say("create: %d rounds of %d at once", workload.createRounds(), parallel);
            var atOnce = new LatencyRecorder();
            var bareAtOnce = new LatencyRecorder();
            Duration wall = Duration.ZERO;
            Duration bareWall = Duration.ZERO;
            for (int round = 0; round < workload.createRounds(); round++) {
                wall = wall.plus(createAtOnce(context, parallel, atOnce));
                bareWall = bareWall.plus(bare.startAtOnce(parallel, bareAtOnce));
            }
            long total = (long) parallel * workload.createRounds();
            var rows = new ArrayList<Row>();
            rows.add(Row.of("`POST /v1/sandboxes?wait=true`, one at a time", sequential)
                    .against("bare `runc run -d` + `runc state`, one at a time", bareSequential));
            rows.add(Row.of("`POST /v1/sandboxes?wait=true`, " + parallel + " at once", atOnce,
                            ConcurrentLoad.throughput(total, wall))
                    .against("bare `runc run -d` + `runc state`, " + parallel + " at once", bareAtOnce,
                            ConcurrentLoad.throughput(total, bareWall)));
            rows.add(Row.of("`POST /v1/sandboxes?wait=true`, one at a time, with a network (the default)",
                    sequential).against("the same with `network: \"none\"` (loopback only)", loopbackOnly));
            rows.add(Row.of("`DELETE /v1/sandboxes/{id}`, one at a time", deletes));
            steps.percentiles().forEach((step, latency) -> rows.add(Row.of("bare step: " + step, latency)));
            rows.add(Row.of("bare `runc run -d` + `runc state`, same bundle without its seccomp profile",
                    plainSequential));
            return new ScenarioResult.Measured(name(), method(parallel, workload.createRounds()), rows, List.of(),
                    List.of());
        } finally {
            api.delete(source);
        }
    }

    private static Duration createAtOnce(BenchContext context, int parallel, LatencyRecorder latencies)
            throws Exception {
        var made = new ConcurrentLinkedQueue<String>();
        try {
            return ConcurrentLoad.run(parallel, parallel, latencies,
                    (caller, index) -> made.add(context.api().createSandbox(SHAPE)));
        } finally {
            context.api().deleteAll(made, parallel);
        }
    }

    private static String method(int parallel, int rounds) {
        return "Corral: `POST /v1/sandboxes?wait=true` of the base template with 1 vCPU, 512MB memory and a 1GB "
                + "disk and a network of its own (the default), timed at the client until the answer says "
                + "`running`; each sandbox is deleted (timed separately) before the next; one at a time, each is "
                + "followed by one with `network: \"none\"` (loopback only, as bare runc's bundles have), timed "
                + "and deleted likewise. At once: " + parallel + " callers each create one, " + rounds
                + " round(s); ops/s is sandboxes over wall time. Baseline: a bundle made from a sandbox Corral "
                + "created: its `config.json` copied with only `hostname` and `cgroupsPath` changed to a new id, "
                + "over a new sparse 1GB ext4 image made, loop-mounted and overlaid on the same template with "
                + "Corral's own `mkfs.ext4`/`mount` options (untimed), then timed: `runc run -d` and `runc state` "
                + "until `running`; then `runc delete --force` and unmounts. The `bare step` rows time each of "
                + "those steps in the one-at-a-time series: Corral does all but `runc state` (plus its database "
                + "writes and the seed of `/etc/hosts`, `/etc/hostname`, `/workspace`) inside one create. The last "
                + "row starts the same bundle with `linux.seccomp` removed.";
    }
}
