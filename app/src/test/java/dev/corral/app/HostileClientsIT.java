package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.http.HttpServer.Route;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hostile-clients suite: every route the server registered (so a new route is covered without editing this
 * test) is sent what a hostile client sends: malformed, oversized, deeply nested and wrongly typed JSON, bytes
 * that are not UTF-8, the wrong content types, huge and broken headers, bodies that stop half way, path and query
 * tricks, unknown methods and method overrides, and WebSocket handshakes gone wrong. Each request goes byte for
 * byte on its own connection ({@link RawHttp}), so nothing is cleaned up by a client library first.
 *
 * <p>Pass: no 5xx, no hang (every request answered within its timeout), and every answer from 400 up in the error
 * envelope with the request id of its {@code X-Request-Id}; a WebSocket upgrade that succeeds (101) and the answer
 * to a HEAD (which has no body) are the only answers without one. The run is bounded: the attempts are counted and
 * made on a few threads. Each family of attempts becomes one entry of {@code target/security/hostile-clients-<guest>.json}
 * (its requests, the statuses they got, and whether all of them passed) for {@code scripts/security-report}: thousands
 * of requests, one row each, would bury the table. An IT, not a unit test: it takes a minute or more, though it
 * starts no sandbox.
 */
class HostileClientsIT {
    /** Rate limits far above what the suite sends: a 429 would hide what the route does with the input. */
    @RegisterExtension
    static final TestCorral corral = new TestCorral(Map.of("max-body-size", "64KB",
            "enterprise-requests-per-minute", "1000000", "enterprise-burst", "1000000",
            "connection-idle-timeout", "10s"));

    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(20);
    private static final String EXPECTED = "no 5xx; an answer within " + ANSWER_TIMEOUT.toSeconds() + " s; from 400"
            + " up the error envelope; an X-Request-Id; no class named";

    /** What each family of attempts sends, for the results table. */
    private static final Map<String, String> FAMILIES = Map.ofEntries(
            Map.entry("malformed-json", "bodies that are not a JSON object: truncated, trailing, NaN, duplicates"),
            Map.entry("wrongly-typed-json", "every field a route reads, as every JSON type and its edges"),
            Map.entry("deeply-nested-json", "JSON nested 3000 and 5000 levels deep"),
            Map.entry("oversized-json", "bodies past max-body-size, a 5000-digit number, a 30000-item list"),
            Map.entry("broken-utf8", "bodies with bytes that are not UTF-8"),
            Map.entry("content-type", "wrong and broken content types"),
            Map.entry("slow-body", "bodies that stop half way, plain and chunked"),
            Map.entry("framing", "a bad chunk, two Content-Lengths, a length past 2^64"),
            Map.entry("path-trick", "encoded, traversing, NUL and overlong path parameters and suffixes"),
            Map.entry("query-trick", "negative, huge, repeated, broken and traversing query parameters"),
            Map.entry("header-trick", "huge, many, broken and folded headers, bad credentials, Range, Expect,"
                    + " method overrides"),
            Map.entry("method-trick", "unknown, TRACE, OPTIONS, HEAD and lower-case methods"),
            Map.entry("websocket", "handshakes without a key or credentials, of other versions, with bad"
                    + " parameters"),
            Map.entry("request-line", "broken request lines, HTTP versions and Host headers"));

    private static final SecurityResults results = new SecurityResults("hostile-clients");
    private static final String AUTH = "Authorization: Bearer " + TestCorral.ADMIN_KEY + "\r\n";

    /** Every field name a route body reads, so that each is sent wrongly typed. */
    private static final List<String> FIELDS = List.of("name", "slug", "template", "command", "path", "from", "to",
            "tier", "operation", "type", "contents", "ids", "sandboxId", "target", "scopes", "publicKey",
            "quotaBytes", "expiresIn", "isTest", "timeout", "cwd", "env", "background", "stream", "metadata", "tags",
            "idleTimeout", "maxRuntime", "mounts", "resources", "workspaceId", "readOnly", "waitForReady", "cols",
            "rows", "recursive", "mode", "user", "stdin", "ttl");

    /** Values of every JSON type, and the edges of each. */
    private static final List<String> VALUES = List.of("null", "true", "-1", "1e309",
            "123456789012345678901234567890", "\"\"", "\"\\u0000\"", "\"\\ud800\"", "\"../../../../etc/passwd\"",
            "[]", "[null]", "[1,\"a\",{}]", "{}", "{\"a\":null}");

