package dev.corral.runtime.oci.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real corral-guest binary (built by this module's build into guest/build) running on the host, outside any
 * sandbox, on a socket in a temporary directory. Closing it kills the agent and everything it started.
 */
final class RunningGuest implements AutoCloseable {
    static final Path BINARY = Path.of("..", "guest", "build", "corral-guest").toAbsolutePath().normalize();
    /** Every command gets this environment unless a test says otherwise: the agent passes none of its own. */
    static final String PATH = "env=PATH=/usr/local/bin:/usr/bin:/bin";

    private final Process process;
    private final Path socket;

    private RunningGuest(Process process, Path socket) {
        this.process = process;
        this.socket = socket;
    }

    static RunningGuest start(Path dir) throws IOException {
        assertThat(BINARY).as("corral-guest is built by runtime-oci's build (make -C guest)").isExecutable();
        Path socket = dir.resolve("agent.sock");
        Process process = new ProcessBuilder(BINARY.toString(), "--socket", socket.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(socket) || !process.isAlive());
        assertThat(process.isAlive()).as("the agent started").isTrue();
        return new RunningGuest(process, socket);
    }

    GuestConnection connect() throws IOException {
        return GuestConnection.open(socket);
    }

    /** Sends one request and reads every frame of the answer. */
    List<Frame> call(String op, String... fields) throws IOException {
        try (GuestConnection connection = connect()) {
            return connection.request(op, fields).all();
        }
    }

    /** Runs a foreground exec to its end. */
    ExecOutcome exec(String... fields) throws IOException {
        try (GuestConnection connection = connect()) {
            return connection.request("exec", fields).outcome();
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The agent's resident memory in KiB, from /proc. */
    long residentKiB() throws IOException {
        return residentKiB(process.pid());
    }

    /** The resident memory of the agent and everything it started, in KiB. */
    long treeResidentKiB() throws IOException {
        long total = residentKiB();
        for (ProcessHandle child : process.descendants().toList()) {
            total += residentKiB(child.pid());
        }
        return total;
    }

    static long residentKiB(long pid) throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
            return lines.filter(line -> line.startsWith("VmRSS:"))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                    .findFirst().orElse(0);
        } catch (java.nio.file.NoSuchFileException gone) {
            return 0;
        }
    }

    /** True when pid has ended (or is a zombie that nobody reaped yet: it runs no more). */
    static boolean ended(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException gone) {
            return true;
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
