package dev.corral.bench.scenario;

import dev.corral.bench.BenchContext;
import dev.corral.bench.BenchException;
import dev.corral.bench.client.SandboxShape;
import dev.corral.bench.load.LatencyRecorder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Writes and reads back files of 4 KiB and 1 MiB through the files API, beside a bare {@code runc exec} that
 * writes or reads a file of the same size inside the same sandbox. With {@code guest: agent} (the default) the
 * sandbox's agent serves each call over its socket; with {@code guest: runc} one exec is the floor of each call
 * (the guest scenario measures both).
 */
public final class FilesScenario implements Scenario {
    private static final int[] SIZES = {4 << 10, 1 << 20};

    @Override
    public String name() {
        return "files";
    }

    @Override
    public ScenarioResult run(BenchContext context) {
        var api = context.api();
        var runc = context.runc();
        String id = api.createSandbox(SandboxShape.STANDARD);
        try {
            int count = context.workload().pauseResume();
            context.say("files: %d writes and reads of each size, alternating with bare runc exec", count);
            var rows = new ArrayList<Row>();
            for (int size : SIZES) {
                byte[] content = new byte[size];
                new Random(size).nextBytes(content);
                String label = size >= 1 << 20 ? (size >> 20) + " MiB" : (size >> 10) + " KiB";
                String path = "/workspace/bench-" + size;
                for (int i = 0; i < context.workload().warmUp(); i++) {
                    api.writeFile(id, path, content);
                    api.readFile(id, path);
                    runc.exec(id, "sh", "-c", "head -c " + size + " /dev/zero > /tmp/bare");
                    runc.exec(id, "cat", "/tmp/bare");
                }
                var write = new LatencyRecorder();
                var read = new LatencyRecorder();
                var bareWrite = new LatencyRecorder();
                var bareRead = new LatencyRecorder();
                for (int i = 0; i < count; i++) {
                    write.time(() -> api.writeFile(id, path, content));
                    byte[] back = read.time(() -> api.readFile(id, path));
                    if (!Arrays.equals(back, content)) {
                        throw new BenchException("the " + label + " file read back differs from what was written");
                    }
                    bareWrite.time(() -> runc.exec(id, "sh", "-c", "head -c " + size + " /dev/zero > /tmp/bare"));
                    bareRead.time(() -> runc.exec(id, "cat", "/tmp/bare"));
                }
                rows.add(Row.of("`PUT .../files` " + label, write)
                        .against("bare `runc exec` writing " + label + " inside", bareWrite));
                rows.add(Row.of("`GET .../files` " + label, read)
                        .against("bare `runc exec cat` of " + label, bareRead));
            }
            return new ScenarioResult.Measured(name(), METHOD, List.copyOf(rows), List.of(), List.of());
        } finally {
            api.delete(id);
        }
    }

    private static final String METHOD = "A sandbox (1 vCPU, 512MB). Corral: `PUT /v1/sandboxes/{id}/files?path=` "
            + "of random bytes (written by the sandbox's agent to a temporary file and renamed over the target), then "
            + "`GET` of the same path, checked byte for byte. Baseline: bare `runc --root <dataDir>/runc exec <id>` "
            + "of `sh -c 'head -c <size> /dev/zero > /tmp/bare'` (write) and `cat /tmp/bare` (read) in the same "
            + "sandbox: what each file call cost when it was a runc exec, without moving the bytes through HTTP.";
}
