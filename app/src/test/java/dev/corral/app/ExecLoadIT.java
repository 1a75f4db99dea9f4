package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What one tenant's commands may do to the server, against a real {@code corral serve} process with a bounded heap:
 * a 5-minute silent command, 32 more silent ones, 4 floods of 200 MB answered as JSON and 4 as SSE, a streamed
 * command whose client goes away, a background process past the default timeout and a sandbox full of commands,
 * all at once, while {@code /health} is polled every 250 ms and the server's resident memory is sampled. Everything
 * runs concurrently beside the 5-minute command, so the class takes a little over 5 minutes.
 */
class ExecLoadIT {
    private static final int HEAP_MB = 256;
    /**
     * Resident memory beyond the heap: metaspace and code cache (~100 MB for this server), thread stacks, GC data
     * and Jetty's direct buffers. Generous on purpose: before the exec engine bounded output, 4 floods took the
     * server to 2.4 GB.
     */
    private static final int NATIVE_ALLOWANCE_MB = 400;
    /**
     * The bound: /health answers within 1 s throughout (before the fix: 9 s, or no answer for 40-60 s). A
     * timing bound in a test, because the issue asks for exactly this; it holds with room to spare once the poller
     * runs out of this JVM (slowest 392 ms on a machine loaded by other suites besides this one's 41 commands).
     */
    private static final Duration HEALTH_BOUND = Duration.ofSeconds(1);
    /** Answers slower than this are listed in the failure message, to show what the server went through. */
    private static final long SLOW_MILLIS = 250;
    private static final String FLOOD = "head -c 200000000 /dev/zero | tr '\\0' x";
    /** The enterprise plan (the operator's organization) keeps 10 MB of a command's output. */
    private static final long ENTERPRISE_OUTPUT_BYTES = 10L << 20;
    private static final int ENTERPRISE_EXECS_PER_SANDBOX = 50;
    private static final Pattern READY = Pattern.compile("Corral is ready at (http://\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static final Path dataDir = TestCorral.searchableTempDir().resolve("data");
    private static final ArrayDeque<String> serverOutput = new ArrayDeque<>();
    private static Process server;
    private static URI base;
    private static ApiClient admin;

    @BeforeAll
    static void startServer() throws Exception {
        server = CorralProcess.start(List.of("-Xmx" + HEAP_MB + "m", "-Xms64m"), List.of("serve", "--port", "0"),
                dataDir, Map.of("CORRAL_BOOTSTRAP_KEY", TestCorral.ADMIN_KEY,
                        "CORRAL_TEMPLATES_DIR", TestCorral.TEMPLATE_CACHE,
                        "CORRAL_EXEC_DEFAULT_TIMEOUT", "2s"));
        var reader = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        String url = null;
        for (String line = reader.readLine(); line != null && url == null; line = reader.readLine()) {
            remember(line);
            Matcher ready = READY.matcher(line);
            if (ready.find()) {
                url = ready.group(1);
            }
        }
        assertThat(url).as("server output: %s", serverOutput).isNotNull();
        // The server's output pipe must never fill up, or it would block on its own logging.
        Thread.ofPlatform().daemon().name("corral-output").start(() -> reader.lines().forEach(ExecLoadIT::remember));
        base = URI.create(url + "/");
        admin = new ApiClient(base, TestCorral.ADMIN_KEY);
    }

    private static final ConcurrentLinkedQueue<String> slowHealthOnServer = new ConcurrentLinkedQueue<>();
    private static final Pattern HEALTH_MILLIS = Pattern.compile("^ts=(\\S+).*path=/health .*durationMs=(\\d+)");

    private static void remember(String line) {
        Matcher health = HEALTH_MILLIS.matcher(line);
        if (health.find() && Long.parseLong(health.group(2)) >= 100) {
            slowHealthOnServer.add(health.group(1) + " " + health.group(2));
        }
        synchronized (serverOutput) {
            serverOutput.addLast(line);
            if (serverOutput.size() > 200) {
                serverOutput.removeFirst();
            }
        }
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
            server.destroyForcibly();
        }
        Config config = ConfigLoader.load(Map.of(), TestNetworks.withNetwork(dataDir, Map.of("data-dir",
                dataDir.toString(), "templates-dir", TestCorral.TEMPLATE_CACHE)));
        try (LocalRuntime local = LocalRuntime.open(config)) {
            local.runtime().removeAllExcept(Set.of());
            local.workspaces().detachAll();
        }
        try (var files = Files.walk(dataDir.getParent())) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void longSilentFloodingAndAbandonedCommands_healthStaysFastAndMemoryStaysBounded() throws Exception {
        String busy = createSandbox();
        String full = createSandbox();
        try (var health = new HealthPoller(); var memory = new RssSampler(server.pid());
             ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> health.answers().size() >= 4);
            Future<JsonNode> longExec = clients.submit(() -> execJson(busy, "sleep 300", 310_000));
            var silent = new ArrayList<Future<JsonNode>>();
            for (int i = 0; i < 32; i++) {
                silent.add(clients.submit(() -> execJson(busy, "sleep 20", 60_000)));
            }
            var jsonFloods = new ArrayList<Future<JsonNode>>();
            var sseFloods = new ArrayList<Future<SseResult>>();
            for (int i = 0; i < 4; i++) {
                jsonFloods.add(clients.submit(() -> execJson(busy, FLOOD, 120_000)));
                sseFloods.add(clients.submit(() -> execSse(busy, FLOOD, 120_000)));
            }

            streamedCommand_clientDisconnects_isKilledWithinSeconds(busy);
            backgroundCommand_withoutTimeout_outlivesTheDefaultTimeout(busy);
            commandsPastTheSandboxLimit_areRefusedAtOnce(full);

            JsonNode longResult = longExec.get(6, TimeUnit.MINUTES);
            System.out.printf("ExecLoadIT: %d /health answers, slowest %d ms, slow ones (s after start: ms) %s,"
                    + " on the server %s; peak RSS %d MB; long command %s%n", health.answers().size(),
                    health.slowest(), health.slowOnes(), slowHealthOnServer, memory.peakMegabytes(), longResult);
            for (Future<JsonNode> flood : jsonFloods) {
                JsonNode result = flood.get(3, TimeUnit.MINUTES);
                assertThat(result.path("exitCode").asInt()).as(result.toString()).isZero();
                assertThat(result.path("truncated").asBoolean()).isTrue();
                assertThat(result.path("stdout").asText().length()).isEqualTo(ENTERPRISE_OUTPUT_BYTES);
            }
            for (Future<SseResult> flood : sseFloods) {
                SseResult result = flood.get(3, TimeUnit.MINUTES);
                assertThat(result.exit().path("exitCode").asInt()).as(result.exit().toString()).isZero();
                assertThat(result.exit().path("truncated").asBoolean()).isTrue();
                assertThat(result.stdoutChars()).isEqualTo(ENTERPRISE_OUTPUT_BYTES);
            }
            for (Future<JsonNode> command : silent) {
                JsonNode result = command.get(2, TimeUnit.MINUTES);
                assertThat(result.path("exitCode").asInt()).as(result.toString()).isZero();
                assertThat(result.path("timedOut").asBoolean()).isFalse();
            }
            assertThat(longResult.path("exitCode").asInt()).as(longResult.toString()).isZero();
            assertThat(longResult.path("durationMs").asLong()).isGreaterThanOrEqualTo(300_000);

            // About 3.5 a second for 5 minutes (250 ms apart, plus starting curl each time): the poller ran all along.
            assertThat(health.answers()).as("health answers").hasSizeGreaterThan(800);
            assertThat(health.slowest()).as("slowest /health answer (ms); slow ones (s after start: ms) %s;"
                    + " on the server %s", health.slowOnes(), slowHealthOnServer).isLessThan(HEALTH_BOUND.toMillis());
            assertThat(health.failures()).as("failed /health requests").isZero();
            assertThat(memory.peakMegabytes()).as("peak resident memory (MB) of a %d MB heap", HEAP_MB)
                    .isLessThan(HEAP_MB + NATIVE_ALLOWANCE_MB);
        } finally {
            admin.delete("v1/sandboxes/" + busy);
            admin.delete("v1/sandboxes/" + full);
        }
    }

