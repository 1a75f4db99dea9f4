package dev.corral.core.sandbox.files;

import dev.corral.core.io.LimitedInput;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The input streams a file operation feeds into a sandbox: the counted upload and the input decided later. */
class FileStreamsTest {
    @Test
    void limitedInput_exactlyTheLimit_readsThrough() throws Exception {
        InputStream in = new LimitedInput(new ByteArrayInputStream(new byte[100]), 100);

        assertThat(in.readAllBytes()).hasSize(100);
    }

    @Test
    void limitedInput_oneByteMore_isPayloadTooLarge() {
        InputStream in = new LimitedInput(new ByteArrayInputStream(new byte[101]), 100);

        assertThatThrownBy(in::readAllBytes).isInstanceOfSatisfying(CorralException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE));
    }

    @Test
    void limitedInput_skippingPastTheLimit_isCountedToo() {
        InputStream in = new LimitedInput(new ByteArrayInputStream(new byte[200]), 100);

        assertThatThrownBy(() -> in.skip(150)).isInstanceOf(CorralException.class);
    }

    @Test
    void pendingInput_read_waitsForTheBytesThenEnds() throws Exception {
        var input = new PendingInput();
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try {
                return input.readAllBytes();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        input.complete("12 34\n");
        input.complete("ignored");

        assertThat(new String(read.get())).isEqualTo("12 34\n");
    }

    @Test
    void pendingInput_readInterrupted_throwsInterruptedIo() throws Exception {
        var input = new PendingInput();
        var thrown = new CompletableFuture<Throwable>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                input.read();
            } catch (Exception e) {
                thrown.complete(e);
            }
        });

        reader.interrupt();

        assertThat(thrown.get()).isInstanceOf(InterruptedIOException.class);
    }
}
