package dev.corral.http;

import dev.corral.core.key.Principal;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * WebSockets whose credential is a one-time ticket in their path instead of an API key: a browser cannot set
 * headers on a WebSocket, and a key in a URL would outlive the connection in logs and histories. Before it
 * authenticates a WebSocket upgrade, the server asks each route group that implements this; the one whose path it
 * is redeems the ticket and answers the caller it stands for, whose key is then rate limited and counted for its
 * open sockets as if it had connected itself.
 */
public interface SocketTickets {
    /**
     * The caller the upgrade's ticket stands for, the ticket used up; empty when {@code ctx} is not one of these
     * sockets. Throws the service's {@code not_found} for a ticket that is unknown, used or expired.
     */
    Optional<Principal> redeem(Context ctx);
}
