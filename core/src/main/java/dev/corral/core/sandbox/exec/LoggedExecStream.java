package dev.corral.core.sandbox.exec;

import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.logs.LogEntry;
import dev.corral.core.sandbox.logs.SandboxLogs;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An exec's output as its caller reads it, copied to the sandbox's log stream on the way: {@code exec_start},
 * each chunk as text, {@code exec_end}. {@code onExit} runs once, when the exit has been read or the stream is
 * closed early. A stream made {@code withoutOutput} logs only its start and end: an interactive session's traffic
 * (a terminal's keystrokes echoed, an SFTP server's binary packets) is the client's, not a log's.
 */
public final class LoggedExecStream implements ExecStream {
    private final ExecStream delegate;
    private final SandboxId sandbox;
    private final String processId;
    private final SandboxLogs logs;
    private final InstantSource clock;
    private final Consumer<ExecEvent.Exit> onExit;
    private final boolean copyOutput;
    private final Utf8Chunks stdout = new Utf8Chunks();
    private final Utf8Chunks stderr = new Utf8Chunks();
    private boolean ended;

    LoggedExecStream(ExecStream delegate, SandboxId sandbox, String processId, String command, SandboxLogs logs,
                     InstantSource clock, Consumer<ExecEvent.Exit> onExit) {
        this(delegate, sandbox, processId, command, logs, clock, onExit, true);
    }

    LoggedExecStream(ExecStream delegate, SandboxId sandbox, String processId, String command, SandboxLogs logs,
                     InstantSource clock, Consumer<ExecEvent.Exit> onExit, boolean copyOutput) {
        this.copyOutput = copyOutput;
        this.delegate = delegate;
        this.sandbox = sandbox;
        this.processId = processId;
        this.logs = logs;
        this.clock = clock;
        this.onExit = onExit;
        logs.publish(LogEntry.execStart(sandbox, processId, command, clock.instant()));
    }

    @Override
    public ExecEvent next() throws InterruptedException {
        return logged(delegate.next());
    }

    @Override
    public Optional<ExecEvent> poll(Duration wait) throws InterruptedException {
        return delegate.poll(wait).map(this::logged);
    }

    private ExecEvent logged(ExecEvent event) {
        switch (event) {
            case ExecEvent.Stdout chunk -> publish(LogEntry.Type.STDOUT, stdout.decode(chunk.data()));
            case ExecEvent.Stderr chunk -> publish(LogEntry.Type.STDERR, stderr.decode(chunk.data()));
            case ExecEvent.Exit exit -> end(exit);
        }
        return event;
    }

    private void publish(LogEntry.Type type, String text) {
        if (copyOutput && !text.isEmpty()) {
            logs.publish(LogEntry.output(type, sandbox, processId, text, clock.instant()));
        }
    }

    private void end(ExecEvent.Exit exit) {
        if (ended) {
            return;
        }
        ended = true;
        publish(LogEntry.Type.STDOUT, stdout.finish());
        publish(LogEntry.Type.STDERR, stderr.finish());
        logs.publish(LogEntry.execEnd(sandbox, processId, exit.exitCode(), clock.instant()));
        onExit.accept(exit);
    }

    @Override
    public void kill() {
        delegate.kill();
    }

    @Override
    public void close() {
        delegate.close();
        if (!ended) {
            end(new ExecEvent.Exit(137, Duration.ZERO, true, false));
        }
    }
}
