package dev.corral.runtime.oci.volumes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening by descriptor: every kind of entry that is not what was asked for is refused without waiting or leaking. */
class ConfinedFolderTest {
    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectory(dir.resolve("sub"));
        Files.writeString(dir.resolve("file"), "data");
        Files.createSymbolicLink(dir.resolve("link"), Path.of("/"));
        Files.createSymbolicLink(dir.resolve("file-link"), dir.resolve("file"));
        new ProcessBuilder("mkfifo", dir.resolve("fifo").toString()).start().waitFor();
    }

    @Test
    void folder_ofEveryOtherKind_isRefusedWithoutLeakingADescriptor() throws IOException {
        long before = openDescriptors();
        try (var top = ConfinedFolder.open(dir)) {
            for (int i = 0; i < 200; i++) {
                assertThatThrownBy(() -> top.folder("file")).isInstanceOf(NotDirectoryException.class);
                assertThatThrownBy(() -> top.folder("fifo")).isInstanceOf(NotDirectoryException.class);
                assertThatThrownBy(() -> top.folder("missing")).isInstanceOf(NoSuchFileException.class);
                assertThatThrownBy(() -> top.folder("link")).isInstanceOf(NotDirectoryException.class);
            }
            try (var sub = top.folder("sub")) {
                assertThat(sub.names()).isEmpty();
            }
        }
        assertThat(openDescriptors()).isLessThanOrEqualTo(before);
    }

    @Test
    void readFile_readsRegularFilesOnlyAndNeverWaitsOnAFifo() throws IOException {
        try (var top = ConfinedFolder.open(dir)) {
            try (FileChannel channel = top.readFile("file")) {
                assertThat(channel.size()).isEqualTo(4);
            }
            for (String name : List.of("fifo", "sub")) {
                assertThatThrownBy(() -> top.readFile(name)).as(name).isInstanceOf(FileSystemException.class)
                        .hasMessageContaining(ConfinedFolder.NOT_REGULAR);
            }
            assertThatThrownBy(() -> top.readFile("file-link")).hasMessageContaining("symbolic links");
        }
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
