package dev.corral.http;

import dev.corral.core.key.Principal;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * Requests whose credential is a signed token in their URL instead of an API key (a port URL opened in a browser,
 * which sends no header). Before it authenticates a {@code /v1} request, the server asks each route group that
 * implements this; the one whose path it is checks the token and answers the caller it stands for, who is then
 * rate limited and counted as if the request had come with the key itself.
 */
public interface RequestTickets {
    /**
     * The caller the request's token stands for; empty when {@code ctx} is not one of these requests or carries
     * no token. Throws {@code invalid_token} or {@code token_expired} for a token that does not hold.
     */
    Optional<Principal> redeem(Context ctx);
}
