package dev.corral.core.sandbox.files;

import dev.corral.core.key.Principal;
import dev.corral.core.policy.AccessPolicy;
import dev.corral.core.policy.Action;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxRuntime;
import dev.corral.core.sandbox.exec.ExecSpec;
import dev.corral.core.sandbox.lifecycle.SandboxService;
import dev.corral.core.sandbox.lifecycle.SandboxWork;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches of directories in sandboxes ({@link FileWatch}): starts them, and ends them when their sandbox is
 * deleted or stopped for good, or the server stops. Like every file operation, a watch resumes a paused sandbox
 * and runs inside it, as its root, with the client's path as an argument (see {@link SandboxFiles}). A running
 * watch counts as work in its sandbox ({@link SandboxWork}), so the idle reaper never pauses a watched sandbox;
 * its end is recorded as activity.
 *
 * <p>Threading: any request thread may call {@link #watch}; running watches are kept in a concurrent map, and each
 * removes itself from its pump's thread when its watcher has ended.
 */
public final class SandboxFileWatches implements AutoCloseable {
    /** A watch ends with its socket or its sandbox; this only bounds a watcher that everyone forgot. */
    private static final Duration WATCH_TIMEOUT = Duration.ofDays(365);
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final SandboxService sandboxes;
    private final SandboxRuntime runtime;
    private final SandboxWork work;
    private final InstantSource clock;
    private final ConcurrentHashMap<FileWatch, SandboxId> running = new ConcurrentHashMap<>();

    public SandboxFileWatches(SandboxService sandboxes, SandboxRuntime runtime, SandboxWork work,
                              InstantSource clock) {
        this.sandboxes = sandboxes;
        this.runtime = runtime;
        this.work = work;
        this.clock = clock;
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
        var spec = new ExecSpec(FileScripts.WATCH, "/", FileScripts.ENV, WATCH_TIMEOUT, Long.MAX_VALUE,
                List.of(path.value(), recursive ? "1" : "0"));
        SandboxWork.Piece piece = work.begin(id);
        try {
            var watch = new FileWatch(path, runtime.exec(id, spec), WATCH_TIMEOUT, clock, ended -> {
                running.remove(ended);
                piece.close();
                sandboxes.recordActivity(id);
            });
            running.put(watch, id);
            watch.start();
            return watch;
        } catch (RuntimeException e) {
            piece.close();
            throw e;
        }
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
