package dev.corral.core.sandbox.files;

import dev.corral.core.key.Principal;
import dev.corral.core.policy.AccessPolicy;
import dev.corral.core.policy.Action;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.lifecycle.SandboxService;
import dev.corral.core.sandbox.lifecycle.SandboxWork;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches of directories in sandboxes ({@link FileWatch}): starts them, and ends them when their sandbox is
 * deleted or stopped for good, or the server stops. Like every file operation, a watch resumes a paused sandbox
 * and is then the runtime's ({@link SandboxFileSystem#watch}). A running watch counts as work in its sandbox
 * ({@link SandboxWork}), so the idle reaper never pauses a watched sandbox; its end is recorded as activity.
 *
 * <p>Threading: any request thread may call {@link #watch}; running watches are kept in a concurrent map, and each
 * removes itself, on the watch's own thread, when its watcher has stopped.
 */
public final class SandboxFileWatches implements AutoCloseable {
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final SandboxService sandboxes;
    private final SandboxFileSystem fileSystem;
    private final SandboxWork work;
    private final ConcurrentHashMap<FileWatch, SandboxId> running = new ConcurrentHashMap<>();

    public SandboxFileWatches(SandboxService sandboxes, SandboxFileSystem fileSystem, SandboxWork work) {
        this.sandboxes = sandboxes;
        this.fileSystem = fileSystem;
        this.work = work;
        sandboxes.onDeleted(this::forget);
    }

    /**
     * Starts watching directory {@code path} in the sandbox, with {@code recursive} every directory below it too,
     * and returns at once. The watch's first event says when the watcher is in place, or its first
     * {@link FileWatch#next()} throws why it could not be; the caller closes it.
     */
    public FileWatch watch(Principal caller, String sandbox, SandboxPath path, boolean recursive) {
        AccessPolicy.require(caller, Action.SANDBOX_FILES_READ);
        SandboxId id = sandboxes.ensureRunning(caller, sandbox).id();
        SandboxWork.Piece piece = work.begin(id);
        FileWatch watch;
        try {
            watch = fileSystem.watch(id, path, recursive);
        } catch (RuntimeException e) {
            piece.close();
            throw e;
        }
        // In the map before the action that removes it is given, which runs at once for a watch already stopped.
        running.put(watch, id);
        watch.whenStopped(() -> {
            running.remove(watch);
            piece.close();
            sandboxes.recordActivity(id);
        });
        return watch;
    }

    private void forget(SandboxId id) {
        running.forEach((watch, sandbox) -> {
            if (sandbox.equals(id)) {
                watch.end(new WatchEvent.End(WatchEvent.Reason.STOPPED, "The sandbox was deleted or stopped"));
            }
        });
    }

    /** Ends every watch and waits (boundedly) for their watchers to stop, so none outlives the server. */
    @Override
    public void close() {
        var ending = List.copyOf(running.keySet());
        ending.forEach(watch -> watch.end(new WatchEvent.End(WatchEvent.Reason.STOPPED,
                "The server is shutting down")));
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        try {
            for (FileWatch watch : ending) {
                watch.awaitStopped(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
