package dev.corral.core.sandbox.ports;

import dev.corral.core.error.CorralException;
import dev.corral.core.key.Principal;
import dev.corral.core.policy.AccessPolicy;
import dev.corral.core.policy.Action;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.SandboxRuntime;
import dev.corral.core.sandbox.lifecycle.SandboxService;
import dev.corral.core.sandbox.lifecycle.SandboxWork;
import java.net.InetAddress;

/**
 * Opens the way to a port of a sandbox for the proxy: checks the caller may use the sandbox's ports, that the
 * sandbox has a network (a {@code network: "none"} sandbox has loopback only, which nothing outside reaches), finds
 * it running (a paused one is resumed: any use is activity) and asks the runtime for its address.
 *
 * <p>Threading: any request thread may call it; it keeps no state of its own.
 */
public final class SandboxPorts {
    public static final int MIN_PORT = 1;
    public static final int MAX_PORT = 65_535;

    private final SandboxService sandboxes;
    private final SandboxRuntime runtime;
    private final SandboxWork work;

    public SandboxPorts(SandboxService sandboxes, SandboxRuntime runtime, SandboxWork work) {
        this.sandboxes = sandboxes;
        this.runtime = runtime;
        this.work = work;
    }

    /**
     * Where the proxy connects for {@code port} of the sandbox; the caller closes it when the request ends.
     *
     * @throws CorralException {@code validation_failed} for a port outside 1-65535, {@code not_found} for a
     *                         sandbox the caller's organization does not have, {@code invalid_state} for one with
     *                         no network or not running
     */
    public PortConnection open(Principal caller, String idOrName, int port) {
        AccessPolicy.require(caller, Action.SANDBOX_PORTS);
        requireValid(port);
        Sandbox found = sandboxes.lookup(caller, idOrName);
        if (found.network().loopbackOnly()) {
            throw CorralException.invalidState("Sandbox " + found.id() + " was created with network \"none\": it"
                    + " has loopback only, so nothing outside it can reach its ports");
        }
        Sandbox sandbox = sandboxes.running(caller, idOrName);
        InetAddress address = runtime.address(sandbox.id()).orElseThrow(() -> CorralException.invalidState(
                "Sandbox " + sandbox.id() + " has no network address now"));
        return new PortConnection(sandbox.id(), address, port, work.begin(sandbox.id()),
                () -> sandboxes.recordActivity(sandbox.id()));
    }

    /** @throws CorralException {@code validation_failed} for a port outside 1-65535 */
    public static void requireValid(int port) {
        if (port < MIN_PORT || port > MAX_PORT) {
            throw invalidPort();
        }
    }

    /**
     * The port written as {@code text} (from a path or a query).
     *
     * @throws CorralException {@code validation_failed} for anything but a number from 1 to 65535
     */
    public static int parse(String text) {
        try {
            int port = Integer.parseInt(text);
            requireValid(port);
            return port;
        } catch (NumberFormatException e) {
            throw invalidPort();
        }
    }

    private static CorralException invalidPort() {
        return CorralException.invalid("port", "must be a TCP port, " + MIN_PORT + " to " + MAX_PORT);
    }
}
