package dev.corral.bench.scenario;

import dev.corral.bench.BenchContext;
import dev.corral.bench.BenchException;
import dev.corral.bench.BenchServer;
import dev.corral.bench.client.CorralApi;
import dev.corral.bench.client.SandboxShape;
import dev.corral.bench.load.ConcurrentLoad;
import dev.corral.bench.load.LatencyRecorder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The two ways commands and files reach a sandbox, in one run: the run's server ({@code guest: agent}, the
 * default: through the agent in the sandbox) beside a second server on its own data directory with
 * {@code guest: runc} (a {@code runc exec} per call). Exec of {@code true} one at a time and with 16 callers, and
 * a 4 KiB file written and read, alternating between the two so that load on the host hits both alike.
 */
public final class GuestScenario implements Scenario {
    private static final int CALLERS = 16;
    private static final int FILE_BYTES = 4 << 10;
    /** Rounds of the concurrent series, agent's and runc's alternating. */
    private static final int ROUNDS = 4;

    @Override
    public String name() {
        return "guest";
    }

    @Override
    public ScenarioResult run(BenchContext context) throws Exception {
        CorralApi agent = context.api();
        Path templatesDir = context.templateRootfs().getParent().getParent();
        context.say("guest: starting a second server with guest: runc");
        // A network of its own beside the first server's: a server rewrites its whole nftables table, and its DNS
        // forwarder takes port 53 of its bridge address.
        try (BenchServer runcServer = BenchServer.startBeside(context.workDir().resolve("data-guest-runc"),
                templatesDir, Map.of("guest", "runc", "network-name", "corralg", "network-subnet", "10.88.8.0/24"))) {
            CorralApi runc = runcServer.api();
            String viaAgent = agent.createSandbox(SandboxShape.STANDARD);
            String viaRunc = runc.createSandbox(SandboxShape.STANDARD);
            try {
                return new ScenarioResult.Measured(name(), METHOD,
                        rows(context, agent, viaAgent, runc, viaRunc), List.of(), List.of());
            } finally {
                agent.delete(viaAgent);
                runc.delete(viaRunc);
            }
        }
    }

    private static List<Row> rows(BenchContext context, CorralApi agent, String viaAgent, CorralApi runc,
                                  String viaRunc) throws Exception {
        int count = context.workload().execSequential();
        byte[] content = new byte[FILE_BYTES];
        new Random(FILE_BYTES).nextBytes(content);
        String path = "/workspace/bench-guest";
        for (int i = 0; i < context.workload().warmUp(); i++) {
            agent.exec(viaAgent, "true");
            runc.exec(viaRunc, "true");
            agent.writeFile(viaAgent, path, content);
            runc.writeFile(viaRunc, path, content);
        }
        context.say("guest: %d execs of true and %d 4 KiB writes and reads each way, one at a time", count, count);
        var execAgent = new LatencyRecorder();
        var execRunc = new LatencyRecorder();
        var writeAgent = new LatencyRecorder();
        var writeRunc = new LatencyRecorder();
        var readAgent = new LatencyRecorder();
        var readRunc = new LatencyRecorder();
        for (int i = 0; i < count; i++) {
            execAgent.time(() -> agent.exec(viaAgent, "true"));
            execRunc.time(() -> runc.exec(viaRunc, "true"));
            writeAgent.time(() -> agent.writeFile(viaAgent, path, content));
            writeRunc.time(() -> runc.writeFile(viaRunc, path, content));
            expect(content, readAgent.time(() -> agent.readFile(viaAgent, path)));
            expect(content, readRunc.time(() -> runc.readFile(viaRunc, path)));
        }
        int total = Math.max(CALLERS, context.workload().execsPerLevel());
        context.say("guest: %d execs of true from %d callers each way", total, CALLERS);
        var loadAgent = new LatencyRecorder();
        var loadRunc = new LatencyRecorder();
        Duration wallAgent = Duration.ZERO;
        Duration wallRunc = Duration.ZERO;
        int perRound = Math.max(CALLERS, total / ROUNDS);
        for (int done = 0; done < total; done += perRound) {
            int round = Math.min(perRound, total - done);
            wallAgent = wallAgent.plus(ConcurrentLoad.run(CALLERS, round, loadAgent,
                    (caller, index) -> agent.exec(viaAgent, "true")));
            wallRunc = wallRunc.plus(ConcurrentLoad.run(CALLERS, round, loadRunc,
                    (caller, index) -> runc.exec(viaRunc, "true")));
        }
        var rows = new ArrayList<Row>();
        rows.add(Row.of("exec `true`, one at a time, guest: agent", execAgent)
                .against("exec `true`, one at a time, guest: runc", execRunc));
        rows.add(Row.of("exec `true`, " + CALLERS + " callers, guest: agent", loadAgent,
                        ConcurrentLoad.throughput(total, wallAgent))
                .against("exec `true`, " + CALLERS + " callers, guest: runc", loadRunc,
                        ConcurrentLoad.throughput(total, wallRunc)));
        rows.add(Row.of("`PUT .../files` 4 KiB, guest: agent", writeAgent)
                .against("`PUT .../files` 4 KiB, guest: runc", writeRunc));
        rows.add(Row.of("`GET .../files` 4 KiB, guest: agent", readAgent)
                .against("`GET .../files` 4 KiB, guest: runc", readRunc));
        return rows;
    }

    private static void expect(byte[] content, byte[] back) {
        if (!Arrays.equals(back, content)) {
            throw new BenchException("the 4 KiB file read back differs from what was written");
        }
    }

    private static final String METHOD = "Two servers in one run on the same templates: the run's own with "
            + "`guest: agent` (the default: every command and file call goes over a unix socket to the `corral-guest` "
            + "agent in the sandbox, one connection per call) and a second one with `guest: runc` (every call is a "
            + "`runc exec` of `/bin/sh -c`). One sandbox on each (1 vCPU, 512MB). One at a time: `POST .../exec` of "
            + "`true`, `PUT .../files` of 4 KiB of random bytes and `GET` of it (checked byte for byte), agent and "
            + "runc alternating. Concurrent: " + CALLERS + " virtual-thread callers in a closed loop into the one "
            + "sandbox, agent and runc alternating in " + ROUNDS + " rounds; ops/s is execs over wall time. The "
            + "baseline column is the `guest: runc` server.";
}
