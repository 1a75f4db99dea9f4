package dev.corral.bench.scenario;

import dev.corral.bench.BenchContext;
import dev.corral.bench.BenchException;
import dev.corral.bench.baseline.BareContainers;
import dev.corral.bench.baseline.BaselineBundle;
import dev.corral.bench.client.SandboxShape;
import dev.corral.bench.host.ProcessCpu;
import dev.corral.bench.load.ConcurrentLoad;
import dev.corral.bench.load.LatencyRecorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * {@code POST /v1/sandboxes/{id}/exec} of {@code true} and of an {@code echo} of 1 KiB, one at a time, then with
 * 4, 16 and 64 concurrent callers into one sandbox and spread over several; each series beside bare
 * {@code runc exec} into the same sandboxes, at the same concurrency, from the same kind of caller.
 */
public final class ExecScenario implements Scenario {
    private static final String PAYLOAD = "x".repeat(1024);
    /** Rounds per concurrency level, Corral's and bare's alternating. */
    private static final int ROUNDS = 4;

    @Override
    public String name() {
        return "exec";
    }

    @Override
    public ScenarioResult run(BenchContext context) throws Exception {
        var workload = context.workload();
        var api = context.api();
        var runc = context.runc();
        var sandboxes = new ArrayList<String>();
        try {
            for (int i = 0; i < Math.max(1, workload.spreadSandboxes()); i++) {
                sandboxes.add(api.createSandbox(SandboxShape.STANDARD));
            }
            String one = sandboxes.getFirst();
            for (int i = 0; i < workload.warmUp(); i++) {
                api.exec(one, "true");
                runc.exec(one, "true");
            }
            var rows = new ArrayList<Row>(oneAtATime(context, one));
            var observations = new ArrayList<Observation>();
            for (int callers : workload.execConcurrency()) {
                int total = Math.max(callers, workload.execsPerLevel());
                context.say("exec: %d callers, %d execs of true into one sandbox, then spread over %d", callers,
                        total, sandboxes.size());
                Series intoOne = concurrently(context, callers, total, "one sandbox", caller -> one);
                rows.add(intoOne.row());
                if (observations.isEmpty()) {
                    observations.addAll(intoOne.cpuPerExec(callers));
                }
                rows.add(concurrently(context, callers, total, sandboxes.size() + " sandboxes",
                        caller -> sandboxes.get(caller % sandboxes.size())).row());
            }
            return new ScenarioResult.Measured(name(), method(sandboxes.size()), rows, observations, List.of());
        } finally {
            api.deleteAll(sandboxes, sandboxes.size());
        }
    }

    /**
     * Execs into {@code one} one at a time, alternating Corral and bare runc; for {@code true} also bare runc into
     * a copy of the sandbox without its seccomp profile.
     */
    private static List<Row> oneAtATime(BenchContext context, String one) throws Exception {
        var api = context.api();
        var runc = context.runc();
        int count = context.workload().execSequential();
        context.say("exec: %d of true and %d of echo 1 KiB, one at a time, alternating with bare runc exec",
                count, count);
        var corralTrue = new LatencyRecorder();
        var bareTrue = new LatencyRecorder();
        var plainTrue = new LatencyRecorder();
        var plain = BareContainers.in(context.workDir().resolve("baseline"), context.sandboxConfig(one),
                context.templateRootfs(), SandboxShape.STANDARD.diskBytes()).withoutSeccomp();
        BaselineBundle withoutSeccomp = plain.started();
        try {
            for (int i = 0; i < count; i++) {
                corralTrue.time(() -> api.exec(one, "true"));
                bareTrue.time(() -> runc.exec(one, "true"));
                plainTrue.time(() -> plain.runc().exec(withoutSeccomp.id(), "true"));
            }
        } finally {
            plain.remove(withoutSeccomp);
        }
        var corralEcho = new LatencyRecorder();
        var bareEcho = new LatencyRecorder();
        for (int i = 0; i < count; i++) {
            expectPayload(corralEcho.time(() -> api.exec(one, "echo " + PAYLOAD)));
            expectPayload(bareEcho.time(() -> runc.exec(one, "echo", PAYLOAD)));
        }
        return List.of(
                Row.of("exec `true`, one at a time", corralTrue).against("bare `runc exec <id> true`", bareTrue),
                Row.of("exec `echo` 1 KiB, one at a time", corralEcho)
                        .against("bare `runc exec <id> echo <1 KiB>`", bareEcho),
                Row.of("bare `runc exec <id> true` into a copy of the sandbox without its seccomp profile",
                        plainTrue));
    }

