package dev.corral.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.workspace.WorkspaceId;
import dev.corral.core.workspace.WorkspaceUsage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostWorkspaceVolumesTest {
    @TempDir
    Path dir;

    private HostWorkspaceVolumes volumes;
    private final WorkspaceId id = WorkspaceId.random();

    @BeforeEach
    void createVolumes() {
        // Giving a directory away to uid 100000 takes root, as the server runs.
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to chown");
        volumes = new HostWorkspaceVolumes(dir.resolve("workspaces"), IdMapping.DEFAULT);
    }

    @Test
    void create_newWorkspace_makesDirectoryOwnedBySandboxRoot() throws IOException {
        volumes.create(id);

        Path made = volumes.directoryOf(id);
        assertThat(Files.getAttribute(made, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(100_000);
        assertThat(Files.getAttribute(made, "unix:gid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(100_000);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(made))).isEqualTo("rwxr-xr-x");
    }

    @Test
    void usage_filesAndLinks_countsRegularFilesOnly() throws IOException {
        volumes.create(id);
        Path made = volumes.directoryOf(id);
        Files.write(made.resolve("a.bin"), new byte[1000]);
        Files.createDirectories(made.resolve("sub/deeper"));
        Files.write(made.resolve("sub/deeper/b.bin"), new byte[24]);
        Path outside = Files.createDirectory(dir.resolve("outside"));
        Files.write(outside.resolve("big.bin"), new byte[5000]);
        Files.createSymbolicLink(made.resolve("escape"), outside);

        assertThat(volumes.usage(id)).isEqualTo(new WorkspaceUsage(1024, 2));
    }

    @Test
    void usage_missingDirectory_isEmpty() {
        assertThat(volumes.usage(id)).isEqualTo(WorkspaceUsage.EMPTY);
    }

    @Test
    void delete_treeWithLinkOut_removesTreeButNotLinkTarget() throws IOException {
        volumes.create(id);
        Path made = volumes.directoryOf(id);
        Files.createDirectories(made.resolve("sub"));
        Files.write(made.resolve("sub/file"), new byte[10]);
        Path outside = Files.createDirectory(dir.resolve("outside"));
        Path kept = Files.write(outside.resolve("kept"), new byte[10]);
        Files.createSymbolicLink(made.resolve("escape"), outside);

        volumes.delete(id);

        assertThat(made).doesNotExist();
        assertThat(kept).exists();
    }

    @Test
    void delete_missingDirectory_doesNothing() {
        volumes.delete(id);

        assertThat(volumes.directoryOf(id)).doesNotExist();
    }
}
