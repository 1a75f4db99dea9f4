package dev.corral.http.sandboxes;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.corral.core.error.CorralException;
import dev.corral.core.key.Principal;
import dev.corral.core.sandbox.files.FileChange;
import dev.corral.core.sandbox.files.FileWatch;
import dev.corral.core.sandbox.files.SandboxFileWatches;
import dev.corral.core.sandbox.files.SandboxPath;
import dev.corral.core.sandbox.files.WatchEvent;
import dev.corral.http.Authenticator;
import dev.corral.http.Json;
import dev.corral.http.QueryParams;
import dev.corral.http.RouteGroup;
import dev.corral.http.SocketCloses;
import io.javalin.config.RoutesConfig;
import io.javalin.websocket.WsContext;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.eclipse.jetty.websocket.api.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code WS /v1/sandboxes/{id}/files/watch?path=&recursive=}: one JSON object per text frame, {@code {type, path,
 * oldPath?, timestamp}}, for each file or directory {@code created}, {@code modified}, {@code deleted} or
 * {@code renamed} in directory {@code path} (default {@code /workspace}, relative paths under it), and with
 * {@code recursive=true} in every directory below it. The first frame, {@code ready}, says the watch is in place.
 * Needs {@code files:read} or {@code sandbox:read}.
 *
 * <p>A malformed query is answered 400 before the upgrade; authentication happens there too, as for every /v1
 * route. A watch that cannot begin closes the socket with 4000 plus the HTTP status of its error, and the error's
 * message as the reason (cut to what a close frame holds): 4404 for a sandbox the caller cannot see or a missing
 * directory, as the logs socket does, 4400 for a path that is not a directory, 4409 for a stopped sandbox. A watch
 * that ends on its own closes with 1000 when the directory itself was deleted or moved, 1001 when the sandbox
 * stopped, and 1013 when changes were lost (too many at once): watch again.
 *
 * <p>Threading: each connection has a virtual thread of its own that starts the watch and sends its frames one at
 * a time, each once the previous has gone out, so a slow client slows only its own watch. Closing the socket,
 * from any thread, ends the watch and its watcher in the sandbox.
 */
public final class FileWatchSocket implements RouteGroup {
    private static final Logger LOG = LoggerFactory.getLogger(FileWatchSocket.class);
    private static final String WATCH = "/v1/sandboxes/{id}/files/watch";
    private static final String REQUEST_ATTRIBUTE = "corral.watchRequest";

    private final SandboxFileWatches watches;
    private final ConcurrentHashMap<String, FileWatch> open = new ConcurrentHashMap<>();

    public FileWatchSocket(SandboxFileWatches watches) {
        this.watches = watches;
    }

    /** What the query asks to watch, checked before the upgrade. */
    record WatchRequest(SandboxPath path, boolean recursive) {
    }

    /** One frame: a change, or {@code ready}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Frame(String type, String path, String oldPath, Instant timestamp) {
        static Frame of(WatchEvent.Ready ready) {
            return new Frame("ready", ready.path(), null, ready.timestamp());
        }

        static Frame of(FileChange change) {
            return new Frame(change.type().wire(), change.path(), change.oldPath().orElse(null), change.timestamp());
        }
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.wsBeforeUpgrade(WATCH, ctx -> ctx.attribute(REQUEST_ATTRIBUTE, new WatchRequest(
                SandboxPath.of("path", Objects.requireNonNullElse(ctx.queryParam("path"), SandboxPath.WORKSPACE)),
                QueryParams.flag(ctx, "recursive"))));
        routes.ws(WATCH, ws -> {
            ws.onConnect(ctx -> {
                ctx.enableAutomaticPings();
                Thread.ofVirtual().name("corral-file-watch-socket").start(() -> serve(ctx));
            });
            ws.onClose(ctx -> stop(ctx.sessionId()));
            ws.onError(ctx -> stop(ctx.sessionId()));
        });
    }

    private void serve(WsContext ctx) {
        String session = ctx.sessionId();
        try {
            Principal caller = ctx.attribute(Authenticator.PRINCIPAL_ATTRIBUTE);
            WatchRequest request = ctx.attribute(REQUEST_ATTRIBUTE);
            try (FileWatch watch = watches.watch(caller, ctx.pathParam("id"), request.path(), request.recursive())) {
                open.put(session, watch);
                if (ctx.session.isOpen()) {
                    relay(ctx, watch);
                }
            }
        } catch (CorralException e) {
            SocketCloses.refuse(ctx, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("File watch {} failed", session, e);
            SocketCloses.close(ctx, 1011, "Something went wrong on our side");
        } finally {
            open.remove(session);
        }
    }

    /** Sends the watch's frames until it ends or the client is gone. */
    private static void relay(WsContext ctx, FileWatch watch) throws InterruptedException {
        while (true) {
            boolean sent = switch (watch.next()) {
                case WatchEvent.Ready ready -> send(ctx, Frame.of(ready));
                case FileChange change -> send(ctx, Frame.of(change));
                case WatchEvent.End end -> {
                    switch (end.reason()) {
                        case DIRECTORY_GONE -> SocketCloses.close(ctx, 1000, end.message());
                        case STOPPED -> SocketCloses.close(ctx, 1001, end.message());
                        case EVENTS_LOST -> SocketCloses.close(ctx, 1013, end.message());
                        case CLOSED -> {
                            // by the client: nothing left to tell
                        }
                    }
                    yield false;
                }
            };
            if (!sent) {
                return;
            }
        }
    }

    private void stop(String session) {
        FileWatch watch = open.remove(session);
        if (watch != null) {
            watch.close();
        }
    }

    /** Sends one frame and waits until it has gone out; false when the client is gone. */
    private static boolean send(WsContext ctx, Frame frame) throws InterruptedException {
        var sent = new Callback.Completable();
        try {
            ctx.session.sendText(Json.mapper().writeValueAsString(frame), sent);
            sent.get();
            return true;
        } catch (ExecutionException | RuntimeException e) {
            return false;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a watch frame is always serializable", e);
        }
    }
}
