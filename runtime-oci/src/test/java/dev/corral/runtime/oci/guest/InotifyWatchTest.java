package dev.corral.runtime.oci.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.sandbox.exec.ExecEvent;
import dev.corral.core.sandbox.exec.ExecStream;
import dev.corral.core.sandbox.files.FileChange;
import dev.corral.core.sandbox.files.SandboxPath;
import dev.corral.core.sandbox.files.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A watch over a scripted watcher: readiness, changes, failures before it is ready, and every way it ends. */
class InotifyWatchTest {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
    private static final String ESTABLISHED = "Setting up watches.\nWatches established.\n";

    private final ScriptedWatcher watcher = new ScriptedWatcher();
    private final AtomicInteger ends = new AtomicInteger();
    private final InotifyWatch watch = new InotifyWatch(SandboxPath.of("path", "/workspace"), watcher,
            Duration.ofDays(1), InstantSource.fixed(AT));

    InotifyWatchTest() {
        watch.whenStopped(ends::incrementAndGet);
    }

    @Test
    void next_readyThenChanges_thenClosedEndsTheWatcher() throws Exception {
        watch.start();
        watcher.stderr(ESTABLISHED);
        watcher.stdout("CREATE\0/workspace/\0a b\0MODIFY\0/workspace/\0a b\0CLOSE_WRITE,CLOSE\0/workspace/\0a b\0");

        List<WatchEvent> events = List.of(watch.next(), watch.next(), watch.next());
        watch.close();
        WatchEvent end = watch.next();

        assertThat(events).containsExactly(new WatchEvent.Ready("/workspace", AT),
                FileChange.of(FileChange.Type.CREATED, "/workspace/a b", AT),
                FileChange.of(FileChange.Type.MODIFIED, "/workspace/a b", AT));
        assertThat(end).isEqualTo(new WatchEvent.End(WatchEvent.Reason.CLOSED, "The watch was closed"));
        assertThat(watch.awaitStopped(Duration.ofSeconds(10))).isTrue();
        assertThat(watcher.closed).isTrue();
        assertThat(ends).hasValue(1);
    }

    @Test
    void next_aWriteLeftOpen_isToldAfterTheCoalescingIntervalWithNothingElseArriving() throws Exception {
        watch.start();
        watcher.stderr(ESTABLISHED);
        watcher.stdout("MODIFY\0/workspace/\0server.log\0");

        assertThat(watch.next()).isInstanceOf(WatchEvent.Ready.class);
        assertThat(watch.next()).isEqualTo(FileChange.of(FileChange.Type.MODIFIED, "/workspace/server.log", AT));
        watch.close();
    }

    @Test
    void next_watcherEndsBeforeItIsReady_throwsWhy() {
        watch.start();
        watcher.exit(80);

        assertThatThrownBy(watch::next).isInstanceOfSatisfying(CorralException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void next_watcherEndsAfterItWasReady_endsAsStopped() throws Exception {
        watch.start();
        watcher.stderr(ESTABLISHED);
        assertThat(watch.next()).isInstanceOf(WatchEvent.Ready.class);

        watcher.exit(137);

        assertThat(watch.next()).isInstanceOfSatisfying(WatchEvent.End.class,
                end -> assertThat(end.reason()).isEqualTo(WatchEvent.Reason.STOPPED));
    }

    @Test
    void next_theWatchedDirectoryDeleted_reportsItAndEndsTheWatcher() throws Exception {
        watch.start();
        watcher.stdout("DELETE_SELF\0/workspace/\0\0");

        var events = new ArrayList<WatchEvent>();
        do {
            events.add(watch.next());
        } while (!(events.getLast() instanceof WatchEvent.End));

        assertThat(events).hasSize(3);
        assertThat(events.get(1)).isEqualTo(FileChange.of(FileChange.Type.DELETED, "/workspace", AT));
        assertThat(events.get(2)).isInstanceOfSatisfying(WatchEvent.End.class,
                end -> assertThat(end.reason()).isEqualTo(WatchEvent.Reason.DIRECTORY_GONE));
        assertThat(watch.awaitStopped(Duration.ofSeconds(10))).isTrue();
        assertThat(watcher.closed).isTrue();
    }

    @Test
    void end_fromAnotherThreadWhileNextBlocks_isWhatNextReturns() throws Exception {
        watch.start();
        watcher.stderr(ESTABLISHED);
        assertThat(watch.next()).isInstanceOf(WatchEvent.Ready.class);
        CompletableFuture<WatchEvent> blocked = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                blocked.complete(watch.next());
            } catch (InterruptedException | RuntimeException e) {
                blocked.completeExceptionally(e);
            }
        });

        var deleted = new WatchEvent.End(WatchEvent.Reason.STOPPED, "The sandbox was deleted or stopped");
        watch.end(deleted);

        assertThat(blocked.get(10, TimeUnit.SECONDS)).isEqualTo(deleted);
        assertThat(watch.awaitStopped(Duration.ofSeconds(10))).isTrue();
        assertThat(ends).hasValue(1);
    }

    /** A watcher process whose output the test writes; killing it makes it exit, as a killed process does. */
    private static final class ScriptedWatcher implements ExecStream {
        private final BlockingQueue<ExecEvent> events = new LinkedBlockingQueue<>();
        volatile boolean closed;

        void stdout(String text) {
            events.add(new ExecEvent.Stdout(text.getBytes(StandardCharsets.UTF_8)));
        }

        void stderr(String text) {
            events.add(new ExecEvent.Stderr(text.getBytes(StandardCharsets.UTF_8)));
        }

        void exit(int code) {
            events.add(new ExecEvent.Exit(code, Duration.ofSeconds(1), false, false));
        }

        @Override
        public ExecEvent next() throws InterruptedException {
            return events.take();
        }

        @Override
        public void kill() {
            events.add(new ExecEvent.Exit(137, Duration.ofSeconds(1), true, false));
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
