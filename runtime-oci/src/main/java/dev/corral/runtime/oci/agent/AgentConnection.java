package dev.corral.runtime.oci.agent;

import java.io.EOFException;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One connection to a sandbox's agent, carrying one operation (docs/GUEST-PROTOCOL.md): the one home of the
 * framing. Frames from the agent larger than {@link GuestFrame#MAX_AGENT_PAYLOAD} end the connection, so nothing
 * the sandbox sends can make the server allocate more than that per frame.
 *
 * <p>Threading: a blocking {@link SocketChannel}, which parks a virtual thread rather than pinning its carrier,
 * so any thread may use it. One thread receives; any number send, one whole frame at a time (a lock keeps frames
 * from interleaving). {@link #close()} may come from any thread and makes a blocked receive fail.
 */
public final class AgentConnection implements AutoCloseable {
    private final SocketChannel channel;
    private final ReentrantLock sending = new ReentrantLock();
    private final ByteBuffer header = ByteBuffer.allocate(GuestFrame.HEADER_BYTES);

    private AgentConnection(SocketChannel channel) {
        this.channel = channel;
    }

    /**
     * Connects to the agent's socket.
     *
     * @throws java.net.ConnectException when nobody listens there (the agent died)
     */
    public static AgentConnection open(Path socket) throws IOException {
        return new AgentConnection(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
    }

    /** Sends the operation's request: {@code op=} first, then {@code fields}. */
    public void request(String op, GuestFields fields) throws IOException {
        var request = GuestFields.builder().add("op", op);
        fields.entries().forEach(e -> request.add(e.getKey(), e.getValue()));
        send(GuestFrame.REQUEST, request.build().encode(), 0, -1);
    }

    public void send(byte type, GuestFields fields) throws IOException {
        send(type, fields.encode(), 0, -1);
    }

    /** Sends a frame whose payload is {@code length} bytes of {@code bytes} from {@code offset} (-1: all). */
    public void send(byte type, byte[] bytes, int offset, int length) throws IOException {
        int size = length < 0 ? bytes.length - offset : length;
        if (size > GuestFrame.MAX_CLIENT_PAYLOAD) {
            throw new IllegalArgumentException("a frame holds at most " + GuestFrame.MAX_CLIENT_PAYLOAD + " bytes");
        }
        ByteBuffer head = ByteBuffer.allocate(GuestFrame.HEADER_BYTES).put(type).putInt(size).flip();
        ByteBuffer body = ByteBuffer.wrap(bytes, offset, size);
        sending.lock();
        try {
            ByteBuffer[] both = {head, body};
            while (body.hasRemaining() || head.hasRemaining()) {
                channel.write(both);
            }
        } finally {
            sending.unlock();
        }
    }

    /**
     * The next frame, blocking until it is whole.
     *
     * @throws EOFException when the agent closed the connection (between frames or inside one)
     * @throws IOException  for a frame over the limit, or a broken connection
     */
    public GuestFrame receive() throws IOException {
        header.clear();
        fill(header);
        header.flip();
        byte type = header.get();
        long length = Integer.toUnsignedLong(header.getInt());
        if (length > GuestFrame.MAX_AGENT_PAYLOAD) {
            close();
            throw new IOException("the agent sent a frame of " + length + " bytes, more than the protocol allows");
        }
        ByteBuffer payload = ByteBuffer.allocate((int) length);
        fill(payload);
        return new GuestFrame(type, payload.array());
    }

    private void fill(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new EOFException("the agent closed the connection");
            }
        }
    }

    /** Closes the sending side only: the agent sees the end of the client's frames. */
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a socket fails only when it is already gone
        }
    }
}
