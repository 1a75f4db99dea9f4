package dev.corral.runtime.oci.agent;

import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.files.SandboxPath;
import java.io.IOException;
import java.io.InputStream;

/**
 * The {@code d} frames of one operation as a stream, ended by its {@code r}; an {@code f} (or a connection that
 * ends first) is thrown by {@link #read}, never taken for the end, so a cut-off content never looks whole.
 * Closing it closes the connection, which ends the operation in the agent.
 *
 * <p>Threading: one reader at a time; {@link #close()} from any thread.
 */
final class GuestDataStream extends InputStream {
    private final AgentConnection connection;
    private final String action;
    private final SandboxPath path;
    private byte[] frame = new byte[0];
    private int position;
    private boolean done;

    GuestDataStream(AgentConnection connection, String action, SandboxPath path) {
        this.connection = connection;
        this.action = action;
        this.path = path;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (position == frame.length) {
            if (done) {
                return -1;
            }
            GuestFrame next = connection.receive();
            switch (next.type()) {
                case GuestFrame.DATA -> {
                    frame = next.payload();
                    position = 0;
                }
                case GuestFrame.DONE -> {
                    done = true;
                    connection.close();
                }
                case GuestFrame.FAILED -> throw GuestFailure.of(next, action, path);
                default -> throw CorralException.runtimeUnavailable("The guest agent sent " + next + " in the middle of "
                        + action + " " + path, null);
            }
        }
        int n = Math.min(length, frame.length - position);
        System.arraycopy(frame, position, buffer, offset, n);
        position += n;
        return n;
    }

    @Override
    public void close() {
        connection.close();
    }
}
