package dev.corral.core.sandbox.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What a read hands on from the file system: exactly its slice, never a short or long file, released once. */
class FileReadTest {
    @Test
    void transferTo_contentOfTheSlice_writesItWhole() throws Exception {
        var out = new ByteArrayOutputStream();

        read("cde", 3).transferTo(out);

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("cde");
    }

    @Test
    void transferTo_contentShorterThanTheSlice_isRuntimeUnavailable() {
        assertThatThrownBy(() -> read("cd", 3).transferTo(new ByteArrayOutputStream()))
                .isInstanceOfSatisfying(CorralException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.RUNTIME_UNAVAILABLE));
    }

    @Test
    void transferTo_contentLongerThanTheSlice_isRuntimeUnavailable() {
        assertThatThrownBy(() -> read("cdef", 3).transferTo(new ByteArrayOutputStream()))
                .isInstanceOf(CorralException.class).hasMessageContaining("more bytes");
    }

    @Test
    void whenClosed_closedTwice_closesTheContentAndReleasesOnce() {
        var contentClosed = new AtomicInteger();
        var released = new AtomicInteger();
        InputStream content = new ByteArrayInputStream(new byte[0]) {
            @Override
            public void close() {
                contentClosed.incrementAndGet();
            }
        };
        FileRead read = new FileRead(0, false, Optional.empty(), content).whenClosed(released::incrementAndGet);

        read.close();
        read.close();

        assertThat(contentClosed.get()).isPositive();
        assertThat(released).hasValue(1);
    }

    private static FileRead read(String content, long length) {
        return new FileRead(10, true, Optional.of(new ByteRange.Slice(2, length)),
                new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
    }
}
