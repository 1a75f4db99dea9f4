package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.http.HttpServer.Route;
import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import dev.corral.testkit.SshKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The tenants suite: one organization (the attacker, holding {@code *}) calls every route the server registered
 * under {@code /v1}, so a new route is covered without editing this test, with the ids of another organization's
 * real resources (the victim's sandbox, background process, workspace, API key, SSH key and organization). Each
 * answer must be exactly the one a made-up id of the same kind gets (status, code and message, the id aside), so
 * nothing tells that the victim's resource exists, and a 404 wherever a path names a resource. The same walk then
 * runs with a key of the wrong scope (the same answer for both ids), a revoked key and an expired key (401, as
 * DECISIONS.md says). Every call goes to {@code target/security/tenants-<guest>.json}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TenantsIT {
    @RegisterExtension
    static final TestCorral corral = new TestCorral();
    static final SecurityResults results = new SecurityResults("tenants");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The WebSocket whose one-time session is its own credential: no key opens it (see PermissionsTest). */
    private static final Set<String> TICKETED = Set.of("WS /v1/terminal/sessions/{sessionId}");
    /** Only the operator's admin keys may call these; any other caller is refused before a lookup. */
    private static final String OPERATOR_AREA = "/v1/organizations/{id}";
    /** Routes whose path names nothing but whose body names another resource: a workspace to mount, a sandbox. */
    private static final Set<String> IDS_IN_BODY = Set.of("POST /v1/sandboxes", "POST /v1/terminal/sandbox-sessions");
    /** A refused upgrade as the JDK's client reports it: the status, without the body. */
    private static final String UPGRADE_UNAUTHORIZED = "401 refused";
    private static final Pattern ERROR_CODE = Pattern.compile("\"code\":\"([a-z_]+)\"");

    static ApiClient attacker;
    static Ids victim;
    static Ids madeUp;

    /** The ids a route's path and body may name: the victim's real ones, or made-up ones of the same form. */
    record Ids(String organization, String sandbox, String process, String workspace, String apiKey, String sshKey) {
        List<String> all() {
            return List.of(organization, sandbox, process, workspace, apiKey, sshKey);
        }

        /** {@code id} of the resource that {@code path}'s area holds. */
        String forPath(String path) {
            String id = path.startsWith("/v1/sandboxes") ? sandbox : path.startsWith("/v1/workspaces") ? workspace
                    : path.startsWith("/v1/api-keys") ? apiKey : path.startsWith("/v1/ssh-keys") ? sshKey
                    : path.startsWith("/v1/organizations") ? organization : UUID.randomUUID().toString();
            return path.replace("{id}", id).replace("{processId}", process).replace("{port}", "8000")
                    .replace("<path>", "a.txt");
        }

        Map<String, Object> body() {
            return Map.ofEntries(Map.entry("name", "walk"), Map.entry("template", "base"),
                    Map.entry("command", "true"), Map.entry("path", "/workspace/a.txt"),
                    Map.entry("from", "/workspace/a.txt"), Map.entry("to", "/workspace/b.txt"),
                    Map.entry("tier", "free"), Map.entry("operation", "move"), Map.entry("type", "file"),
                    Map.entry("contents", "x"), Map.entry("ids", List.of("/a.txt")), Map.entry("sandboxId", sandbox),
                    Map.entry("target", "/b"), Map.entry("scopes", List.of("org:read")),
                    Map.entry("publicKey", SshKeys.ed25519Text("walk")),
                    Map.entry("mounts", List.of(Map.of("workspaceId", workspace, "path", "/mnt/w"))));
        }

        /** {@code text} with every id of this set replaced by {@code <id>}, to compare answers about two sets. */
        String withoutIds(String text) {
            String out = text;
            for (String id : all()) {
                out = out.replace(id, "<id>");
            }
            return out;
        }
    }

    @BeforeAll
    static void start() {
        ApiClient owner = corral.newOrganization("team");
        FilesApi sandbox = FilesApi.create(owner, "128MB");
        ApiResponse process = owner.post("v1/sandboxes/" + sandbox.sandbox() + "/exec",
                Map.of("command", "sleep 600", "background", true));
        assertThat(process.status()).as(process.toString()).isEqualTo(201);
        victim = new Ids(owner.get("v1/organizations/current").data().path("id").asText(), sandbox.sandbox(),
                process.data().path("processId").asText(),
                made(owner.post("v1/workspaces", Map.of("name", "victim-files"))),
                made(owner.post("v1/api-keys", Map.of("name", "victim-key"))),
                made(owner.post("v1/ssh-keys", Map.of("name", "victim-ssh", "publicKey",
                        SshKeys.ed25519Text("victim")))));
        madeUp = new Ids(UUID.randomUUID().toString(), "sandbox-" + lowercase(12), "proc_" + lowercase(12),
                UUID.randomUUID().toString(), UUID.randomUUID().toString(), UUID.randomUUID().toString());
        attacker = corral.newOrganization("team");
    }

    @AfterAll
    static void writeResults() {
        results.write();
    }

    @Test
    @Order(1)
    void everyRoute_anotherOrganizationsIds_answerAsForIdsThatDoNotExist() {
        for (Route route : keyedRoutes()) {
            if (!route.path().contains("{") && !IDS_IN_BODY.contains(name(route))) {
                continue;
            }
            String onVictim = call(attacker, route, victim);
            String onNothing = call(attacker, route, madeUp);
            boolean namesResource = route.path().contains("{") && !route.path().startsWith(OPERATOR_AREA);
            boolean same = victim.withoutIds(onVictim).equals(madeUp.withoutIds(onNothing));
            record(route, "other-org", "with another organization's ids, a key holding *",
                    "the answer for made-up ids" + (namesResource ? ", 404 not_found" : ""),
                    onVictim + (same ? "" : " (made-up ids: " + onNothing + ")"),
                    same && (!namesResource || notFound(onVictim)));
        }
        assertThat(results.failures("other-org")).as("routes that answer another organization's ids differently")
                .isEmpty();
    }

    @Test
    @Order(2)
    void lists_ofTheAttacker_neverShowTheVictimsResources() {
        for (Route route : keyedRoutes()) {
            if (!route.method().equals("GET") || route.path().contains("{")) {
                continue;
            }
            ApiResponse answer = attacker.get(route.path().substring(1));
            List<String> shown = victim.all().stream().filter(answer.raw()::contains).toList();
            record(route, "other-org-list", "list with a key of another organization",
                    "none of the victim's ids", answer.status() + ", victim ids shown: " + shown,
                    answer.status() == 200 && shown.isEmpty());
        }
        assertThat(results.failures("other-org-list")).as("lists that show another organization's resources")
                .isEmpty();
    }

    @Test
    @Order(3)
    void everyRoute_keyWithoutTheScope_answersAlikeForRealAndMadeUpIds() {
        ApiClient unscoped = attacker.withKey(corral.newKey(attacker, "template:read"));
        for (Route route : keyedRoutes()) {
            String onVictim = call(unscoped, route, victim);
            String onNothing = call(unscoped, route, madeUp);
            boolean same = victim.withoutIds(onVictim).equals(madeUp.withoutIds(onNothing));
            boolean namesResource = route.path().contains("{");
            record(route, "wrong-scope", "with another organization's ids, a key holding only template:read",
                    "the answer for made-up ids (403 forbidden before any lookup, or 404; a socket: 4403, 4404)",
                    onVictim + (same ? "" : " (made-up ids: " + onNothing + ")"),
                    same && (!namesResource || forbidden(onVictim) || notFound(onVictim))
                            && (!onVictim.contains("lacks the scope") || forbidden(onVictim)));
        }
        assertThat(results.failures("wrong-scope"))
                .as("routes whose answer to a key without the scope tells what exists").isEmpty();
    }

    @Test
    @Order(4)
    void everyRoute_revokedKey_isInvalidToken() {
        ApiResponse made = attacker.post("v1/api-keys", Map.of("name", "revoked"));
        ApiClient revoked = attacker.withKey(made.data().path("key").asText());
        assertThat(attacker.delete("v1/api-keys/" + made.data().path("id").asText()).status()).isEqualTo(200);

        walkRefused(revoked, "revoked-key", "with a revoked key",
                "401 invalid_token (a socket: its upgrade refused, 401)",
                outcome -> outcome.startsWith("401 invalid_token") || outcome.equals(UPGRADE_UNAUTHORIZED));
    }

    /** Last: moving the clock past the key's hour ages everything else on the server too. */
    @Test
    @Order(5)
    void everyRoute_expiredKey_isTokenExpired() {
        ApiResponse made = attacker.post("v1/api-keys", Map.of("name", "expiring", "expiresIn", "1h"));
        ApiClient expired = attacker.withKey(made.data().path("key").asText());
        assertThat(expired.get("v1/me").status()).isEqualTo(200);
        corral.clock.advance(Duration.ofHours(1).plusSeconds(1));

        walkRefused(expired, "expired-key", "with an expired key",
                "401 token_expired (a socket: its upgrade refused, 401)",
                outcome -> outcome.startsWith("401 token_expired") || outcome.equals(UPGRADE_UNAUTHORIZED));
    }

    private static void walkRefused(ApiClient caller, String category, String tried, String expected,
            Predicate<String> refused) {
        for (Route route : keyedRoutes()) {
            String outcome = call(caller, route, victim);
            if (outcome.startsWith("429 rate_limited")) {
                // The failed-authentication throttle (20 a minute per address) answers before the key is read; a
                // minute later the bucket is full again, and the route's own answer to the dead key is checked.
                corral.clock.advance(Duration.ofMinutes(1));
                outcome = call(caller, route, victim);
            }
            record(route, category, tried + " on another organization's ids", expected, outcome,
                    refused.test(outcome));
        }
        assertThat(results.failures(category)).as("routes that let a dead key through").isEmpty();
    }

    private static void record(Route route, String category, String tried, String expected, String result,
            boolean passed) {
        results.record(new SecurityResults.Attempt(category + " " + name(route), category, name(route) + " "
                + tried, expected, result, passed));
    }

    /** A socket's refusal: the status of the upgrade's answer or the close code of 4000 + that status. */
    private static boolean notFound(String outcome) {
        return outcome.startsWith("404 not_found") || outcome.startsWith("closed 4404 ");
    }

    private static boolean forbidden(String outcome) {
        return outcome.startsWith("403 forbidden") || outcome.startsWith("closed 4403 ");
    }

    private static List<Route> keyedRoutes() {
        return corral.server.routes().stream()
                .filter(route -> route.path().startsWith("/v1/") && !TICKETED.contains(name(route)))
                .toList();
    }

    private static String name(Route route) {
        return route.method() + " " + route.path();
    }

    /** Calls {@code route} naming {@code ids}; {@code <status> <code> <message>}, or how a socket ended. */
    private static String call(ApiClient caller, Route route, Ids ids) {
        String path = ids.forPath(route.path()).substring(1) + "?path=/workspace/a.txt&id=/a.txt&port=8000";
        if (route.method().equals("WS")) {
            return socket(caller, path);
        }
        if (route.method().equals("POST") && route.path().contains("/upload")) {
            // A form is checked before the lookup: the upload must be well formed to reach it.
            var form = new MultipartBody().file("file", "a.txt", new byte[] {'x'});
            return outcome(caller.send(caller.request(path).header("Content-Type", form.contentType())
                    .POST(form.publisher())));
        }
        if (route.method().equals("HEAD")) {
            // A HEAD's answer has no body to name its error: it must answer the status its GET does, and is
            // judged by the GET's answer.
            int head = caller.send("HEAD", path, null).status();
            String get = outcome(caller.get(path));
            return get.startsWith(head + " ") ? get : "HEAD " + head + " where GET answered " + get;
        }
        return outcome(caller.send(route.method(), path, ids.body()));
    }

    private static String outcome(ApiResponse response) {
        return response.error() == null ? response.status() + " ok"
                : response.status() + " " + response.error().path("code").asText() + " "
                        + response.error().path("message").asText();
    }

    /** A refused upgrade ({@code <status> refused}), or the close code and reason of the opened socket. */
    private static String socket(ApiClient caller, String path) {
        URI uri = URI.create(caller.base().toString().replaceFirst("^http", "ws") + path);
        var closed = new CompletableFuture<JsonFrames.Closed>();
        WebSocket socket;
        try {
            socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .header("Authorization", "Bearer " + caller.apiKey())
                    .buildAsync(uri, new JsonFrames(new CopyOnWriteArrayList<>(), closed)).join();
        } catch (RuntimeException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                var code = ERROR_CODE.matcher(String.valueOf(refused.getResponse().body()));
                return refused.getResponse().statusCode() + " " + (code.find() ? code.group(1) : "refused");
            }
            return "failed " + e.getCause();
        }
        try {
            JsonFrames.Closed close = closed.get(30, TimeUnit.SECONDS);
            return "closed " + close.code() + " " + close.reason();
        } catch (Exception e) {
            return "not closed: " + e;
        } finally {
            socket.abort();
        }
    }

    private static String made(ApiResponse response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response.data().path("id").asText();
    }

    private static String lowercase(int length) {
        var out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            out.append("abcdefghijklmnopqrstuvwxyz0123456789".charAt(RANDOM.nextInt(36)));
        }
        return out.toString();
    }
}
