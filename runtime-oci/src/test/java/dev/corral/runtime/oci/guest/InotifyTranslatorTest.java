package dev.corral.runtime.oci.guest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.sandbox.files.FileChange;
import dev.corral.core.sandbox.files.WatchEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which changes a watch reports for which inotify records, on a clock the test moves by hand. */
class InotifyTranslatorTest {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
    private static final long PAIRING = InotifyTranslator.PAIRING.toNanos();
    private static final long COALESCING = InotifyTranslator.COALESCING.toNanos();

    private final InotifyTranslator translator = new InotifyTranslator("/workspace");
    private long nanos = 1_000;

    @Test
    void accept_aFileCreatedWrittenManyTimesAndClosed_isCreatedThenModifiedOnce() {
        List<FileChange> changes = accept("CREATE", "/workspace/", "a.txt");
        changes.addAll(accept("MODIFY", "/workspace/", "a.txt"));
        changes.addAll(accept("MODIFY", "/workspace/", "a.txt"));
        changes.addAll(accept("MODIFY", "/workspace/", "a.txt"));
        changes.addAll(accept("CLOSE_WRITE,CLOSE", "/workspace/", "a.txt"));

        assertThat(changes).containsExactly(change(FileChange.Type.CREATED, "/workspace/a.txt"),
                change(FileChange.Type.MODIFIED, "/workspace/a.txt"));
        assertThat(translator.nextDeadline()).isEmpty();
    }

    @Test
    void due_writesToAFileKeptOpen_areToldOnceTheCoalescingIntervalHasPassed() {
        List<FileChange> early = accept("MODIFY", "/workspace/", "log");
        long firstWrite = nanos;
        nanos += COALESCING / 2;
        early.addAll(accept("MODIFY", "/workspace/", "log"));

        List<FileChange> notYet = translator.due(firstWrite + COALESCING - 1);
        List<FileChange> due = translator.due(firstWrite + COALESCING);

        assertThat(early).isEmpty();
        assertThat(translator.nextDeadline()).isEmpty();
        assertThat(notYet).isEmpty();
        assertThat(due).containsExactly(change(FileChange.Type.MODIFIED, "/workspace/log"));
    }

    @Test
    void nextDeadline_aPendingWrite_isWhenItIsDue() {
        accept("MODIFY", "/workspace/", "log");

        assertThat(translator.nextDeadline()).hasValue(nanos + COALESCING);
    }

    @Test
    void accept_closedWithoutAWrite_reportsNothing() {
        assertThat(accept("CLOSE_WRITE,CLOSE", "/workspace/", "touched")).isEmpty();
    }

    @Test
    void accept_movedFromThenMovedTo_isOneRename() {
        List<FileChange> changes = accept("MOVED_FROM", "/workspace/", "old name");
        changes.addAll(accept("MOVED_TO", "/workspace/sub/", "new name"));

        assertThat(changes).containsExactly(new FileChange(FileChange.Type.RENAMED, "/workspace/sub/new name",
                Optional.of("/workspace/old name"), AT));
    }

    @Test
    void due_aMoveWithoutItsOtherHalf_isDeletedOnceThePairingWindowHasPassed() {
        List<FileChange> waiting = accept("MOVED_FROM,ISDIR", "/workspace/", "gone");

        List<FileChange> notYet = translator.due(nanos + PAIRING - 1);
        List<FileChange> due = translator.due(nanos + PAIRING);

        assertThat(waiting).isEmpty();
        assertThat(notYet).isEmpty();
        assertThat(due).containsExactly(change(FileChange.Type.DELETED, "/workspace/gone"));
    }