    /** Bodies that are not the JSON object a route wants. */
    private static final List<String> SHAPES = List.of("", "{", "{\"a\":", "[]", "null", "\"text\"", "1",
            "{} x", "{\"a\":1,}", "{'a':1}", "{\"a\":NaN}", "{\"a\":\"\\u12\"}", "\u0000", "{\"a\":1,\"a\":2}");

    private static final List<String> PARAMS = List.of("%u0041", "%", "%zz", "%00", "%ED%A0%80", "%C0%AE%C0%AE",
            "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "a;jsessionid=1", "%F0%9F%92%A9", "x".repeat(4000),
            "00000000-0000-0000-0000-000000000000");

    private static final List<String> QUERIES = List.of("limit=-1&cursor=%%%", "limit=99999999999999&since=abc",
            "cursor=" + "A".repeat(2000), "path=%00&id=%00", "path=../../etc/shadow&recursive=maybe",
            "path=&id=&wait=yes&force=2", "since=-5&port=99999", "id=%ED%A0%80&path=%ED%A0%80", "limit=1&limit=2",
            "api_key=rt_live_x&download=%FF", "q=" + "%41".repeat(2000), "&&&=&a[]=1&a[b]=2");

    private static final List<String> CONTENT_TYPES = List.of("text/plain", "application/json; charset=nonsense",
            "application/json; charset=utf-16", "multipart/form-data; boundary=", "application/x-www-form-urlencoded",
            "\u00ff/\u00ff");

    /** Headers whose meaning depends on the route: sent to every route. */
    private static final List<String> ROUTE_HEADERS = List.of("X-HTTP-Method-Override: DELETE\r\n",
            "Range: bytes=9-1\r\n", "Range: bytes=99999999999999999999-\r\n", "Accept: text/event-stream\r\n",
            "Expect: 100-continue\r\n", "Content-Encoding: gzip\r\n");

    /** Headers any route must survive: sent once per method. */
    private static final List<String> ANY_ROUTE_HEADERS = List.of("X-Big: " + "b".repeat(70_000) + "\r\n",
            "X-Many: x\r\n".repeat(2_000), "Authorization: Bearer\r\n",
            "Authorization: Bearer " + "k".repeat(20_000) + "\r\n", "Authorization: Basic YTpi\r\n",
            "Authorization: Bearer rt_live_\u00ff\u00fe\r\n", "X-API-Key: rt_live_" + "A".repeat(32) + "\r\n",
            "Authorization: Bearer a\r\nAuthorization: b\r\n", AUTH + "X-HTTP-Method-Override: FOO\r\n",
            AUTH + "Accept: \u00ff\r\n", AUTH + "Expect: 200-ok\r\n",
            AUTH + "Upgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n",
            AUTH + "X-Forwarded-For: 127.0.0.1\r\nForwarded: for=0.0.0.0\r\n", AUTH + "Cookie: JSESSIONID=x\r\n",
            AUTH + "Bad\u0000Name: x\r\n", AUTH + "No colon here\r\n", AUTH + " folded: continuation\r\n");

    /** Routes given a body that stops half way: each holds a thread for the idle timeout, so only a few. */
    private static final int SLOW_BODY_ROUTES = 4;

    private final ConcurrentHashMap<String, AtomicLong> counts = new ConcurrentHashMap<>();
    /** What went wrong, by family. */
    private final ConcurrentHashMap<String, ConcurrentLinkedQueue<String>> failures = new ConcurrentHashMap<>();
    private final RawHttp raw = new RawHttp(corral.server.port(), ANSWER_TIMEOUT);

    private record Attempt(String family, String name, byte[] request) {
    }

    @Test
    void everyRoute_hostileRequests_noServerErrorNoHangEveryAnswerInTheEnvelope() throws Exception {
        String workspace = corral.admin.post("v1/workspaces", Map.of("name", "hostile")).data().path("id").asText();
        List<Attempt> attempts = new ArrayList<>();
        var methodsSeen = new java.util.HashSet<String>();
        var pathsSeen = new java.util.HashSet<String>();
        int slowBodies = 0;
        for (Route route : corral.server.routes()) {
            String path = concretePath(route, workspace);
            if (route.method().equals("WS")) {
                attempts.addAll(socketAttempts(path));
                continue;
            }
            attempts.addAll(pathAttempts(route, workspace));
            attempts.addAll(headerAttempts(route.method(), path, ROUTE_HEADERS.stream().map(h -> AUTH + h).toList()));
            if (methodsSeen.add(route.method())) {
                attempts.addAll(headerAttempts(route.method(), path, ANY_ROUTE_HEADERS));
            }
            if (pathsSeen.add(route.path())) {
                attempts.addAll(methodAttempts(path));
            }
            if (!route.method().equals("GET")) {
                attempts.addAll(bodyAttempts(route.method(), path, slowBodies++ < SLOW_BODY_ROUTES));
            }
        }
        attempts.addAll(wholeRequestAttempts());

        long started = System.nanoTime();
        runAll(attempts);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        System.out.printf("HostileClientsIT: %d requests in %d s%n", attempts.size(), took.toSeconds());
        record(attempts);
        results.write();
        assertThat(failures).as("requests answered with a 5xx, not at all, or outside the envelope").isEmpty();
        assertThat(corral.admin.get("v1/workspaces/" + workspace).status()).as("the workspace outlived it all")
                .isEqualTo(200);
    }

