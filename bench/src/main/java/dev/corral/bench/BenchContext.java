package dev.corral.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.bench.baseline.BareRunc;
import dev.corral.bench.client.CorralApi;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * What every scenario works with: the server under test through its API, runc on the same state directory for the
 * baselines, the workload's counts, and where things are on disk.
 *
 * @param dataDir        the server's data directory; its sandboxes' bundles are in {@code runtime/<id>/bundle}
 * @param workDir        scratch space of this run (baseline bundles), removed at the end
 * @param templateRootfs the root filesystem of the {@code base} template, the lower layer of every sandbox
 * @param cgroupParent   the cgroup below which the runtime puts each sandbox's own
 * @param progress       where to say what is happening, one line at a time
 */
public record BenchContext(CorralApi api, BareRunc runc, Workload workload, Path dataDir, Path workDir,
                           Path templateRootfs, String cgroupParent, PrintStream progress) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The {@code config.json} the runtime wrote for a sandbox: the bundle the runc baselines reuse. */
    public JsonNode sandboxConfig(String sandboxId) {
        Path config = dataDir.resolve("runtime").resolve(sandboxId).resolve("bundle").resolve("config.json");
        try {
            return JSON.readTree(config.toFile());
        } catch (IOException e) {
            throw new BenchException("cannot read " + config + ": " + e, e);
        }
    }

    public void say(String format, Object... args) {
        progress.printf(format + "%n", args);
        progress.flush();
    }
}