    /**
     * {@code total} execs of {@code true} from {@code callers} callers, caller i into {@code target(i)}, through
     * Corral and bare in alternating rounds so that a change of background load on the host hits both alike.
     */
    private static Series concurrently(BenchContext context, int callers, int total, String where,
                                       IntFunction<String> target) throws Exception {
        var corralLatency = new LatencyRecorder();
        var bareLatency = new LatencyRecorder();
        Duration corralWall = Duration.ZERO;
        Duration bareWall = Duration.ZERO;
        ProcessCpu corralCpu = ProcessCpu.ZERO;
        ProcessCpu bareCpu = ProcessCpu.ZERO;
        int perRound = Math.max(callers, total / ROUNDS);
        for (int done = 0; done < total; done += perRound) {
            int count = Math.min(perRound, total - done);
            ProcessCpu before = ProcessCpu.read();
            corralWall = corralWall.plus(ConcurrentLoad.run(callers, count, corralLatency,
                    (caller, index) -> context.api().exec(target.apply(caller), "true")));
            ProcessCpu between = ProcessCpu.read();
            bareWall = bareWall.plus(ConcurrentLoad.run(callers, count, bareLatency,
                    (caller, index) -> context.runc().exec(target.apply(caller), "true")));
            ProcessCpu after = ProcessCpu.read();
            corralCpu = corralCpu.plus(between.since(before));
            bareCpu = bareCpu.plus(after.since(between));
        }
        Row row = Row.of("exec `true`, " + callers + " callers, " + where, corralLatency,
                        ConcurrentLoad.throughput(total, corralWall))
                .against("bare `runc exec`, " + callers + " callers, " + where, bareLatency,
                        ConcurrentLoad.throughput(total, bareWall));
        return new Series(row, total, corralCpu, bareCpu);
    }

    /** A concurrent series and the CPU this process and its children used for Corral's half and for bare's. */
    private record Series(Row row, int execs, ProcessCpu corral, ProcessCpu bare) {
        List<Observation> cpuPerExec(int callers) {
            String at = " at " + callers + " callers, one sandbox";
            return List.of(
                    new Observation("CPU per exec in this JVM (server and load client)" + at + ", Corral",
                            millisPer(corral.self()), "ms"),
                    new Observation("CPU per exec in this JVM (load client only)" + at + ", bare runc",
                            millisPer(bare.self()), "ms"),
                    new Observation("CPU per exec in child processes (runc and the command)" + at + ", Corral",
                            millisPer(corral.children()), "ms"),
                    new Observation("CPU per exec in child processes (runc and the command)" + at + ", bare runc",
                            millisPer(bare.children()), "ms"));
        }

        private double millisPer(Duration cpu) {
            return cpu.toNanos() / 1e6 / execs;
        }
    }

    private static void expectPayload(String stdout) {
        if (!stdout.strip().equals(PAYLOAD)) {
            throw new BenchException("echo of 1 KiB came back as " + stdout.length() + " characters");
        }
    }

    private static String method(int spread) {
        return "Corral: `POST /v1/sandboxes/{id}/exec` `{\"command\": \"true\"}` (or `echo` of 1024 characters), "
                + "timed at the client until the whole JSON result is read; with `guest: agent` (the default) "
                + "the sandbox's agent runs `/bin/sh -c <command>` (see the guest scenario for `guest: runc`, "
                + "where Corral runs a `runc exec` per command). Sandboxes: 1 vCPU, 512MB. Baseline: `runc --root <dataDir>/runc exec "
                + "<id> true` (or `echo <1 KiB>`) on the very same sandbox, run by the harness with its output read "
                + "through a pipe; the container's own process spec (capabilities, rlimits, no new privileges, "
                + "seccomp) applies to both. One at a time, Corral and bare alternate; for `true` they alternate "
                + "with a third series: bare `runc exec` into a container started by bare runc from a copy of the "
                + "sandbox's bundle with `linux.seccomp` removed (see create). Concurrent: N virtual-thread "
                + "callers in a closed loop, into one sandbox or caller i into sandbox i mod " + spread + "; "
                + "ops/s is execs over wall time; at each level Corral and bare alternate in " + ROUNDS + " rounds.";
    }
}
