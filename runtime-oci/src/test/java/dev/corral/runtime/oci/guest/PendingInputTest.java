package dev.corral.runtime.oci.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The standard input of a read script, decided once the script has said the file's size. */
class PendingInputTest {
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
