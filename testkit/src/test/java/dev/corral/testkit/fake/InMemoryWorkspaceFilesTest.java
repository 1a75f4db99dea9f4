package dev.corral.testkit.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.workspace.WorkspaceId;
import dev.corral.core.workspace.files.WorkspaceFiles;
import dev.corral.core.workspace.files.WorkspacePath;
import dev.corral.testkit.ManualClock;
import dev.corral.testkit.contract.WorkspaceFilesContract;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The workspace files contract on the in-memory volumes, and their quota: the quota's bytes and no more. */
class InMemoryWorkspaceFilesTest extends WorkspaceFilesContract {
    private final InMemoryWorkspaceVolumes volumes =
            new InMemoryWorkspaceVolumes(new ManualClock(Instant.parse("2026-01-01T00:00:00Z")));

    @Override
    protected WorkspaceFiles newFiles() {
        WorkspaceId id = WorkspaceId.random();
        volumes.create(id, 4L << 20);
        return volumes.files(id);
    }

    @Test
    void write_pastTheQuota_isQuotaExceededAndLeavesNothing() {
        WorkspaceId id = WorkspaceId.random();
        volumes.create(id, 10);
        WorkspaceFiles files = volumes.files(id);
        files.write(WorkspacePath.parse("path", "/a"), bytes(6), false);

        assertThatThrownBy(() -> files.write(WorkspacePath.parse("path", "/b"), bytes(5), false))
                .isInstanceOfSatisfying(CorralException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED));
        assertThat(files.list(WorkspacePath.ROOT)).hasSize(1);
        assertThat(files.freeBytes()).isEqualTo(4);
    }

    @Test
    void resize_belowWhatTheFilesTake_failsAndKeepsTheQuota() {
        WorkspaceId id = WorkspaceId.random();
        volumes.create(id, 10);
        volumes.files(id).write(WorkspacePath.parse("path", "/a"), bytes(8), false);

        assertThatThrownBy(() -> volumes.resize(id, 7)).isInstanceOf(CorralException.class);
        volumes.resize(id, 8);

        assertThat(volumes.quotaOf(id)).contains(8L);
    }

    private static ByteArrayInputStream bytes(int count) {
        return new ByteArrayInputStream(new byte[count]);
    }
}