    private static void streamedCommand_clientDisconnects_isKilledWithinSeconds(String sandbox) throws Exception {
        try (var socket = new Socket(base.getHost(), base.getPort())) {
            byte[] body = JSON.writeValueAsBytes(Map.of("command", "sleep 1234", "timeout", 600_000));
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/sandboxes/" + sandbox + "/exec HTTP/1.1\r\nHost: " + base.getHost() + "\r\n"
                    + "Authorization: Bearer " + TestCorral.ADMIN_KEY + "\r\nAccept: text/event-stream\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line;
            do {
                line = in.readLine();
            } while (line != null && !line.contains("keep-alive"));
            assertThat(line).as("a heartbeat of the silent command").isNotNull();
            assertThat(count(sandbox, "^sleep 1234")).isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> count(sandbox, "^sleep 1234") == 0);
    }

    private static void backgroundCommand_withoutTimeout_outlivesTheDefaultTimeout(String sandbox) throws Exception {
        JsonNode timedOut = execJson(sandbox, Map.of("command", "sleep 30"), Duration.ofMinutes(1));
        assertThat(timedOut.path("timedOut").asBoolean()).as("the server's 2 s default").isTrue();

        ApiResponse started = admin.post("v1/sandboxes/" + sandbox + "/exec",
                Map.of("command", "sleep 60", "background", true));
        assertThat(started.status()).as(started.toString()).isEqualTo(201);
        String processId = started.data().path("processId").asText();
        await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(10))
                .until(() -> status(sandbox, processId).equals("running"));
        assertThat(admin.delete("v1/sandboxes/" + sandbox + "/processes/" + processId).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> status(sandbox, processId).equals("killed"));
    }

    private static void commandsPastTheSandboxLimit_areRefusedAtOnce(String sandbox) {
        for (int i = 0; i < ENTERPRISE_EXECS_PER_SANDBOX; i++) {
            ApiResponse started = admin.post("v1/sandboxes/" + sandbox + "/exec",
                    Map.of("command", "sleep 600", "background", true));
            assertThat(started.status()).as(started.toString()).isEqualTo(201);
        }
        ApiResponse foreground = admin.post("v1/sandboxes/" + sandbox + "/exec",
                Map.of("command", "echo one too many", "timeout", 10_000));
        ApiResponse background = admin.post("v1/sandboxes/" + sandbox + "/exec",
                Map.of("command", "sleep 600", "background", true));

        for (ApiResponse refused : List.of(foreground, background)) {
            assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
            assertThat(refused.error().path("code").asText()).isEqualTo("quota_exceeded");
        }
    }

    private static String createSandbox() {
        ApiResponse made = admin.post("v1/sandboxes?wait=true", Map.of("template", "base",
                "resources", Map.of("memory", "256MB", "disk", "256MB")));
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        assertThat(made.data().path("status").asText()).as(made.toString()).isEqualTo("running");
        return made.data().path("id").asText();
    }

    /** How many processes of the sandbox have a command line matching {@code pattern}. */
    private static int count(String sandbox, String pattern) throws Exception {
        JsonNode result = execJson(sandbox, Map.of("command", "ps -eo args | grep -c '" + pattern + "' || true",
                "timeout", 10_000), Duration.ofSeconds(30));
        return Integer.parseInt(result.path("stdout").asText().strip());
    }

    private static String status(String sandbox, String processId) {
        ApiResponse list = admin.get("v1/sandboxes/" + sandbox + "/processes");
        for (JsonNode process : list.data()) {
            if (process.path("processId").asText().equals(processId)) {
                return process.path("status").asText();
            }
        }
        return "missing";
    }

    private static JsonNode execJson(String sandbox, String command, long timeoutMillis) throws Exception {
        return execJson(sandbox, Map.of("command", command, "timeout", timeoutMillis),
                Duration.ofMillis(timeoutMillis).plusMinutes(1));
    }

    private static JsonNode execJson(String sandbox, Map<String, Object> body, Duration wait) throws Exception {
        HttpResponse<InputStream> response = HTTP.send(execRequest(sandbox, body, wait)
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofInputStream());
        JsonNode answer;
        try (InputStream in = response.body()) {
            answer = JSON.readTree(in);
        }
        assertThat(response.statusCode()).as(answer.toString()).isEqualTo(200);
        return answer.path("data");
    }

    /** A streamed command's exit event and how many characters of stdout came before it. */
    private record SseResult(JsonNode exit, long stdoutChars) {
    }

    private static SseResult execSse(String sandbox, String command, long timeoutMillis) throws Exception {
        HttpResponse<InputStream> response = HTTP.send(execRequest(sandbox,
                        Map.of("command", command, "timeout", timeoutMillis), Duration.ofMillis(timeoutMillis).plusMinutes(1))
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        long stdoutChars = 0;
        String event = null;
        try (var in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("event: ")) {
                    event = line.substring("event: ".length());
                } else if (line.startsWith("data: ")) {
                    JsonNode data = JSON.readTree(line.substring("data: ".length()));
                    if ("exit".equals(event)) {
                        return new SseResult(data, stdoutChars);
                    }
                    if ("stdout".equals(event)) {
                        stdoutChars += data.path("data").asText().length();
                    }
                }
            }
        }
        throw new AssertionError("the stream ended without an exit event after " + stdoutChars + " characters");
    }

    private static HttpRequest.Builder execRequest(String sandbox, Map<String, Object> body, Duration wait)
            throws IOException {
        return HttpRequest.newBuilder(base.resolve("v1/sandboxes/" + sandbox + "/exec")).timeout(wait)
                .header("Authorization", "Bearer " + TestCorral.ADMIN_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
    }

    /**
     * Asks {@code /health} every 250 ms from a process of its own ({@code curl}, a new connection each time, as a
     * load balancer's check does) and keeps how long each answer took. Out of this JVM so that what it measures is
     * the server: in here, the floods' readers and this JVM's own pauses delayed the poller too (its slowest answer
     * was 0.8-1.4 s while the server's log showed no /health slower than 127 ms).
     */
    private static final class HealthPoller implements AutoCloseable {
        private static final Pattern ANSWER = Pattern.compile("(\\d{3}) (\\d+\\.\\d+)");
        private final Process curl;
        private final ConcurrentLinkedQueue<Long> millis = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<String> slow = new ConcurrentLinkedQueue<>();
        private final long started = System.nanoTime();
        private final AtomicLong failures = new AtomicLong();

        HealthPoller() throws IOException {
            curl = new ProcessBuilder("sh", "-c", "while :; do curl -s -o /dev/null --max-time 10 -w "
                    + "'%{http_code} %{time_total}\\n' \"$0\"; sleep 0.25; done", base.resolve("health").toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            // A platform thread: it blocks reading the pipe.
            Thread.ofPlatform().daemon().name("health-poller").start(this::read);
        }

        private void read() {
            try (var lines = new BufferedReader(new InputStreamReader(curl.getInputStream(),
                    StandardCharsets.US_ASCII))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    Matcher answer = ANSWER.matcher(line);
                    if (!answer.matches() || !answer.group(1).equals("200")) {
                        failures.incrementAndGet();
                        continue;
                    }
                    long took = Math.round(Double.parseDouble(answer.group(2)) * 1000);
                    millis.add(took);
                    if (took > SLOW_MILLIS) {
                        slow.add(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + ": " + took);
                    }
                }
            } catch (IOException e) {
                // the poller was stopped
            }
        }

        List<String> slowOnes() {
            return List.copyOf(slow);
        }

        List<Long> answers() {
            return List.copyOf(millis);
        }

        long slowest() {
            return millis.stream().mapToLong(Long::longValue).max().orElse(Long.MAX_VALUE);
        }

        long failures() {
            return failures.get();
        }

        @Override
        public void close() {
            curl.descendants().forEach(ProcessHandle::destroy);
            curl.destroy();
        }
    }

    /** Reads the server process's resident memory (VmRSS) every 250 ms and keeps the peak. */
    private static final class RssSampler implements AutoCloseable {
        private static final Pattern VM_RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private final Path status;
        private final AtomicLong peakKb = new AtomicLong();

        RssSampler(long pid) {
            this.status = Path.of("/proc", Long.toString(pid), "status");
            timer.scheduleAtFixedRate(this::sample, 0, 250, TimeUnit.MILLISECONDS);
        }

        private void sample() {
            try {
                Matcher rss = VM_RSS.matcher(Files.readString(status));
                if (rss.find()) {
                    peakKb.accumulateAndGet(Long.parseLong(rss.group(1)), Math::max);
                }
            } catch (IOException e) {
                // the server has stopped: nothing more to sample
            }
        }

        long peakMegabytes() {
            return peakKb.get() / 1024;
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }
}
