package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.corral.core.key.Scope;
import dev.corral.http.HttpServer.Route;
import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Walks every endpoint the server registered under {@code /v1}, so a new route whose service forgets its
 * permission check fails here: with a key holding every scope but those of the route's area it must be
 * {@code forbidden}, and with a key holding only read scopes every route that changes something must be
 * {@code forbidden} while every read is not. Path parameters name nothing that exists, and the check comes before
 * the lookup, so a forgotten check shows as a 404 instead of the 403 (organizations are the caller's own, since
 * another's is a 404 first). Bodies and queries carry every field the
 * routes read, so that no route stops at its input first.
 */
class PermissionsTest {
    @RegisterExtension
    static final TestCorral corral = new TestCorral();

    /** The routes open to every key of an organization: they only show the caller itself or its organization. */
    private static final Set<String> EVERY_KEY = Set.of("GET /v1/me", "GET /v1/organizations/current",
            "GET /v1/organizations/{id}");

    /**
     * Each area of the API by path prefix, and the resources (of {@code resource:action} scopes) that open it;
     * {@code operator} for routes only the operator organization's admin keys may call.
     */
    private static final Map<String, Set<String>> AREAS = Map.of(
            "/v1/sandboxes", Set.of("sandbox", "files"),
            "/v1/terminal/sandbox-sessions", Set.of("sandbox"),
            "/v1/workspaces", Set.of("files"),
            "/v1/api-keys", Set.of("org"),
            "/v1/ssh-keys", Set.of("ssh-key", "org"),
            "/v1/organizations", Set.of("operator"));

    /**
     * The WebSocket whose one-time session is its only credential: no key is asked, so none is checked; the key
     * that minted the session was checked by {@code POST /v1/terminal/sandbox-sessions}, and is again when the
     * terminal opens.
     */
    private static final Set<String> TICKETED = Set.of("WS /v1/terminal/sessions/{sessionId}");

    /** WebSockets that change something: a terminal runs commands. */
    private static final Set<String> WRITING_SOCKETS = Set.of("WS /v1/sandboxes/{id}/terminal",
            "WS /v1/sandboxes/{id}/ports/{port}", "WS /v1/sandboxes/{id}/ports/{port}/<path>");
    /**
     * Reads that change what they reach: a port of a sandbox is its own server, which a request may change (so the
     * proxy and the URL that opens it need sandbox:write).
     */
    private static final Set<String> WRITING_READS = Set.of("/v1/sandboxes/{id}/url",
            "/v1/sandboxes/{id}/ports/{port}", "/v1/sandboxes/{id}/ports/{port}/<path>");

    private static final Map<String, Object> BODY = Map.ofEntries(
            Map.entry("name", "walk"), Map.entry("template", "base"), Map.entry("command", "true"), Map.entry("path", "/workspace/a.txt"),
            Map.entry("from", "/workspace/a.txt"), Map.entry("to", "/workspace/b.txt"), Map.entry("tier", "free"),
            Map.entry("operation", "move"), Map.entry("type", "file"), Map.entry("contents", "x"),
            Map.entry("ids", List.of("/a.txt")), Map.entry("sandboxId", "sbx_walk"), Map.entry("target", "/b"), Map.entry("scopes", List.of("org:read")),
            Map.entry("publicKey", "ssh-ed25519 AAAA"));

    @Test
    void routes_underV1_areAllFoundAndEachBelongsToAnArea() {
        List<Route> routes = v1Routes();

        assertThat(routes).extracting(PermissionsTest::name).contains("POST /v1/sandboxes",
                "POST /v1/sandboxes/{id}/exec", "WS /v1/sandboxes/{id}/logs", "PUT /v1/workspaces/{id}/files/<path>",
                "DELETE /v1/api-keys/{id}", "PATCH /v1/organizations/{id}");
        routes.stream().filter(route -> !TICKETED.contains(name(route))).forEach(PermissionsTest::areaOf);
    }

    @Test
    void ticketedSocket_unknownSession_isRefusedBeforeTheUpgradeWithNotFound() {
        URI uri = URI.create(corral.admin.base().toString().replaceFirst("^http", "ws") + "v1/terminal/sessions/"
                + UUID.randomUUID());

        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> HttpClient.newHttpClient()
                .newWebSocketBuilder().buildAsync(uri, new JsonFrames(new CopyOnWriteArrayList<>(),
                        new CompletableFuture<>())).join());

        assertThat(refused).hasCauseInstanceOf(java.net.http.WebSocketHandshakeException.class);
        assertThat(((java.net.http.WebSocketHandshakeException) refused.getCause()).getResponse().statusCode())
                .isEqualTo(404);
    }

    @Test
    void everyRoute_keyWithoutTheScopesOfItsArea_isForbidden() {
        ApiClient anotherOrganization = corral.newOrganization("team");
        var keys = new HashMap<Set<String>, ApiClient>();
        var failures = new ArrayList<String>();
        for (Route route : keyedV1Routes()) {
            if (EVERY_KEY.contains(name(route))) {
                continue;
            }
            Set<String> area = areaOf(route);
            ApiClient caller = area.contains("operator") ? anotherOrganization : keys.computeIfAbsent(area,
                    resources -> corral.admin.withKey(corral.newKey(corral.admin, scopesOutside(resources).toArray())));
            String outcome = call(caller, route);
            if (!outcome.equals("forbidden")) {
                failures.add(name(route) + " with " + (area.contains("operator") ? "another organization's '*'"
                        : scopesOutside(area)) + " answered " + outcome);
            }
        }
        assertThat(failures).as("routes that did not check their permission").isEmpty();
    }

    @Test
    void everyRoute_readOnlyKey_isForbiddenExactlyWhereItChangesSomething() {
        ApiClient reader = corral.admin.withKey(corral.newKey(corral.admin, Scope.known().stream().map(Scope::value)
                .filter(scope -> scope.endsWith(":read")).toArray()));
        var failures = new ArrayList<String>();
        for (Route route : keyedV1Routes()) {
            boolean reads = (route.method().equals("GET") || route.method().equals("HEAD"))
                    && !WRITING_READS.contains(route.path())
                    || route.method().equals("WS") && !WRITING_SOCKETS.contains(name(route));
            String outcome = call(reader, route);
            if (reads == outcome.equals("forbidden")) {
                failures.add(name(route) + " answered a read-only key " + outcome);
            }
        }
        assertThat(failures).as("routes whose check does not match what they do").isEmpty();
    }

    @Test
    void everyKeyRoutes_keyWithOneUnrelatedScope_answerItsOwnOrganizationOnly() {
        ApiClient caller = corral.admin.withKey(corral.newKey(corral.admin, "template:read"));
        String own = caller.get("v1/organizations/current").data().path("id").asText();

        assertThat(caller.get("v1/me").status()).isEqualTo(200);
        assertThat(caller.get("v1/organizations/" + own).status()).isEqualTo(200);
        String other = corral.newOrganization("team").get("v1/organizations/current").data().path("id").asText();
        assertThat(caller.get("v1/organizations/" + other).status()).isEqualTo(404);
    }

    private static List<Route> v1Routes() {
        return corral.server.routes().stream().filter(route -> route.path().startsWith("/v1/")).toList();
    }

    /** The routes a key opens: all but the ticketed socket. */
    private static List<Route> keyedV1Routes() {
        return v1Routes().stream().filter(route -> !TICKETED.contains(name(route))).toList();
    }

    private static String name(Route route) {
        return route.method() + " " + route.path();
    }

    private static Set<String> areaOf(Route route) {
        if (EVERY_KEY.contains(name(route))) {
            return Set.of();
        }
        return AREAS.entrySet().stream()
                .filter(area -> route.path().equals(area.getKey()) || route.path().startsWith(area.getKey() + "/"))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElseGet(() -> fail(name(route) + " is in no area of this test: add its prefix to AREAS with the "
                        + "scopes that open it, or to EVERY_KEY"));
    }

    /** Every scope Corral knows except {@code *} and those of {@code resources}. */
    private static List<String> scopesOutside(Set<String> resources) {
        return Scope.known().stream().map(Scope::value)
                .filter(scope -> !scope.equals("*") && !resources.contains(scope.substring(0, scope.indexOf(':'))))
                .sorted().toList();
    }

    /** Calls the route on resources that do not exist; {@code forbidden}, or what it answered instead. */
    private static String call(ApiClient caller, Route route) {
        String path = route.path().substring(1)
                .replace("/organizations/{id}", "/organizations/" + ownOrganization(caller))
                .replace("{id}", UUID.randomUUID().toString())
                .replace("{processId}", "proc_000000000000")
                .replace("{port}", "8000")
                .replace("<path>", "a.txt")
                + "?path=/workspace/a.txt&id=/a.txt&port=8000";
        if (route.method().equals("WS")) {
            return socket(caller, path);
        }
        if (route.method().equals("HEAD")) {
            return headLikeGet(caller, path);
        }
        ApiResponse response = caller.send(route.method(), path, BODY);
        String code = response.error() == null ? "" : response.error().path("code").asText();
        return code.equals("forbidden") && response.status() == 403 ? "forbidden"
                : response.status() + " " + code;
    }

    /**
     * A HEAD's answer has no body to name its error: it must answer the status its GET does, and is judged by the
     * GET's answer.
     */
    private static String headLikeGet(ApiClient caller, String path) {
        int head = caller.send("HEAD", path, null).status();
        ApiResponse get = caller.get(path);
        String code = get.error() == null ? "" : get.error().path("code").asText();
        String outcome = code.equals("forbidden") && get.status() == 403 ? "forbidden" : get.status() + " " + code;
        return head == get.status() ? outcome : "HEAD " + head + " where GET answered " + outcome;
    }

    /**
     * The caller's own organization: another's is {@code not_found} before any permission is asked, so that an
     * organization's existence shows to nobody outside it.
     */
    private static String ownOrganization(ApiClient caller) {
        return caller.get("v1/organizations/current").data().path("id").asText();
    }

    /** Opens the socket and reports how the server closed it: a refusal names the missing scope. */
    private static String socket(ApiClient caller, String path) {
        URI uri = URI.create(caller.base().toString().replaceFirst("^http", "ws") + path);
        var closed = new CompletableFuture<JsonFrames.Closed>();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + caller.apiKey())
                .buildAsync(uri, new JsonFrames(new CopyOnWriteArrayList<>(), closed)).join();
        try {
            JsonFrames.Closed close = closed.get(30, TimeUnit.SECONDS);
            return close.reason().contains("lacks the scope") ? "forbidden" : "closed " + close.code() + " "
                    + close.reason();
        } catch (Exception e) {
            return "not closed: " + e;
        } finally {
            socket.abort();
        }
    }
}
