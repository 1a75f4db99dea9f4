package dev.corral.bench;

import dev.corral.bench.client.SandboxShape;
import dev.corral.bench.load.ConcurrentLoad;
import dev.corral.bench.load.HttpLoad;
import dev.corral.bench.load.LatencyRecorder;
import java.time.Duration;

/**
 * Untimed work before the first scenario: creates, execs, pauses and reads, so that the JIT has compiled the
 * server's paths (and the load client's) before anything is measured. The server and the client share this JVM;
 * a cold one spends more CPU compiling than serving.
 */
final class ServerWarmUp {
    private static final int CALLERS = 4;
    private static final int CREATES = 5;

    private ServerWarmUp() {
    }

    static void run(BenchContext context) throws Exception {
        var workload = context.workload();
        if (workload.serverWarmUpExecs() == 0) {
            return;
        }
        var api = context.api();
        context.say("warm-up (untimed): %d creates, %d execs, %d s of reads", CREATES, workload.serverWarmUpExecs(),
                workload.apiWarmUp().toSeconds());
        for (int i = 0; i < CREATES; i++) {
            api.delete(api.createSandbox(SandboxShape.STANDARD));
        }
        String id = api.createSandbox(SandboxShape.STANDARD);
        try {
            ConcurrentLoad.run(CALLERS, workload.serverWarmUpExecs(), new LatencyRecorder(),
                    (caller, index) -> api.exec(id, "true"));
            api.pause(id);
            api.resume(id);
            HttpLoad.run(CALLERS, api.getSandboxRequest(id), Duration.ZERO, workload.apiWarmUp());
        } finally {
            api.delete(id);
        }
    }
}
