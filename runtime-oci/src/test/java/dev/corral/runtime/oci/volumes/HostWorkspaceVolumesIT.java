package dev.corral.runtime.oci.volumes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.workspace.WorkspaceId;
import dev.corral.core.workspace.files.WorkspacePath;
import dev.corral.runtime.oci.bundle.IdMapping;
import dev.corral.runtime.oci.disk.LoopDevices;
import dev.corral.runtime.oci.disk.MountTable;
import dev.corral.runtime.oci.process.ProcessRunner;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workspace volumes as real ext4 images on loop devices (needs root, mkfs.ext4 and mount). */
class HostWorkspaceVolumesIT {
    private static final long MB = 1L << 20;

    @TempDir
    Path dir;
    private HostWorkspaceVolumes volumes;
    private final MountTable mounts = MountTable.ofThisProcess();

    @BeforeEach
    void setUp() throws IOException {
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        volumes = new HostWorkspaceVolumes(dir.resolve("workspaces"), IdMapping.DEFAULT,
                new ProcessRunner(Duration.ofSeconds(60)));
    }

    @AfterEach
    void tearDown() {
        volumes.detachAll();
    }

    @Test
    void create_newWorkspace_mountsAnEmptyTreeOwnedBySandboxRoot() throws IOException {
        var id = WorkspaceId.random();

        volumes.create(id, 8 * MB);

        Path files = volumes.filesOf(id);
        assertThat(mounts.isMountPoint(files.getParent())).isTrue();
        assertThat(Files.getAttribute(files, "unix:uid")).isEqualTo(IdMapping.DEFAULT.hostId());
        assertThat(volumes.files(id).list(WorkspacePath.ROOT)).isEmpty();
    }

    @Test
    void write_pastTheQuota_isQuotaExceededAndLeavesNothingHalfWritten() {
        var id = WorkspaceId.random();
        volumes.create(id, 8 * MB);
        var files = volumes.files(id);
        files.write(WorkspacePath.parse("p", "/fits.bin"), zeros(6 * MB), false);

        assertThatThrownBy(() -> files.write(WorkspacePath.parse("p", "/too-much.bin"), zeros(12 * MB), false))
                .isInstanceOf(CorralException.class)
                .extracting(e -> ((CorralException) e).code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED);

        assertThat(files.list(WorkspacePath.ROOT)).extracting(entry -> entry.name()).containsExactly("fits.bin");
    }

    @Test
    void resize_larger_givesRoomAndKeepsFiles() {
        var id = WorkspaceId.random();
        volumes.create(id, 8 * MB);
        var files = volumes.files(id);
        files.write(WorkspacePath.parse("p", "/kept"), bytes("kept"), false);

        volumes.resize(id, 32 * MB);

        files.write(WorkspacePath.parse("p", "/big.bin"), zeros(20 * MB), false);
        assertThat(files.stat(WorkspacePath.parse("p", "/big.bin")).size()).isEqualTo(20 * MB);
        assertThat(files.stat(WorkspacePath.parse("p", "/kept")).size()).isEqualTo(4);
    }

    @Test
    void resize_smaller_shrinksTheVolumeAroundItsFiles() {
        var id = WorkspaceId.random();
        volumes.create(id, 64 * MB);
        volumes.files(id).write(WorkspacePath.parse("p", "/small"), zeros(MB), false);

        volumes.resize(id, 8 * MB);

        assertThat(volumes.files(id).stat(WorkspacePath.parse("p", "/small")).size()).isEqualTo(MB);
        assertThatThrownBy(() -> volumes.files(id).write(WorkspacePath.parse("p", "/big"), zeros(16 * MB), false))
                .extracting(e -> ((CorralException) e).code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
    }

    @Test
    void attach_afterDetach_bringsFilesBackAndDiscardsStagedLeftovers() throws IOException {
        var id = WorkspaceId.random();
        volumes.create(id, 8 * MB);
        volumes.files(id).write(WorkspacePath.parse("p", "/kept.txt"), bytes("kept"), false);
        Path staging = volumes.filesOf(id).resolveSibling("staging");
        Files.writeString(staging.resolve("half-an-upload"), "partial");

        volumes.detachAll();
        assertThat(mounts.isMountPoint(volumes.filesOf(id).getParent())).isFalse();
        volumes.attach(id);

        assertThat(volumes.files(id).list(WorkspacePath.ROOT)).extracting(entry -> entry.name())
                .containsExactly("kept.txt");
        try (Stream<Path> left = Files.list(staging)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void delete_removesImageMountAndLoopDevice() {
        var id = WorkspaceId.random();
        volumes.create(id, 8 * MB);
        Path image = dir.resolve("workspaces").resolve(id + ".img");

        volumes.delete(id);

        assertThat(image).doesNotExist();
        assertThat(volumes.filesOf(id).getParent()).doesNotExist();
        assertThat(LoopDevices.ofHost().backedBy(image)).isEmpty();
    }

    @Test
    void create_anyQuota_leavesRoomForAboutTheQuota() throws IOException {
        for (long quota : new long[] {8 * MB, 64 * MB, 1L << 30}) {
            var id = WorkspaceId.random();
            volumes.create(id, quota);

            long room = Files.getFileStore(volumes.filesOf(id)).getUsableSpace();

            assertThat(room).as("room for a quota of %d", quota).isBetween(quota, quota + 3 * MB);
            volumes.delete(id);
        }
    }

    private static InputStream zeros(long bytes) {
        return new ByteArrayInputStream(new byte[(int) bytes]);
    }

    private static InputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
