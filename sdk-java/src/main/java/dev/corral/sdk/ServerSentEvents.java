package dev.corral.sdk;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads server-sent events ({@code text/event-stream}) one at a time: {@code event:} names it, {@code data:}
 * lines are joined with newlines, a blank line ends it, comments ({@code :...}) and other fields are skipped.
 * A line longer than {@link #MAX_LINE_BYTES} is an error rather than a buffer that grows without end.
 *
 * <p>Threading: one thread reads; blocking, so a platform thread (such as a CLI's main thread).
 */
public final class ServerSentEvents implements AutoCloseable {
    public static final int MAX_LINE_BYTES = 8 << 20;

    /** One event: its name ({@code message} when it had none) and its data. */
    public record Event(String name, String data) {
    }

    private final InputStream in;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    public ServerSentEvents(InputStream in) {
        this.in = new BufferedInputStream(in);
    }

    /** The next event, or empty at the end of the stream. */
    public Optional<Event> next() throws IOException {
        String name = "message";
        StringBuilder data = null;
        String text;
        while ((text = readLine()) != null) {
            if (text.isEmpty()) {
                if (data != null) {
                    return Optional.of(new Event(name, data.toString()));
                }
                name = "message";
            } else if (text.startsWith("event:")) {
                name = value(text, 6);
            } else if (text.startsWith("data:")) {
                data = data == null ? new StringBuilder() : data.append('\n');
                data.append(value(text, 5));
            }
        }
        return Optional.empty();
    }

    private static String value(String line, int fieldLength) {
        return line.startsWith(" ", fieldLength) ? line.substring(fieldLength + 1) : line.substring(fieldLength);
    }

    /** A line without its {@code \n} or {@code \r\n}; null at the end of the stream. */
    private String readLine() throws IOException {
        line.reset();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (line.size() == MAX_LINE_BYTES) {
                throw new IOException("an event line over " + (MAX_LINE_BYTES >> 20) + " MiB");
            }
            line.write(b);
        }
        if (b == -1 && line.size() == 0) {
            return null;
        }
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
