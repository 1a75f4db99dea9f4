package dev.corral.bench.baseline;

import dev.corral.bench.BenchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The least a pause can cost: a container's cgroup v1 freezer written from this process, and written again until
 * it reads back as done. The floor under Corral's pause and resume, which write the same file.
 */
public final class BareFreezer {
    private final Path freezerRoot;

    /** The freezer hierarchy's directory of the containers' parent cgroup, e.g. {@code /sys/fs/cgroup/freezer/corral}. */
    public BareFreezer(Path freezerRoot) {
        this.freezerRoot = freezerRoot;
    }

    /** Whether this host has a v1 freezer for the container (the baseline is measured only there). */
    public boolean reaches(String id) {
        return Files.exists(state(id));
    }

    public void freeze(String id) {
        writeUntil(id, "FROZEN");
    }

    public void thaw(String id) {
        writeUntil(id, "THAWED");
    }

    private void writeUntil(String id, String wanted) {
        Path state = state(id);
        try {
            // Written again until read back: a v1 freezer left FREEZING (a task that could not stop at once)
            // tries again only when written.
            do {
                Files.writeString(state, wanted);
            } while (!Files.readString(state).strip().equals(wanted));
        } catch (IOException e) {
            throw new BenchException("cannot write " + state + ": " + e.getMessage(), e);
        }
    }

    private Path state(String id) {
        return freezerRoot.resolve(id).resolve("freezer.state");
    }
}
