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
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Opens the way to a port of a sandbox for the proxy: checks the caller may use the sandbox's ports, that the
 * sandbox has a network (a {@code network: "none"} sandbox has loopback only, which nothing outside reaches), finds
 * it running (a paused one is resumed: any use is activity) and asks the runtime for its address. Also makes port
 * URLs (a token of {@link PortTokens} in the proxy's path), redeems their tokens for the caller who made them, makes
 * ports public (reached without key or token, as the key that made them so), and lists what listens in a sandbox.
 *
 * <p>Threading: any request thread may call it; it keeps no state of its own.
 */
public final class SandboxPorts {
    public static final int MIN_PORT = 1;
    public static final int MAX_PORT = 65_535;

    /**
     * Public ports per sandbox: a dev server or two and their sockets need a few; the bound keeps one sandbox's
     * rows few.
     */
    public static final int MAX_PUBLIC_PORTS = 16;

    /** How long a port URL opens its port. */
    public static final Duration URL_LIFETIME = Duration.ofMinutes(30);

    /** A port URL's token, for the port of the sandbox, and when it stops working. */
    public record PortUrl(SandboxId sandbox, int port, String token, Instant expiresAt) {
        /** The URL's path form: {@code /v1/sandboxes/{id}/ports/{port}/?token=...}. */
        public String path() {
            return "/v1/sandboxes/" + sandbox + "/ports/" + port + "/?token=" + token;
        }
    }

    private final SandboxService sandboxes;
    private final SandboxRuntime runtime;
    private final SandboxWork work;
    private final PortTokens tokens;
    private final PublicPortStore publicPorts;
    private final ApiKeyService keys;
    private final InstantSource clock;

    public SandboxPorts(SandboxService sandboxes, SandboxRuntime runtime, SandboxWork work, PortTokens tokens,
                        PublicPortStore publicPorts, ApiKeyService keys, InstantSource clock) {
        this.sandboxes = sandboxes;
        this.runtime = runtime;
        this.work = work;
        this.tokens = tokens;
        this.publicPorts = publicPorts;
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
        Sandbox sandbox = withPorts(caller, idOrName, port);
        Instant expiresAt = clock.instant().plus(URL_LIFETIME).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String token = tokens.sign(sandbox.id(), port, new PortTokens.Signed(caller.organizationId(),
                caller.key().id(), expiresAt));
        return new PortUrl(sandbox.id(), port, token, expiresAt);
    }

    /**
     * The TCP ports listening in the caller's sandbox (running or paused: looking does not resume it), each with
     * whether it is public.
     */
    public List<ListedPort> listening(Principal caller, String idOrName) {
        Sandbox sandbox = sandboxes.get(caller, idOrName);
        if (sandbox.status() != dev.corral.core.sandbox.SandboxStatus.RUNNING
                && sandbox.status() != dev.corral.core.sandbox.SandboxStatus.PAUSED) {
            throw CorralException.invalidState("Sandbox " + sandbox.id() + " is " + sandbox.status().wire()
                    + ": nothing listens in it");
        }
        Set<Integer> open = publicPorts.list(sandbox.id()).stream().map(PublicPort::port)
                .collect(Collectors.toSet());
        return runtime.listeningPorts(sandbox.id()).stream()
                .map(listening -> new ListedPort(listening.port(), listening.address(),
                        open.contains(listening.port())))
                .toList();
    }

    /** A port listening in a sandbox, and whether the proxy opens it to anyone. */
    public record ListedPort(int port, String address, boolean isPublic) {
    }

    /**
     * Opens {@code port} of the sandbox to anyone who has its URL, without a key or token, from now until it is
     * made private again; its traffic counts as the caller's key (rate limits, and the port closes when that key
     * is revoked or expires). Making a public port public again hands it to the caller's key.
     *
     * @throws CorralException as {@link #url}; {@code quota_exceeded} past {@link #MAX_PUBLIC_PORTS}
     */
    public PublicPort makePublic(Principal caller, String idOrName, int port) {
        Sandbox sandbox = withPorts(caller, idOrName, port);
        List<PublicPort> open = publicPorts.list(sandbox.id());
        if (open.size() >= MAX_PUBLIC_PORTS && open.stream().noneMatch(already -> already.port() == port)) {
            throw CorralException.quotaExceeded("Sandbox " + sandbox.id() + " has " + MAX_PUBLIC_PORTS
                    + " public ports, the most it may have: make one private first");
        }
        var opened = new PublicPort(sandbox.id(), port, caller.organizationId(), caller.key().id(),
                clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        publicPorts.save(opened);
        return opened;
    }

    /** Makes {@code port} of the sandbox private again (when it already is, nothing changes). */
    public void makePrivate(Principal caller, String idOrName, int port) {
        AccessPolicy.require(caller, Action.SANDBOX_PORTS);
        requireValid(port);
        publicPorts.remove(sandboxes.lookup(caller, idOrName).id(), port);
    }

    /**
     * Who a request without key or token to {@code port} of the sandbox counts as: the key that made the port
     * public, while that key holds; empty when the port is not public (or its key no longer holds), and the
     * request needs credentials of its own.
     */
    public Optional<Principal> publicCaller(String sandboxId, int port) {
        if (!SandboxId.isId(sandboxId)) {
            return Optional.empty();
        }
        return publicPorts.find(new SandboxId(sandboxId), port).flatMap(open -> {
            try {
                return Optional.of(keys.principalOf(open.organization(), open.key()));
            } catch (CorralException keyGone) {
                return Optional.empty(); // revoked or expired: the port is closed until someone opens it again
            }
        });
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

    /**
     * The caller's sandbox whose {@code port} it may use, as it is (not resumed).
     *
     * @throws CorralException {@code forbidden}, {@code validation_failed}, {@code not_found} or
     *                         {@code invalid_state} as {@link #open}
     */
    private Sandbox withPorts(Principal caller, String idOrName, int port) {
        AccessPolicy.require(caller, Action.SANDBOX_PORTS);
        requireValid(port);
        return withNetwork(sandboxes.lookup(caller, idOrName));
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
