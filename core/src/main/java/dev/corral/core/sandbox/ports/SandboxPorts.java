package dev.corral.core.sandbox.ports;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.key.ApiKeyService;
import dev.corral.core.key.Principal;
import dev.corral.core.policy.AccessPolicy;
import dev.corral.core.policy.Action;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxRuntime;
import dev.corral.core.sandbox.lifecycle.SandboxService;
import dev.corral.core.sandbox.lifecycle.SandboxWork;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * Opens the way to a port of a sandbox for the proxy: checks the caller may use the sandbox's ports, that the
 * sandbox has a network (a {@code network: "none"} sandbox has loopback only, which nothing outside reaches), finds
 * it running (a paused one is resumed: any use is activity) and asks the runtime for its address. Also makes port
 * URLs (a token of {@link PortTokens} in the proxy's path), redeems their tokens for the caller who made them, and
 * lists what listens in a sandbox.
 *
 * <p>Threading: any request thread may call it; it keeps no state of its own.
 */
public final class SandboxPorts {
    public static final int MIN_PORT = 1;
    public static final int MAX_PORT = 65_535;

    /** How long a port URL opens its port. */
    public static final Duration URL_LIFETIME = Duration.ofMinutes(30);

    /** A URL's path and token: {@code /v1/sandboxes/{id}/ports/{port}/?token=...}, and when it stops working. */
    public record PortUrl(SandboxId sandbox, int port, String path, Instant expiresAt) {
    }

    private final SandboxService sandboxes;
    private final SandboxRuntime runtime;
    private final SandboxWork work;
    private final PortTokens tokens;
    private final ApiKeyService keys;
    private final InstantSource clock;

    public SandboxPorts(SandboxService sandboxes, SandboxRuntime runtime, SandboxWork work, PortTokens tokens,
                        ApiKeyService keys, InstantSource clock) {
        this.sandboxes = sandboxes;
        this.runtime = runtime;
        this.work = work;
        this.tokens = tokens;
        this.keys = keys;
        this.clock = clock;
    }

    /**
     * A URL that opens {@code port} of the sandbox without an API key for {@link #URL_LIFETIME}, as the caller: it
     * stops working sooner if the caller's key is revoked or expires.
     *
     * @throws CorralException as {@link #open}, but the sandbox is not resumed: the URL is only made
     */
    public PortUrl url(Principal caller, String idOrName, int port) {
        AccessPolicy.require(caller, Action.SANDBOX_PORTS);
        requireValid(port);
        Sandbox sandbox = withNetwork(sandboxes.lookup(caller, idOrName));
        Instant expiresAt = clock.instant().plus(URL_LIFETIME).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String token = tokens.sign(sandbox.id(), port, new PortTokens.Signed(caller.organizationId(),
                caller.key().id(), expiresAt));
        return new PortUrl(sandbox.id(), port, "/v1/sandboxes/" + sandbox.id() + "/ports/" + port + "/?token="
                + token, expiresAt);
    }

    /** The TCP ports listening in the caller's sandbox (running or paused: looking does not resume it). */
    public java.util.List<ListeningPort> listening(Principal caller, String idOrName) {
        Sandbox sandbox = sandboxes.get(caller, idOrName);
        if (sandbox.status() != dev.corral.core.sandbox.SandboxStatus.RUNNING
                && sandbox.status() != dev.corral.core.sandbox.SandboxStatus.PAUSED) {
            throw CorralException.invalidState("Sandbox " + sandbox.id() + " is " + sandbox.status().wire()
                    + ": nothing listens in it");
        }
        return runtime.listeningPorts(sandbox.id());
    }

    /**
     * The caller a port URL's token stands for, when it was made for this sandbox id and port, has not expired,
     * and the key it was made with still holds.
     *
     * @throws CorralException {@code invalid_token} or {@code token_expired} otherwise
     */
    public Principal redeem(String token, String sandboxId, int port) {
        if (!SandboxId.isId(sandboxId)) {
            throw new CorralException(ErrorCode.INVALID_TOKEN, "A port URL names its sandbox by id");
        }
        PortTokens.Signed signed = tokens.verify(token, new SandboxId(sandboxId), port, clock.instant());
        return keys.principalOf(signed.organization(), signed.key());
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
        Sandbox sandbox = sandboxes.running(withNetwork(sandboxes.get(caller, idOrName)));
        InetAddress address = runtime.address(sandbox.id()).orElseThrow(() -> CorralException.invalidState(
                "Sandbox " + sandbox.id() + " has no network address now"));
        return new PortConnection(sandbox.id(), address, port, work.begin(sandbox.id()),
                () -> sandboxes.recordActivity(sandbox.id()));
    }

    private static Sandbox withNetwork(Sandbox found) {
        if (found.network().loopbackOnly()) {
            throw CorralException.invalidState("Sandbox " + found.id() + " was created with network \"none\": it"
                    + " has loopback only, so nothing outside it can reach its ports");
        }
        return found;
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
