package dev.corral.core.sandbox.terminal;

import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * What a terminal has shown: its output read to the end by a platform thread of its own (a blocking read, as the
 * socket's pump does), kept as text for tests to wait on.
 */
final class TerminalScreen {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ByteArrayOutputStream shown = new ByteArrayOutputStream();
    private final CountDownLatch ended = new CountDownLatch(1);

    TerminalScreen(Terminal terminal) {
        Thread.ofPlatform().daemon().name("terminal-screen").start(() -> {
            byte[] buffer = new byte[4096];
            try {
                int read;
                while ((read = terminal.read(buffer)) >= 0) {
                    synchronized (shown) {
                        shown.write(buffer, 0, read);
                    }
                }
            } catch (IOException e) {
                // shown as an end
            } finally {
                ended.countDown();
            }
        });
    }

    String text() {
        synchronized (shown) {
            return shown.toString(StandardCharsets.UTF_8);
        }
    }

    /** Waits until the screen shows {@code text}. */
    void awaitText(String text) {
        await().atMost(WAIT).until(() -> text().contains(text));
    }

    /** Waits until the terminal has no more output. */
    void awaitEnd() {
        await().atMost(WAIT).until(() -> ended.getCount() == 0);
    }
}
