package dev.corral.runtime.oci.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Reading inotifywait's NUL-separated records, whatever the names hold and wherever the chunks end. */
class InotifyOutputTest {
    private final InotifyOutput output = new InotifyOutput();

    @Test
    void feed_namesWithBlanksBarsAndNewlines_comeThroughWhole() {
        List<InotifyRecord> records = output.feed(bytes("CREATE\0/workspace/\0a b|c\0"
                + "CLOSE_WRITE,CLOSE\0/workspace/\0new\nline\0"));

        assertThat(records).containsExactly(
                new InotifyRecord(Set.of("CREATE"), "/workspace/", "a b|c"),
                new InotifyRecord(Set.of("CLOSE_WRITE", "CLOSE"), "/workspace/", "new\nline"));
        assertThat(records.get(0).path()).isEqualTo("/workspace/a b|c");
    }

    @Test
    void feed_chunksEndingAnywhere_giveTheSameRecords() {
        byte[] whole = bytes("MOVED_FROM,ISDIR\0/workspace/\0dir\0MODIFY\0/workspace/sub/\0héllo\0");
        var records = new ArrayList<InotifyRecord>();

        for (byte b : whole) {
            records.addAll(output.feed(new byte[] {b}));
        }

        assertThat(records).containsExactly(
                new InotifyRecord(Set.of("MOVED_FROM", "ISDIR"), "/workspace/", "dir"),
                new InotifyRecord(Set.of("MODIFY"), "/workspace/sub/", "héllo"));
    }

    @Test
    void feed_theDirectorysOwnEvent_isAboutTheDirectory() {
        InotifyRecord record = output.feed(bytes("DELETE_SELF\0/workspace/\0\0")).getFirst();

        assertThat(record.name()).isEmpty();
        assertThat(record.path()).isEqualTo("/workspace");
        assertThat(new InotifyRecord(Set.of("DELETE_SELF"), "/", "").path()).isEqualTo("/");
        assertThat(new InotifyRecord(Set.of("CREATE"), "/", "x").path()).isEqualTo("/x");
    }

    @Test
    void feed_recordsCutShort_loseThemAndTheNextButThenLineUpAgain() {
        String directoryCut = "MODIFY\0/" + "d".repeat(4089);
        String nameCut = "MODIFY\0/workspace/\0" + "n".repeat(300);

        List<InotifyRecord> records = output.feed(bytes(directoryCut + "CREATE\0/workspace/\0a\0"
                + "DELETE\0/workspace/\0b\0" + nameCut + "CREATE\0/workspace/\0c\0DELETE\0/workspace/\0d\0"));

        assertThat(records).containsExactly(new InotifyRecord(Set.of("DELETE"), "/workspace/", "b"),
                new InotifyRecord(Set.of("DELETE"), "/workspace/", "d"));
    }

    @Test
    void feed_anOverflow_isARecordWithoutDirectory() {
        assertThat(output.feed(bytes("Q_OVERFLOW\0\0\0"))).containsExactly(
                new InotifyRecord(Set.of("Q_OVERFLOW"), "", ""));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
