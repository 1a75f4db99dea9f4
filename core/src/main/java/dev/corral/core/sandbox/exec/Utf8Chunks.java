package dev.corral.core.sandbox.exec;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes a stream of output chunks as UTF-8 text when the chunks may split a character: the bytes of a character
 * cut at the end of one chunk wait for the next. Malformed bytes become U+FFFD. One instance per stream; not
 * thread-safe.
 */
public final class Utf8Chunks {
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private ByteBuffer pending = ByteBuffer.allocate(0);

    /** The text of {@code chunk}, less any character it ends in the middle of. */
    public String decode(byte[] chunk) {
        ByteBuffer input = ByteBuffer.allocate(pending.remaining() + chunk.length);
        input.put(pending).put(chunk).flip();
        CharBuffer out = CharBuffer.allocate(input.remaining() + 1);
        decoder.decode(input, out, false);
        pending = input.slice();
        return out.flip().toString();
    }

    /** What is left at the end of the stream: an unfinished character becomes U+FFFD. */
    public String finish() {
        CharBuffer out = CharBuffer.allocate(pending.remaining() + 2);
        decoder.decode(pending, out, true);
        decoder.flush(out);
        pending = ByteBuffer.allocate(0);
        return out.flip().toString();
    }
}