    /**
     * The route's path with each parameter naming something real where the suite made it (its workspace, which
     * no DELETE is sent to, so that it stays for the rest of the run), else nothing.
     */
    private static String concretePath(Route route, String workspace) {
        String path = route.path();
        if (path.startsWith("/v1/workspaces/") && !route.path().equals("/v1/workspaces/{id}")) {
            path = path.replace("{id}", workspace);
        }
        return path.replace("{id}", "sandbox-000000000000").replace("{processId}", "proc_000000000000")
                .replace("{sessionId}", UUID.randomUUID().toString()).replace("<path>", "a.txt");
    }

    private static List<Attempt> bodyAttempts(String method, String path, boolean slow) {
        List<Attempt> out = new ArrayList<>();
        for (String shape : SHAPES) {
            out.add(json("malformed-json", method, path, shape));
        }
        for (String value : VALUES) {
            var every = new StringBuilder("{");
            for (String field : FIELDS) {
                every.append(every.length() > 1 ? "," : "").append('"').append(field).append("\":").append(value);
            }
            out.add(json("wrongly-typed-json", method, path, every.append('}').toString()));
        }
        for (int i = 0; i < FIELDS.size(); i++) {
            String value = VALUES.get(i % VALUES.size());
            out.add(json("wrongly-typed-json", method, path, "{\"" + FIELDS.get(i) + "\":" + value + "}"));
        }
        out.add(json("deeply-nested-json", method, path, "[".repeat(5_000)));
        out.add(json("deeply-nested-json", method, path, "{\"name\":" + "{\"a\":".repeat(3_000) + "1"
                + "}".repeat(3_001)));
        out.add(json("oversized-json", method, path, "{\"name\":\"" + "x".repeat(70_000) + "\"}"));
        out.add(json("oversized-json", method, path, "{\"name\":" + "9".repeat(5_000) + "}"));
        out.add(json("oversized-json", method, path, "[" + "1,".repeat(30_000) + "1]"));
        for (byte[] broken : List.of(new byte[] {'{', '"', 'n', (byte) 0xC3, '(', '"', ':', '1', '}'},
                new byte[] {(byte) 0xFF, (byte) 0xFE, '{', '}'}, new byte[] {'{', '"', (byte) 0xED, (byte) 0xA0,
                        (byte) 0x80, '"', ':', '1', '}'}, new byte[] {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"',
                        (byte) 0xF8, (byte) 0x88, (byte) 0x80, '"', '}'})) {
            out.add(new Attempt("broken-utf8", method + " " + path, request(method, path,
                    AUTH + "Content-Type: application/json\r\n", broken)));
        }
        for (String type : CONTENT_TYPES) {
            out.add(new Attempt("content-type", method + " " + path + " " + type, request(method, path,
                    AUTH + "Content-Type: " + type + "\r\n", "{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8))));
        }
        if (slow) {
            out.add(new Attempt("slow-body", method + " " + path, concat(head(method, path, AUTH
                    + "Content-Type: application/json\r\nContent-Length: 1000\r\n"), "{\"name\":".getBytes(
                    StandardCharsets.US_ASCII))));
            out.add(new Attempt("slow-body", method + " " + path + " chunked", concat(head(method, path, AUTH
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"), "5\r\n{\"na".getBytes(
                    StandardCharsets.US_ASCII))));
        }
        out.add(new Attempt("framing", method + " " + path + " bad chunk", concat(head(method, path, AUTH
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"), "zz\r\n{}\r\n0\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII))));
        out.add(new Attempt("framing", method + " " + path + " two lengths", concat(head(method, path, AUTH
                + "Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 5\r\n"), "{}"
                .getBytes(StandardCharsets.US_ASCII))));
        out.add(new Attempt("framing", method + " " + path + " huge length", concat(head(method, path, AUTH
                + "Content-Type: application/json\r\nContent-Length: 99999999999999999999\r\n"), "{}"
                .getBytes(StandardCharsets.US_ASCII))));
        return out;
    }

    private static List<Attempt> pathAttempts(Route route, String workspace) {
        List<Attempt> out = new ArrayList<>();
        boolean hasParameter = route.path().contains("{") || route.path().contains("<");
        for (String param : hasParameter ? PARAMS : List.<String>of()) {
            String path = route.path().replaceAll("\\{[^}]+}|<[^>]+>", param);
            out.add(new Attempt("path-trick", route.method() + " " + route.path() + " " + abbreviate(param),
                    request(route.method(), path, AUTH, bodyFor(route.method()))));
        }
        String path = concretePath(route, workspace);
        for (String query : QUERIES) {
            out.add(new Attempt("query-trick", route.method() + " " + route.path() + "?" + abbreviate(query),
                    request(route.method(), path + "?" + query, AUTH, bodyFor(route.method()))));
        }
        for (String suffix : List.of("//", "/..", ";x=1", "/%2e%2e/%2e%2e/health")) {
            out.add(new Attempt("path-trick", route.method() + " " + route.path() + suffix, request(route.method(),
                    path + suffix, AUTH, bodyFor(route.method()))));
        }
        return out;
    }

    private static List<Attempt> headerAttempts(String method, String path, List<String> headerSets) {
        List<Attempt> out = new ArrayList<>();
        for (String headers : headerSets) {
            out.add(new Attempt("header-trick", method + " " + path + " " + abbreviate(headers.strip()),
                    request(method, path, headers, bodyFor(method))));
        }
        return out;
    }

    private static List<Attempt> methodAttempts(String path) {
        List<Attempt> out = new ArrayList<>();
        for (String other : List.of("FOO", "TRACE", "OPTIONS", "HEAD", "get")) {
            out.add(new Attempt("method-trick", other + " " + path, request(other, path, AUTH, new byte[0])));
        }
        return out;
    }

    private static List<Attempt> socketAttempts(String path) {
        String upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\n";
        String key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
        List<Attempt> out = new ArrayList<>();
        for (String headers : List.of(upgrade + "Sec-WebSocket-Version: 13\r\n" + AUTH,
                upgrade + "Sec-WebSocket-Version: 7\r\n" + key + AUTH,
                upgrade + "Sec-WebSocket-Version: abc\r\n" + key + AUTH,
                upgrade + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: short\r\n" + AUTH,
                upgrade + "Sec-WebSocket-Version: 13\r\n" + key,
                upgrade + "Sec-WebSocket-Version: 13\r\n" + key + "Authorization: Bearer rt_live_nope\r\n",
                "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n" + key + AUTH,
                "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n" + key + AUTH,
                upgrade + "Sec-WebSocket-Version: 13\r\n" + key + AUTH + "Sec-WebSocket-Protocol: ,,,\r\n",
                upgrade + "Sec-WebSocket-Version: 13\r\n" + key + AUTH + "Sec-WebSocket-Extensions: "
                        + "permessage-deflate; server_max_window_bits=99\r\n",
                upgrade + "Sec-WebSocket-Version: 13\r\n" + key + AUTH + "Origin: http://evil.example\r\n")) {
            out.add(new Attempt("websocket", "GET " + path + " " + abbreviate(headers.strip()), request("GET",
                    path, headers, new byte[0])));
        }
        for (String query : List.of("api_key=", "api_key=%00", "api_key=rt_live_" + "A".repeat(32), "cols=-1&rows=x",
                "cols=99999999999&rows=1", "since=abc", "path=../../..", "path=%ED%A0%80")) {
            out.add(new Attempt("websocket", "GET " + path + "?" + query, request("GET", path + "?" + query,
                    upgrade + "Sec-WebSocket-Version: 13\r\n" + key, new byte[0])));
        }
        out.add(new Attempt("websocket", "POST " + path, request("POST", path, upgrade
                + "Sec-WebSocket-Version: 13\r\n" + key + AUTH, new byte[0])));
        return out;
    }

    private static List<Attempt> wholeRequestAttempts() {
        List<Attempt> out = new ArrayList<>();
        for (String line : List.of("GARBAGE", "GET", "GET /health", "GET /health HTTP/7.1", "GET /health HTTP/1.1x",
                "GET health HTTP/1.1", "GET http://evil.example/health HTTP/1.1", "GET * HTTP/1.1",
                "GET /health?" + "a".repeat(70_000) + " HTTP/1.1", "GET /\u00ff\u00fe HTTP/1.1",
                "GET /health HTTP/1.1\u0000", "GET  /health  HTTP/1.1", "GET /health HTTP/0.9",
                "GET /health HTTP/1.0", "PRI * HTTP/2.0")) {
            out.add(new Attempt("request-line", abbreviate(line), (line + "\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1)));
        }
        out.add(new Attempt("request-line", "no Host", "GET /health HTTP/1.1\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1)));
        out.add(new Attempt("request-line", "two Hosts", "GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1)));
        return out;
    }

    private static Attempt json(String family, String method, String path, String body) {
        return new Attempt(family, method + " " + path + " " + abbreviate(body), request(method, path,
                AUTH + "Content-Type: application/json\r\n", body.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] bodyFor(String method) {
        return method.equals("GET") ? new byte[0] : "{}".getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] request(String method, String path, String headers, byte[] body) {
        String length = body.length > 0 || !method.equals("GET") ? "Content-Length: " + body.length + "\r\n" : "";
        return concat(head(method, path, headers + length), body);
    }

    private static byte[] head(String method, String path, String headers) {
        return (method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[] head, byte[] body) {
        var out = new ByteArrayOutputStream(head.length + body.length);
        out.writeBytes(head);
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static String abbreviate(String text) {
        String flat = text.replaceAll("[\\r\\n]+", " ");
        return flat.length() <= 60 ? flat : flat.substring(0, 57) + "...";
    }

    /** Sends every attempt on a few threads; the whole run has a deadline, so the suite itself cannot hang. */
    private void runAll(List<Attempt> attempts) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Attempt attempt : attempts) {
                done.add(pool.submit(() -> judge(attempt)));
            }
            for (Future<?> future : done) {
                future.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void judge(Attempt attempt) {
        RawHttp.Answer answer;
        try {
            answer = raw.send(attempt.request());
        } catch (RawHttp.NoAnswer e) {
            count(attempt.family(), "no-answer");
            fail(attempt, e.getMessage());
            return;
        } catch (IOException e) {
            count(attempt.family(), "no-answer");
            fail(attempt, e.toString());
            return;
        }
        count(attempt.family(), Integer.toString(answer.status()));
        boolean head = attempt.name().startsWith("HEAD ");
        if (answer.status() >= 500) {
            fail(attempt, answer.status() + " " + answer.body());
        } else if (answer.status() >= 400 && !head && !answer.isErrorEnvelope()) {
            fail(attempt, "outside the envelope: " + answer.status()
                    + " " + answer.headers() + " " + abbreviate(answer.body()));
        } else if (answer.status() != 101 && answer.header("X-Request-Id") == null) {
            fail(attempt, "no X-Request-Id: " + answer.status());
        } else if (answer.body().contains("dev.corral") || answer.body().contains("Exception")) {
            fail(attempt, "names a class: " + answer.body());
        }
    }

    private void fail(Attempt attempt, String what) {
        failures.computeIfAbsent(attempt.family(), family -> new ConcurrentLinkedQueue<>())
                .add(attempt.name() + ": " + what);
    }

    private void count(String family, String outcome) {
        counts.computeIfAbsent(family + " " + outcome, key -> new AtomicLong()).incrementAndGet();
    }

    /**
     * One entry per family: how many requests it sent, the statuses they got ({@code 400×120, 413×3}), and the
     * first thing that went wrong, if anything did.
     */
    private void record(List<Attempt> attempts) {
        var sent = attempts.stream().collect(Collectors.groupingBy(Attempt::family, TreeMap::new,
                Collectors.counting()));
        sent.forEach((family, requests) -> {
            String statuses = new TreeMap<>(counts).entrySet().stream()
                    .filter(count -> count.getKey().startsWith(family + " "))
                    .map(count -> count.getKey().substring(family.length() + 1) + "×" + count.getValue().get())
                    .collect(Collectors.joining(", "));
            var wrong = failures.getOrDefault(family, new ConcurrentLinkedQueue<>());
            String tried = Objects.requireNonNull(FAMILIES.get(family), "no description of " + family);
            results.record(new SecurityResults.Attempt(family, "hostile requests", requests + " requests: " + tried,
                    EXPECTED, statuses + (wrong.isEmpty() ? "" : "; " + wrong.size()
                    + " wrong, first: " + wrong.peek()), wrong.isEmpty()));
        });
    }
}
