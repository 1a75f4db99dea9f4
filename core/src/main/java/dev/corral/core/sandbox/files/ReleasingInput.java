package dev.corral.core.sandbox.files;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A stream read from a sandbox that releases what its operation holds there when it is closed: it closes the
 * stream it wraps, then runs {@code release}, once, even when that close fails.
 *
 * <p>Threading: as the wrapped stream; closing twice, from any thread, releases once.
 */
final class ReleasingInput extends FilterInputStream {
    private final Runnable release;
    private final AtomicBoolean released = new AtomicBoolean();

    ReleasingInput(InputStream in, Runnable release) {
        super(in);
        this.release = release;
    }

    @Override
    public void close() throws IOException {
        try {
            super.close();
        } finally {
            if (released.compareAndSet(false, true)) {
                release.run();
            }
        }
    }
}