    @Test
    void accept_aMoveFollowedBySomethingElse_isDeletedThenThatOne() {
        List<FileChange> changes = accept("MOVED_FROM", "/workspace/", "out");
        changes.addAll(accept("MOVED_TO", "/workspace/", "in"));
        changes.addAll(accept("MOVED_FROM", "/workspace/", "out2"));
        changes.addAll(accept("CREATE", "/workspace/", "x"));
        changes.addAll(accept("MOVED_TO", "/workspace/", "in2"));

        assertThat(changes).containsExactly(
                new FileChange(FileChange.Type.RENAMED, "/workspace/in", Optional.of("/workspace/out"), AT),
                change(FileChange.Type.DELETED, "/workspace/out2"),
                change(FileChange.Type.CREATED, "/workspace/x"),
                change(FileChange.Type.CREATED, "/workspace/in2"));
    }

    @Test
    void accept_aWriteThroughTheFilesApi_isTheTargetModifiedOnly() {
        String temporary = FileScripts.UPLOAD_PREFIX + "1234";

        List<FileChange> changes = accept("CREATE", "/workspace/", temporary);
        changes.addAll(accept("MODIFY", "/workspace/", temporary));
        changes.addAll(accept("CLOSE_WRITE,CLOSE", "/workspace/", temporary));
        changes.addAll(accept("MOVED_FROM", "/workspace/", temporary));
        changes.addAll(accept("MOVED_TO", "/workspace/", "notes.md"));
        changes.addAll(accept("DELETE", "/workspace/", FileScripts.UPLOAD_PREFIX + "5678"));

        assertThat(changes).containsExactly(change(FileChange.Type.MODIFIED, "/workspace/notes.md"));
    }

    @Test
    void accept_aPendingWriteThenTheFilesDeletion_tellsTheWriteFirst() {
        List<FileChange> changes = accept("MODIFY", "/workspace/", "f");
        changes.addAll(accept("DELETE", "/workspace/", "f"));

        assertThat(changes).containsExactly(change(FileChange.Type.MODIFIED, "/workspace/f"),
                change(FileChange.Type.DELETED, "/workspace/f"));
    }

    @Test
    void accept_theWatchedDirectoryDeleted_endsTheWatch() {
        List<FileChange> changes = accept("DELETE_SELF", "/workspace/sub/", "");
        assertThat(translator.end()).as("a subdirectory's own deletion").isEmpty();

        changes.addAll(accept("MODIFY", "/workspace/", "f"));
        changes.addAll(accept("DELETE_SELF", "/workspace/", ""));
        changes.addAll(accept("CREATE", "/workspace/", "after"));

        assertThat(changes).containsExactly(change(FileChange.Type.MODIFIED, "/workspace/f"),
                change(FileChange.Type.DELETED, "/workspace"));
        assertThat(translator.end()).map(WatchEvent.End::reason).hasValue(WatchEvent.Reason.DIRECTORY_GONE);
    }

    @Test
    void accept_anOverflow_endsTheWatchAsEventsLost() {
        List<FileChange> changes = accept("MOVED_FROM", "/workspace/", "a");
        changes.addAll(accept("Q_OVERFLOW", "", ""));

        assertThat(changes).containsExactly(change(FileChange.Type.DELETED, "/workspace/a"));
        assertThat(translator.end()).map(WatchEvent.End::reason).hasValue(WatchEvent.Reason.EVENTS_LOST);
    }

    @Test
    void drain_whatIsPending_isToldAtOnce() {
        accept("MODIFY", "/workspace/", "f");
        accept("MOVED_FROM", "/workspace/", "g");

        assertThat(translator.drain()).containsExactlyInAnyOrder(change(FileChange.Type.MODIFIED, "/workspace/f"),
                change(FileChange.Type.DELETED, "/workspace/g"));
        assertThat(translator.nextDeadline()).isEmpty();
    }

    private List<FileChange> accept(String events, String directory, String name) {
        nanos += Duration.ofMillis(1).toNanos();
        return new ArrayList<>(translator.accept(new InotifyRecord(Set.of(events.split(",")), directory, name), AT,
                nanos));
    }

    private static FileChange change(FileChange.Type type, String path) {
        return FileChange.of(type, path, AT);
    }
}
