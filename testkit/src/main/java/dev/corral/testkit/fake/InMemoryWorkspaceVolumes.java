package dev.corral.testkit.fake;

import dev.corral.core.error.CorralException;
import dev.corral.core.workspace.WorkspaceId;
import dev.corral.core.workspace.WorkspaceVolumes;
import dev.corral.core.workspace.files.WorkspaceFiles;
import dev.corral.core.workspace.files.WorkspacePath;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link WorkspaceVolumes} in memory, for unit tests: each workspace's files are a tree whose room is its quota
 * (see {@link InMemoryWorkspaceFiles}). As with the real volumes, shrinking below what the files take fails,
 * attaching or resizing a volume that does not exist is {@code runtime_unavailable}, and deleting is idempotent.
 *
 * <p>Threading: safe for concurrent use; each volume has its own lock, which its files share.
 */
public final class InMemoryWorkspaceVolumes implements WorkspaceVolumes {
    private final InstantSource clock;
    private final ConcurrentHashMap<WorkspaceId, Volume> volumes = new ConcurrentHashMap<>();

    /** @param clock what files' modification times are read from */
    public InMemoryWorkspaceVolumes(InstantSource clock) {
        this.clock = clock;
    }

    /** One volume: its quota, its tree, and the lock both are changed under. */
    private static final class Volume {
        final WriteLock lock = new WriteLock();
        final InMemoryWorkspaceFiles files;
        volatile long quotaBytes;

        Volume(long quotaBytes, InstantSource clock) {
            this.quotaBytes = quotaBytes;
            this.files = new InMemoryWorkspaceFiles(lock, InMemoryWorkspaceFiles.Folder.empty(clock.instant()),
                    () -> this.quotaBytes, clock);
        }
    }

    @Override
    public void create(WorkspaceId id, long quotaBytes) {
        if (volumes.putIfAbsent(id, new Volume(quotaBytes, clock)) != null) {
            throw new IllegalStateException("workspace " + id + " already has a volume");
        }
    }

    @Override
    public void attach(WorkspaceId id) {
        volume(id);
    }

    @Override
    public void resize(WorkspaceId id, long quotaBytes) {
        Volume volume = volume(id);
        volume.lock.run(() -> {
            long used = volume.files.measure(WorkspacePath.ROOT).bytes();
            if (quotaBytes < used) {
                throw CorralException.runtimeUnavailable("Cannot shrink the volume of workspace " + id + " to "
                        + quotaBytes + " bytes: its files take " + used, null);
            }
            volume.quotaBytes = quotaBytes;
        });
    }

    @Override
    public void delete(WorkspaceId id) {
        volumes.remove(id);
    }

    @Override
    public WorkspaceFiles files(WorkspaceId id) {
        return volume(id).files;
    }

    /** The room the workspace's volume has now; empty when it has none. */
    public Optional<Long> quotaOf(WorkspaceId id) {
        return Optional.ofNullable(volumes.get(id)).map(volume -> volume.quotaBytes);
    }

    private Volume volume(WorkspaceId id) {
        Volume volume = volumes.get(id);
        if (volume == null) {
            throw CorralException.runtimeUnavailable("The volume of workspace " + id + " is missing", null);
        }
        return volume;
    }
}
