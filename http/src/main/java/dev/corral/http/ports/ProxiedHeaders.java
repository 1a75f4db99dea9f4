package dev.corral.http.ports;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which headers the port proxy passes on. Hop-by-hop headers (RFC 9110 section 7.6.1, and every name a
 * {@code Connection} header lists) belong to one connection and never cross the proxy. Towards the sandbox, the
 * caller's credentials never go either: the Corral key ({@code Authorization}, {@code X-API-Key}) is the caller's to
 * Corral, not to whatever listens in the sandbox, and {@code Host} is written anew by the proxy.
 *
 * <p>Immutable and thread-safe.
 */
public final class ProxiedHeaders {
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");
    private static final Set<String> NEVER_INTO_SANDBOX = Set.of("authorization", "x-api-key", "host");

    private final Set<String> listedInConnection;

    /** @param connection the message's {@code Connection} header, or null */
    public ProxiedHeaders(String connection) {
        this.listedInConnection = connection == null ? Set.of() : Arrays.stream(connection.split(","))
                .map(name -> name.strip().toLowerCase(Locale.ROOT)).filter(name -> !name.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Whether a header of the caller's request goes on to the sandbox. */
    public boolean intoSandbox(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return !NEVER_INTO_SANDBOX.contains(lower) && crossesTheProxy(lower);
    }

    /**
     * A {@code Cookie} header without the port URL token's cookie, which is the caller's to Corral; empty when
     * nothing else was in it.
     */
    public static Optional<String> withoutPortToken(String cookies) {
        String kept = Arrays.stream(cookies.split(";")).map(String::strip)
                .filter(pair -> !pair.isEmpty() && !pair.startsWith(PortProxyRoutes.TOKEN_COOKIE + "="))
                .collect(Collectors.joining("; "));
        return kept.isEmpty() ? Optional.empty() : Optional.of(kept);
    }

    /** Whether a header of the sandbox's response goes back to the caller. */
    public boolean backToCaller(String name) {
        return crossesTheProxy(name.toLowerCase(Locale.ROOT));
    }

    private boolean crossesTheProxy(String lower) {
        return !HOP_BY_HOP.contains(lower) && !listedInConnection.contains(lower);
    }
}
