package dev.corral.core.sandbox.ports;

import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.lifecycle.SandboxWork;
import java.net.InetAddress;
import java.util.Objects;

/**
 * One use of a sandbox's port by the proxy: where to connect, and the sandbox counted at work (so the idle reaper
 * never pauses it under an open request) until this is closed, when the use is recorded as activity.
 *
 * <p>Threading: owned by the request that opened it; {@link #close()} may be called more than once.
 */
public final class PortConnection implements AutoCloseable {
    private final SandboxId sandbox;
    private final InetAddress address;
    private final int port;
    private final SandboxWork.Piece work;
    private final Runnable ended;

    PortConnection(SandboxId sandbox, InetAddress address, int port, SandboxWork.Piece work, Runnable ended) {
        this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
        this.address = Objects.requireNonNull(address, "address");
        this.port = port;
        this.work = work;
        this.ended = ended;
    }

    public SandboxId sandbox() {
        return sandbox;
    }

    /** The sandbox's address on the host's bridge. */
    public InetAddress address() {
        return address;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        work.close();
        ended.run();
    }
}
