package dev.corral.runtime.oci.volumes;

import dev.corral.core.workspace.files.WorkspaceFiles;
import dev.corral.runtime.oci.bundle.IdMapping;
import dev.corral.runtime.oci.rootfs.OwnershipShift;
import dev.corral.testkit.contract.WorkspaceFilesContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workspace files contract on the confined files over a plain directory: the rules the in-memory files of
 * unit tests are held to come from here. Runs as root (files are given to the sandbox root).
 */
class ConfinedWorkspaceFilesContractTest extends WorkspaceFilesContract {
    @TempDir
    Path dir;

    @Override
    protected WorkspaceFiles newFiles() {
        try {
            return new ConfinedWorkspaceFiles(Files.createDirectory(dir.resolve("files")),
                    Files.createDirectory(dir.resolve("staging")), new OwnershipShift(IdMapping.DEFAULT));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
