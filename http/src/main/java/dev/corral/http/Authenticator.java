package dev.corral.http;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.key.ApiKeyService;
import dev.corral.core.key.KeyStreams;
import dev.corral.core.key.Principal;
import io.javalin.http.Context;

/**
 * Finds who is calling from {@code Authorization: Bearer}, then {@code X-API-Key}, then (for WebSocket and SSE
 * clients, which cannot always set headers) {@code ?api_key=}; Bearer wins when several are sent. Failed keys are
 * counted per client address (the connection's peer: Corral reads no forwarding headers) by the key service,
 * which throttles an address that sends many.
 */
public final class Authenticator {
    /** Where the caller is kept on the request, also for WebSocket upgrades. */
    public static final String PRINCIPAL_ATTRIBUTE = "corral.principal";
    private final ApiKeyService keys;

    public Authenticator(ApiKeyService keys) {
        this.keys = keys;
    }

    /** Authenticates the request and remembers the caller; throws the matching 401 when it cannot. */
    public Principal authenticate(Context ctx) {
        String token = presentedToken(ctx);
        if (token == null || token.isBlank()) {
            throw new CorralException(ErrorCode.UNAUTHORIZED,
                    "Send an API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'");
        }
        Principal principal = keys.authenticate(token.strip(), ctx.req().getRemoteAddr());
        ctx.attribute(PRINCIPAL_ATTRIBUTE, principal);
        return principal;
    }

    /** The streams and sockets open under each key, ended when it is revoked or expires. */
    public KeyStreams streams() {
        return keys.streams();
    }

    /** The caller of an authenticated request. */
    public static Principal principal(Context ctx) {
        Principal principal = ctx.attribute(PRINCIPAL_ATTRIBUTE);
        if (principal == null) {
            throw new IllegalStateException("route is outside the authenticated /v1 tree");
        }
        return principal;
    }

    private static String presentedToken(Context ctx) {
        String authorization = ctx.header("Authorization");
        if (authorization != null) {
            if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return authorization.substring(7);
            }
            throw new CorralException(ErrorCode.INVALID_TOKEN, "The Authorization header must be 'Bearer <key>'");
        }
        String apiKey = ctx.header("X-API-Key");
        if (apiKey != null) {
            return apiKey;
        }
        return ctx.queryParam("api_key");
    }
}
