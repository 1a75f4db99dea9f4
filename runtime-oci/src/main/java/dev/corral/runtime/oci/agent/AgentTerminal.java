package dev.corral.runtime.oci.agent;

import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.terminal.Terminal;
import dev.corral.core.sandbox.terminal.TerminalSize;
import java.io.IOException;
import java.util.OptionalInt;

/**
 * A terminal served by a sandbox's agent: an {@code exec pty=1} whose {@code o} frames are the pty's output,
 * {@code i} frames its input and {@code z} frames its size. Closing the connection makes the agent kill the
 * command's process group.
 *
 * <p>Threading: one thread reads (on the connection directly; a blocking socket channel parks a virtual thread),
 * another writes and resizes (frames are sent whole under the connection's lock); {@link #close()} from any thread
 * makes a blocked {@link #read} return -1.
 */
public final class AgentTerminal implements Terminal {
    private final AgentConnection connection;
    private byte[] pending = new byte[0];
    private int position;
    private volatile boolean closed;
    private volatile boolean ended;
    private volatile OptionalInt exitCode = OptionalInt.empty();

    private AgentTerminal(AgentConnection connection) {
        this.connection = connection;
    }

    /**
     * Sends {@code request} (an {@code exec} with {@code pty=1}) and waits until the agent started it.
     *
     * @throws CorralException {@code runtime_unavailable} when the agent could not start it
     */
    public static AgentTerminal open(AgentConnection connection, GuestFields request) {
        try {
            connection.request("exec", request);
            GuestFrame first = connection.receive();
            if (first.type() != GuestFrame.STARTED) {
                throw CorralException.runtimeUnavailable("The guest agent did not open the terminal: "
                        + first.fields().text("message", first.toString()), null);
            }
            return new AgentTerminal(connection);
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e instanceof CorralException corral ? corral
                    : CorralException.runtimeUnavailable("The guest agent went away opening a terminal: " + e, e);
        }
    }

    @Override
    public int read(byte[] buffer) throws IOException {
        while (position == pending.length) {
            if (ended || closed) {
                return -1;
            }
            GuestFrame frame;
            try {
                frame = connection.receive();
            } catch (IOException e) {
                if (closed) {
                    return -1;
                }
                throw e;
            }
            switch (frame.type()) {
                case GuestFrame.STDOUT, GuestFrame.STDERR -> {
                    pending = frame.payload();
                    position = 0;
                }
                case GuestFrame.EXITED -> {
                    long signal = frame.fields().number("signal", 0);
                    exitCode = OptionalInt.of(signal != 0 ? 128 + (int) signal
                            : (int) frame.fields().number("code", 0));
                    ended = true;
                    connection.close();
                }
                case GuestFrame.FAILED -> throw new IOException("the terminal failed: "
                        + frame.fields().text("message", ""));
                default -> throw new IOException("the guest agent sent " + frame + " to a terminal");
            }
        }
        int n = Math.min(buffer.length, pending.length - position);
        System.arraycopy(pending, position, buffer, 0, n);
        position += n;
        return n;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        for (int sent = 0; sent < length; ) {
            int n = Math.min(length - sent, GuestFrame.MAX_CLIENT_PAYLOAD);
            connection.send(GuestFrame.STDIN, bytes, offset + sent, n);
            sent += n;
        }
    }

    @Override
    public void resize(TerminalSize size) throws IOException {
        connection.send(GuestFrame.RESIZE, GuestFields.builder().add("cols", size.cols()).add("rows", size.rows())
                .build());
    }

    @Override
    public OptionalInt exitCode() {
        return exitCode;
    }

    @Override
    public void close() {
        closed = true;
        connection.close();
    }
}
