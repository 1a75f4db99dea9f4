package dev.corral.http.sandboxes;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.corral.core.sandbox.exec.ExecEvent;
import dev.corral.core.sandbox.exec.ExecStream;
import dev.corral.core.sandbox.exec.Utf8Chunks;
import dev.corral.http.Json;
import dev.corral.http.RequestIds;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.Reader;
import java.nio.CharBuffer;
import java.util.Arrays;
import java.util.Base64;

/**
 * The JSON answer to a foreground command ({@code stdout}, {@code stderr}, {@code exitCode}, both of RunTools'
 * names for its duration, {@code executionTime} of the DEV docs and {@code durationMs} of the NEW OpenAPI, in
 * milliseconds, {@code timedOut}, {@code truncated}, {@code encoding}; in the envelope), written while the command
 * runs: its standard output goes into the answer's {@code stdout} string chunk by chunk as it comes, then
 * standard error (kept until the exit, since the answer has it after), the exit and {@code meta}.
 *
 * <p>Why not build the answer at the end: a command's output would then be held whole, several times over (the
 * bytes as they came, one array of them, the decoded string, the serialized answer), about 40 MB for the 10 MB an
 * enterprise plan keeps, in arrays big enough for the collector to handle apart. Four such floods at once kept the
 * collector pausing every thread, {@code /health} included, on a 256 MB heap. Streamed, a flood costs one chunk.
 *
 * <p>The command's first event is awaited before anything is written, so a command that never started (a paused
 * sandbox, say) still gets its error envelope. A client that goes away makes a write fail, and the caller's closing
 * of the stream then kills the command, as for a stream of events.
 *
 * <p>Threading: runs on the request's thread; it yields between chunks, since a virtual thread is never preempted
 * and a flood must let other requests run.
 */
final class StreamedExecAnswer {
    private StreamedExecAnswer() {
    }

    static void write(Context ctx, ExecStream stream, ExecBody.Encoding encoding)
            throws InterruptedException, IOException {
        var output = new Stdout(stream, stream.next(), textOf(encoding));
        ctx.status(200).contentType(ContentType.APPLICATION_JSON);
        try (JsonGenerator json = Json.mapper().getFactory().createGenerator(ctx.outputStream())
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
            json.writeStartObject();
            json.writeObjectFieldStart("data");
            json.writeFieldName("stdout");
            json.writeString(output, -1);
            ExecEvent.Exit exit = output.exit();
            long millis = exit.duration().toMillis();
            ChunkText stderr = textOf(encoding);
            json.writeStringField("stderr", stderr.text(output.stderr()) + stderr.rest());
            json.writeNumberField("exitCode", exit.exitCode());
            json.writeNumberField("executionTime", millis);
            json.writeNumberField("durationMs", millis);
            json.writeBooleanField("timedOut", exit.timedOut());
            json.writeBooleanField("truncated", exit.truncated());
            json.writeStringField("encoding", encoding == ExecBody.Encoding.BASE64 ? "base64" : "utf8");
            json.writeEndObject();
            json.writeObjectFieldStart("meta");
            json.writeStringField("requestId", RequestIds.of(ctx));
            json.writeEndObject();
            json.writeEndObject();
        }
    }

    private static ChunkText textOf(ExecBody.Encoding encoding) {
        return encoding == ExecBody.Encoding.BASE64 ? new Base64Chunks() : new Utf8Text(new Utf8Chunks());
    }

    /** Output bytes as the answer's text, chunk by chunk; what a chunk leaves unfinished comes with the next. */
    interface ChunkText {
        String text(byte[] chunk);

        /** What is left once the output ended. */
        String rest();
    }

    private record Utf8Text(Utf8Chunks chunks) implements ChunkText {
        @Override
        public String text(byte[] chunk) {
            return chunks.decode(chunk);
        }

        @Override
        public String rest() {
            return chunks.finish();
        }
    }

    /** Base64 of a stream of chunks: whole groups of three bytes are encoded, the last one or two wait. */
    static final class Base64Chunks implements ChunkText {
        private final Base64.Encoder encoder = Base64.getEncoder();
        private byte[] pending = new byte[0];

        @Override
        public String text(byte[] chunk) {
            byte[] all = new byte[pending.length + chunk.length];
            System.arraycopy(pending, 0, all, 0, pending.length);
            System.arraycopy(chunk, 0, all, pending.length, chunk.length);
            int whole = all.length - all.length % 3;
            pending = Arrays.copyOfRange(all, whole, all.length);
            return encoder.encodeToString(Arrays.copyOf(all, whole));
        }

        @Override
        public String rest() {
            String last = encoder.encodeToString(pending);
            pending = new byte[0];
            return last;
        }
    }

    /**
     * The command's standard output as the text of the answer, read until the exit; standard error is kept aside
     * meanwhile.
     */
    private static final class Stdout extends Reader {
        private final ExecStream stream;
        private final ChunkText text;
        private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        private ExecEvent next;
        private ExecEvent.Exit exit;
        private CharBuffer pending = CharBuffer.allocate(0);

        Stdout(ExecStream stream, ExecEvent first, ChunkText text) {
            this.stream = stream;
            this.next = first;
            this.text = text;
        }

        @Override
        public int read(char[] buffer, int offset, int length) throws IOException {
            while (!pending.hasRemaining()) {
                if (exit != null) {
                    return -1;
                }
                take(nextEvent());
            }
            int count = Math.min(length, pending.remaining());
            pending.get(buffer, offset, count);
            return count;
        }

        private ExecEvent nextEvent() throws InterruptedIOException {
            if (next != null) {
                ExecEvent first = next;
                next = null;
                return first;
            }
            try {
                return stream.next();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while the command ran");
            }
        }

        private void take(ExecEvent event) {
            switch (event) {
                case ExecEvent.Stdout chunk -> {
                    pending = CharBuffer.wrap(text.text(chunk.data()));
                    Thread.yield();
                }
                case ExecEvent.Stderr chunk -> {
                    stderr.writeBytes(chunk.data());
                    Thread.yield();
                }
                case ExecEvent.Exit last -> {
                    exit = last;
                    pending = CharBuffer.wrap(text.rest());
                }
            }
        }

        ExecEvent.Exit exit() {
            return exit;
        }

        byte[] stderr() {
            return stderr.toByteArray();
        }

        @Override
        public void close() {
            // The stream belongs to the caller, who closes it.
        }
    }
}
