package dev.corral.runtime.oci.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.sandbox.files.NewFile;
import dev.corral.core.sandbox.files.SandboxPath;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class UploadContentsTest {
    @Test
    void read_filesOfTheirDeclaredSizes_givesThemOneAfterTheOther() throws IOException {
        try (var contents = new UploadContents(List.of(file("a", "one", 3), file("empty", "", 0),
                file("b", "two!", 4)))) {
            assertThat(new String(contents.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("onetwo!");
        }
    }

    @Test
    void read_aContentShorterThanDeclared_failsNamingIt() {
        var contents = new UploadContents(List.of(file("short", "ab", 3), file("next", "x", 1)));

        assertThatThrownBy(contents::readAllBytes).isInstanceOf(IOException.class)
                .hasMessageContaining("short").hasMessageContaining("1 bytes before");
    }

    @Test
    void read_aContentLongerThanDeclared_failsBeforeTheNextFileTakesItsBytes() {
        var contents = new UploadContents(List.of(file("long", "abcd", 3), file("next", "x", 1)));

        assertThatThrownBy(contents::readAllBytes).isInstanceOf(IOException.class)
                .hasMessageContaining("long").hasMessageContaining("longer than its declared size");
    }

    private static NewFile file(String name, String content, long size) {
        return new NewFile(SandboxPath.of("path", "/workspace/" + name), size,
                () -> new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
    }
}
