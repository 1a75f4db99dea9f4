package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The load suite: 100 clients for 60 s against a real {@code corral serve} process, each creating a sandbox, running
 * commands and writing and reading files in it, and deleting it, over and over; every answer is checked (status,
 * envelope, content). A client refused a sandbox (the host holds {@link #MAX_SANDBOXES} at once, 429) works in a
 * shared sandbox meanwhile, where a command past the plan's per-sandbox limit is a documented 403. At the end no
 * sandbox is left, and nothing of any sandbox on the host: container, mount, loop device, cgroup or process.
 *
 * <p>Bounded for a 2-CPU machine shared with other work: 60 s of load plus setup and teardown. It checks that the
 * server stays correct under load, not how fast it is (the benchmarks measure that).
 */
class LoadIT {
    private static final int CLIENTS = 100;
    private static final Duration LOAD = Duration.ofSeconds(60);
    private static final int MAX_SANDBOXES = 12;
    /** Operations a client runs in its own sandbox before it deletes it and makes a new one. */
    private static final int OPERATIONS_PER_SANDBOX = 6;
    private static final int KEPT_SURPRISES = 20;

    private static final SecurityResults RESULTS = new SecurityResults("load");
    private static final Path dataDir = TestCorral.searchableTempDir().resolve("data");
    private static ServedCorral server;

    /** Answers by operation and outcome, e.g. {@code exec} → {@code 200}. */
    private final Map<String, Map<String, LongAdder>> answers = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> surprises = new ConcurrentLinkedQueue<>();
    private final Map<String, LongAdder> unexpected = new ConcurrentHashMap<>();
    private final Set<String> made = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void startServer() {
        server = ServedCorral.start(dataDir, Map.of(
                "CORRAL_MAX_SANDBOXES", Integer.toString(MAX_SANDBOXES),
                "CORRAL_ENTERPRISE_REQUESTS_PER_MINUTE", "600000",
                "CORRAL_ENTERPRISE_BURST", "100000"));
    }

    @AfterAll
    static void stopServer() throws Exception {
        RESULTS.writeAfterClosing(server);
    }

    @Test
    void hundredClientsCreateExecFilesDelete_everyAnswerExpectedAndNothingLeaked() throws Exception {
        ApiClient admin = server.admin;
        String shared = create(admin, "setup").orElseThrow();
        long deadline = System.nanoTime() + LOAD.toNanos();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            var running = new ArrayList<Future<?>>();
            for (int i = 0; i < CLIENTS; i++) {
                int client = i;
                running.add(clients.submit(() -> {
                    runClient(admin, client, shared, deadline);
                    return null;
                }));
            }
            for (Future<?> client : running) {
                client.get(LOAD.toSeconds() + 240, TimeUnit.SECONDS);
            }
        }
        check(admin.delete("v1/sandboxes/" + shared), "delete", 200);

        long operations = answers.values().stream().flatMap(m -> m.values().stream()).mapToLong(LongAdder::sum).sum();
        String summary = summary();
        System.out.printf("LoadIT: %d clients, %d s, %d operations, %d unexpected; %s; surprises %s%n", CLIENTS,
                LOAD.toSeconds(), operations, unexpected(), summary, surprises);
        answers.forEach((operation, outcomes) -> RESULTS.record(new SecurityResults.Attempt(operation, "answers",
                CLIENTS + " clients for " + LOAD.toSeconds() + " s: " + operation,
                "its success, 429 rate_limited with Retry-After or 403 quota_exceeded",
                outcomes.entrySet().stream().map(e -> e.getKey() + "×" + e.getValue().sum())
                        .collect(Collectors.joining(", ")),
                !unexpected.containsKey(operation))));

        RESULTS.check("nothing left", "leaks", "after the load, every sandbox deleted: containers, mounts, loop"
                + " devices, cgroups and processes of the " + made.size() + " sandboxes made",
                "no sandbox live, nothing on the host", () -> {
            ApiResponse live = admin.get("v1/sandboxes?status=creating,running,paused&limit=100");
            assertThat(live.data()).as(live.toString()).isEmpty();
            HostLeaks leaks = HostLeaks.except(dataDir, made, Set.of());
            assertThat(leaks.none()).as("left on the host: %s", leaks).isTrue();
            return "none of " + made.size() + " sandboxes left anything";
        });
        RESULTS.check("every answer expected", "answers", CLIENTS + " clients for " + LOAD.toSeconds() + " s of"
                + " create/exec/files/delete", "0 unexpected answers", () -> {
            assertThat(unexpected()).as("unexpected answers: %s; all: %s", surprises, summary).isZero();
            assertThat(operations).isGreaterThan(CLIENTS);
            return operations + " operations, 0 unexpected";
        });
    }

    /** One client: its own sandbox while it can have one, the shared one while the host is full. */
    private void runClient(ApiClient admin, int client, String shared, long deadline) {
        String own = null;
        int step = 0;
        while (System.nanoTime() < deadline) {
            try {
                if (own == null) {
                    own = create(admin, "create").orElse(null);
                    if (own == null) {
                        work(admin, shared, "shared ", client, step);
                    }
                } else if (step % (OPERATIONS_PER_SANDBOX + 1) == OPERATIONS_PER_SANDBOX) {
                    check(admin.delete("v1/sandboxes/" + own), "delete", 200);
                    own = null;
                } else {
                    work(admin, own, "", client, step);
                }
            } catch (RuntimeException e) {
                // No answer at all (a timeout, a closed connection): the worst surprise.
                count("no answer", e.getClass().getSimpleName());
                surprise("no answer", String.valueOf(e.getMessage()));
            }
            step++;
        }
        if (own != null) {
            check(admin.delete("v1/sandboxes/" + own), "delete", 200);
        }
    }

    /** A command, or a file written and read back, in {@code sandbox}, by turns. */
    private void work(ApiClient admin, String sandbox, String where, int client, int step) {
        String word = "c" + client + "s" + step;
        if (step % 2 == 0) {
            ApiResponse exec = admin.post("v1/sandboxes/" + sandbox + "/exec", Map.of("command", "echo " + word));
            if (check(exec, where + "exec", 200)) {
                expect(where + "exec", exec.data().path("stdout").asText(), word + "\n");
            }
            return;
        }
        var files = new FilesApi(admin, sandbox);
        String path = "/workspace/client-" + client + ".txt";
        ApiResponse written = files.put(path, word.getBytes(StandardCharsets.UTF_8));
        if (check(written, where + "file write", 200)) {
            HttpResponse<byte[]> read = files.get(path);
            count(where + "file read", Integer.toString(read.statusCode()));
            if (read.statusCode() != 200) {
                surprise(where + "file read", read.statusCode() + " " + new String(read.body(), StandardCharsets.UTF_8));
            } else {
                expect(where + "file read", new String(read.body(), StandardCharsets.UTF_8), word);
            }
        }
    }

    /** A new small sandbox, running; empty when the host or the plan holds as many as it may (429 or 403). */
    private java.util.Optional<String> create(ApiClient admin, String operation) {
        ApiResponse created = admin.post("v1/sandboxes?wait=true", Map.of("template", "base",
                "resources", Map.of("memory", "128MB", "disk", "64MB")));
        if (!check(created, operation, 201)) {
            return java.util.Optional.empty();
        }
        String id = created.data().path("id").asText();
        made.add(id);
        expect(operation, created.data().path("status").asText(), "running");
        return java.util.Optional.of(id);
    }

    /**
     * Counts the answer; true when it is {@code status}. A 429 {@code rate_limited} with {@code Retry-After}, or a
     * 403 {@code quota_exceeded}, is a documented refusal; anything else is a surprise.
     */
    private boolean check(ApiResponse answer, String operation, int status) {
        String code = answer.error().path("code").asText("");
        count(operation, answer.status() + (code.isEmpty() ? "" : " " + code));
        if (answer.status() == status && answer.json() != null && answer.json().has("data")) {
            return true;
        }
        boolean refused = answer.status() == 429 && code.equals("rate_limited") && answer.header("Retry-After") != null
                || answer.status() == 403 && code.equals("quota_exceeded");
        if (!refused) {
            surprise(operation, answer.toString());
        }
        return false;
    }

    private void expect(String operation, String actual, String expected) {
        if (!actual.equals(expected)) {
            surprise(operation, "expected " + expected + " but got " + actual);
        }
    }

    private void count(String operation, String outcome) {
        answers.computeIfAbsent(operation, o -> new ConcurrentHashMap<>())
                .computeIfAbsent(outcome, o -> new LongAdder()).increment();
    }

    private void surprise(String operation, String what) {
        unexpected.computeIfAbsent(operation, o -> new LongAdder()).increment();
        if (surprises.size() < KEPT_SURPRISES) {
            surprises.add(operation + ": " + (what.length() > 300 ? what.substring(0, 300) + "…" : what));
        }
    }

    private long unexpected() {
        return unexpected.values().stream().mapToLong(LongAdder::sum).sum();
    }

    private String summary() {
        var sorted = new TreeMap<String, String>();
        answers.forEach((operation, outcomes) -> sorted.put(operation, outcomes.entrySet().stream()
                .map(e -> e.getKey() + "×" + e.getValue().sum()).sorted().collect(Collectors.joining(", "))));
        return sorted.toString();
    }
}
