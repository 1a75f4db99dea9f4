package dev.corral.bench.scenario;

import dev.corral.bench.BenchContext;
import dev.corral.bench.BenchException;
import dev.corral.bench.load.LatencyRecorder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Writes and reads back files of 4 KiB and 1 MiB through the workspace storage API, beside the same write (to a
 * temporary file, renamed into place) and read done by this process straight on the workspace's volume: what the
 * API adds is HTTP, the descriptor walk and the staging, not the disk.
 */
public final class WorkspaceFilesScenario implements Scenario {
    private static final int[] SIZES = {4 << 10, 1 << 20};
    private static final long QUOTA = 256L << 20;

    @Override
    public String name() {
        return "workspace-files";
    }

    @Override
    public ScenarioResult run(BenchContext context) {
        var api = context.api();
        String slug = "bench-" + System.nanoTime();
        String id = api.createWorkspace(slug, QUOTA);
        Path volumeFiles = context.dataDir().resolve("workspaces").resolve(id).resolve("files");
        try {
            int count = context.workload().pauseResume();
            context.say("workspace-files: %d writes and reads of each size, alternating with direct file I/O", count);
            var rows = new ArrayList<Row>();
            for (int size : SIZES) {
                byte[] content = new byte[size];
                new Random(size).nextBytes(content);
                String label = size >= 1 << 20 ? (size >> 20) + " MiB" : (size >> 10) + " KiB";
                String path = "/bench-" + size;
                Path bare = volumeFiles.resolve("bare-" + size);
                for (int i = 0; i < context.workload().warmUp(); i++) {
                    api.writeWorkspaceFile(slug, path, content);
                    api.readWorkspaceFile(slug, path);
                    writeAndRename(bare, content);
                    read(bare);
                }
                var write = new LatencyRecorder();
                var read = new LatencyRecorder();
                var bareWrite = new LatencyRecorder();
                var bareRead = new LatencyRecorder();
                for (int i = 0; i < count; i++) {
                    write.time(() -> api.writeWorkspaceFile(slug, path, content));
                    byte[] back = read.time(() -> api.readWorkspaceFile(slug, path));
                    if (!Arrays.equals(back, content)) {
                        throw new BenchException("the " + label + " file read back differs from what was written");
                    }
                    bareWrite.time(() -> writeAndRename(bare, content));
                    bareRead.time(() -> read(bare));
                }
                rows.add(Row.of("`PUT .../files/{path}` " + label, write)
                        .against("direct write + rename of " + label + " on the volume", bareWrite));
                rows.add(Row.of("`GET .../direct` " + label, read)
                        .against("direct read of " + label + " from the volume", bareRead));
            }
            return new ScenarioResult.Measured(name(), METHOD, List.copyOf(rows), List.of(), List.of());
        } finally {
            api.deleteWorkspace(slug);
        }
    }

    private static void writeAndRename(Path target, byte[] content) {
        try {
            Path staged = target.resolveSibling(target.getFileName() + ".tmp");
            Files.write(staged, content);
            Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final String METHOD = "A workspace with a 256 MiB quota. Corral: `PUT /v1/workspaces/{id}/files/"
            + "{path}` with `Content-Type: application/octet-stream` of random bytes (staged on the volume and "
            + "renamed into place through directory descriptors), then `GET /v1/workspaces/{id}/direct?id=`, checked "
            + "byte for byte. Baseline: the benchmark process writes a temporary file on the same volume and renames "
            + "it over the target, then reads it back, with java.nio: the disk work without HTTP or confinement.";
}
