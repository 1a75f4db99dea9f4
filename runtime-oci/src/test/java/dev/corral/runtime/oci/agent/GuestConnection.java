package dev.corral.runtime.oci.agent;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One client connection to a running corral-guest, with the tests' own minimal frame writer and reader (the
 * production client is tested on its own). Blocking; used by one test thread.
 */
final class GuestConnection implements AutoCloseable {
    private final SocketChannel channel;
    private final DataInputStream in;

    private GuestConnection(SocketChannel channel) {
        this.channel = channel;
        this.in = new DataInputStream(Channels.newInputStream(channel));
    }

    static GuestConnection open(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        return new GuestConnection(channel);
    }

    /** Sends the request: {@code op=} and then each of {@code fields}, given as {@code key=value}. */
    GuestConnection request(String op, String... fields) throws IOException {
        List<String> all = new ArrayList<>();
        all.add("op=" + op);
        all.addAll(List.of(fields));
        return send('Q', all.toArray(String[]::new));
    }

    GuestConnection send(char type, String... fields) throws IOException {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        for (String field : fields) {
            payload.writeBytes(field.getBytes(StandardCharsets.UTF_8));
            payload.write(0);
        }
        return send(type, payload.toByteArray());
    }

    GuestConnection send(char type, byte[] payload) throws IOException {
        return sendRaw(header(type, payload.length), payload);
    }

    GuestConnection sendRaw(byte[]... parts) throws IOException {
        for (byte[] part : parts) {
            ByteBuffer buffer = ByteBuffer.wrap(part);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
        return this;
    }

    static byte[] header(char type, long length) {
        return ByteBuffer.allocate(5).put((byte) type).putInt((int) length).array();
    }

    /** The next frame; throws {@link EOFException} when the agent closed the connection. */
    Frame next() throws IOException {
        char type = (char) in.readUnsignedByte();
        int length = in.readInt();
        byte[] payload = new byte[length];
        in.readFully(payload);
        return new Frame(type, payload);
    }

    /** The next frame, or empty when the agent closed the connection. */
    Optional<Frame> nextOrEnd() throws IOException {
        try {
            return Optional.of(next());
        } catch (EOFException end) {
            return Optional.empty();
        }
    }

    /**
     * Every frame up to the operation's last one ({@code r}, {@code x} or {@code f}) or the connection's end. What
     * comes after the last frame is not read: the agent closes then, and a close with input of ours still unread
     * reaches us as a reset rather than an end.
     */
    List<Frame> all() throws IOException {
        List<Frame> frames = new ArrayList<>();
        for (Optional<Frame> frame = nextOrEnd(); frame.isPresent(); frame = nextOrEnd()) {
            frames.add(frame.get());
            if ("rxf".indexOf(frame.get().type()) >= 0) {
                break;
            }
        }
        return frames;
    }

    /** Reads an exec's frames to its end. */
    ExecOutcome outcome() throws IOException {
        return ExecOutcome.of(all());
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
