package dev.corral.runtime.oci.agent;

import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.exec.ExecSpec;
import dev.corral.core.sandbox.exec.ExecStream;
import dev.corral.core.sandbox.processes.RuntimeProcess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Background commands kept by a sandbox's agent ({@code exec background=1}, {@code processes}, {@code attach},
 * {@code signal}), under the ids the server gave them: each one's id at the agent and its command line are kept in
 * a file of the host's, {@code <sandbox dir>/processes/<process id>}, which only host root reads, so a restarted
 * server finds them by the same ids. The files go with the sandbox's processes when it starts again.
 *
 * <p>Threading: stateless apart from those files, each written once; any thread may call any method.
 */
public final class AgentProcesses {
    private static final Pattern PROCESS_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final AgentExecs execs;

    public AgentProcesses(AgentExecs execs) {
        this.execs = execs;
    }

    /** Starts {@code spec} in the background under {@code processId}, remembered in {@code dir}. */
    public ExecStream start(GuestClient guest, Path sandboxConfig, Path dir, String processId, ExecSpec spec,
                            Optional<InputStream> stdin) {
        Path file = file(dir, processId);
        AgentExecStream stream = execs.start(guest, sandboxConfig, spec, stdin.orElse(null), true);
        try {
            String agentId = stream.startedFields().text("id", "");
            Files.createDirectories(dir);
            Files.writeString(file, agentId + "\n" + spec.command(), StandardCharsets.UTF_8);
            return stream;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stream.close();
            throw CorralException.runtimeUnavailable("Interrupted while a background command started", e);
        } catch (IOException | RuntimeException e) {
            stream.close();
            throw e instanceof RuntimeException runtime ? runtime
                    : CorralException.runtimeUnavailable("Cannot remember background command " + processId + ": "
                    + e, e);
        }
    }

    /** The kept commands that were started under an id of ours, running or recently ended. */
    public List<RuntimeProcess> list(GuestClient guest, Path dir) {
        Map<String, Kept> byAgentId = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                Kept kept = read(file);
                byAgentId.put(kept.agentId, kept);
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw CorralException.runtimeUnavailable("Cannot read the background commands kept in " + dir, e);
        }
        var found = new ArrayList<RuntimeProcess>();
        try (AgentConnection connection = guest.connect()) {
            connection.request("processes", GuestFields.EMPTY);
            while (true) {
                GuestFrame frame = connection.receive();
                if (frame.type() == GuestFrame.DONE) {
                    return found;
                }
                if (frame.type() != GuestFrame.ENTRY) {
                    throw GuestFailure.unexpected(frame, "processes");
                }
                GuestFields fields = frame.fields();
                Kept kept = byAgentId.get(fields.text("id", ""));
                if (kept != null) {
                    boolean running = fields.flag("running");
                    long signal = fields.number("signal", 0);
                    Optional<Integer> exit = running ? Optional.empty()
                            : Optional.of(signal != 0 ? 128 + (int) signal : (int) fields.number("code", 0));
                    found.add(new RuntimeProcess(kept.processId, kept.command,
                            Instant.ofEpochMilli(fields.number("started_ms", 0)), running, exit));
                }
            }
        } catch (IOException e) {
            throw CorralException.runtimeUnavailable("The guest agent went away listing processes: " + e, e);
        }
    }

    /** The output of a kept command, from what the agent retained; closing it detaches. */
    public ExecStream attach(GuestClient guest, Path dir, String processId) {
        Kept kept = kept(dir, processId);
        return AgentExecStream.start(guest.connect(), "attach", GuestFields.builder().add("id", kept.agentId)
                .build(), System.nanoTime(), null, message -> CorralException.notFound("process", processId));
    }

    /** Signals a kept command's process group. */
    public void signal(GuestClient guest, Path dir, String processId, int signal) {
        Kept kept = kept(dir, processId);
        try (AgentConnection connection = guest.connect()) {
            connection.request("signal", GuestFields.builder().add("id", kept.agentId).add("signal", signal).build());
            GuestFrame answer = connection.receive();
            if (answer.type() != GuestFrame.DONE) {
                throw CorralException.notFound("process", processId);
            }
        } catch (IOException e) {
            throw CorralException.runtimeUnavailable("The guest agent went away signalling " + processId + ": " + e,
                    e);
        }
    }

    private Kept kept(Path dir, String processId) {
        try {
            return read(file(dir, processId));
        } catch (NoSuchFileException e) {
            throw CorralException.notFound("process", processId);
        } catch (IOException e) {
            throw CorralException.runtimeUnavailable("Cannot read background command " + processId + ": " + e, e);
        }
    }

    private static Kept read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        return new Kept(file.getFileName().toString(), newline < 0 ? text : text.substring(0, newline),
                newline < 0 ? "" : text.substring(newline + 1));
    }

    private static Path file(Path dir, String processId) {
        if (!PROCESS_ID.matcher(processId).matches()) {
            throw CorralException.notFound("process", processId);
        }
        return dir.resolve(processId);
    }

    /** One remembered command. */
    private record Kept(String processId, String agentId, String command) {
    }
}
