package dev.corral.app;

import dev.corral.testkit.ApiClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code corral serve} child process on a data directory, with the test admin key and the template cache, read
 * until it says it is ready. It can be killed with SIGKILL (a crash: nothing of the server runs after it) or
 * stopped with SIGTERM, and started again on the same directory. Its output is drained on a platform thread of its
 * own, so the server never blocks on a full pipe, and the last lines are kept for failure messages.
 */
final class ServedCorral implements AutoCloseable {
    /** The log line of every start (the "ready" banner is printed only when a new admin key was made). */
    private static final Pattern READY = Pattern.compile("listening on (http://[^\\s:]+:\\d+)");
    private static final int KEPT_LINES = 300;
    /** A loaded 2-CPU machine has taken a JVM tens of seconds to start; a server that has not started by then hangs. */
    private static final Duration STARTUP = Duration.ofMinutes(2);

    final Path dataDir;
    final Process process;
    final URI base;
    final ApiClient admin;
    /** The server's last lines; guarded by itself. */
    private final ArrayDeque<String> output;

    private ServedCorral(Path dataDir, Process process, URI base, ArrayDeque<String> output) {
        this.dataDir = dataDir;
        this.output = output;
        this.process = process;
        this.base = base;
        this.admin = new ApiClient(base, TestCorral.ADMIN_KEY);
    }

    /** {@code corral serve --port 0} on {@code dataDir}, with {@code env} beside the test's own settings. */
    static ServedCorral start(Path dataDir, Map<String, String> env) {
        var all = new HashMap<String, String>();
        all.put("CORRAL_BOOTSTRAP_KEY", TestCorral.ADMIN_KEY);
        all.put("CORRAL_TEMPLATES_DIR", TestCorral.TEMPLATE_CACHE);
        java.util.Optional.ofNullable(System.getenv("CORRAL_TEST_GUEST_BINARY"))
                .ifPresent(binary -> all.put("CORRAL_GUEST_BINARY", binary));
        all.putAll(env);
        Process process;
        try {
            process = CorralProcess.start(List.of("-Xmx512m"), List.of("serve", "--port", "0"), dataDir, all);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var output = new ArrayDeque<String>();
        var url = new CompletableFuture<String>();
        var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        // The server's output pipe must never fill up, or it would block on its own logging.
        Thread.ofPlatform().daemon().name("corral-serve-output").start(() -> {
            try {
                reader.lines().forEach(line -> {
                    remember(output, line);
                    Matcher ready = READY.matcher(line);
                    if (ready.find()) {
                        url.complete(ready.group(1));
                    }
                });
            } catch (UncheckedIOException e) {
                // the process was killed and its pipe closed
            }
            url.completeExceptionally(new IllegalStateException("corral serve ended"));
        });
        try {
            return new ServedCorral(dataDir, process, URI.create(url.get(STARTUP.toSeconds(), TimeUnit.SECONDS) + "/"),
                    output);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("corral serve did not start: " + lines(output), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException(e);
        }
    }

    /** Started again on the same data directory with the same settings, after a kill or a stop. */
    ServedCorral restart(Map<String, String> env) {
        return start(dataDir, env);
    }

    /** SIGKILL, as a crash or the OOM killer would, and waits until the process is gone. */
    void kill() {
        process.destroyForcibly();
        awaitExit();
    }

    /** SIGTERM: the server's own shutdown, then waits for it. */
    void stop() {
        process.destroy();
        if (!awaitExit()) {
            kill();
        }
    }

    private boolean awaitExit() {
        try {
            return process.waitFor(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void remember(ArrayDeque<String> output, String line) {
        synchronized (output) {
            output.addLast(line);
            if (output.size() > KEPT_LINES) {
                output.removeFirst();
            }
        }
    }

    private static String lines(ArrayDeque<String> output) {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    /** The last lines the server wrote, for failure messages. */
    String output() {
        return lines(output);
    }

    /** Stops the server, destroys whatever sandboxes it left on the host, and deletes the data directory. */
    @Override
    public void close() {
        stop();
        removeEverything(dataDir);
    }

    /** Destroys every sandbox and workspace attachment of {@code dataDir} on this host and deletes the directory. */
    static void removeEverything(Path dataDir) {
        Config config = ConfigLoader.load(Map.of(), TestNetworks.withNetwork(dataDir, Map.of("data-dir",
                dataDir.toString(), "templates-dir", TestCorral.TEMPLATE_CACHE, "guest", "runc")));
        try (LocalRuntime local = LocalRuntime.open(config)) {
            local.runtime().removeAllExcept(Set.of());
            local.workspaces().detachAll();
        }
        try (var files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
