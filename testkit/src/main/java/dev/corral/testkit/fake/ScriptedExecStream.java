package dev.corral.testkit.fake;

import dev.corral.core.sandbox.exec.ExecEvent;
import dev.corral.core.sandbox.exec.ExecStream;
import java.util.ArrayDeque;
import java.util.List;

/**
 * A command that has already run, for code that reads an {@link ExecStream}: its events, in order, the last an
 * {@link ExecEvent.Exit}. Killing it changes nothing. Not thread-safe.
 */
public class ScriptedExecStream implements ExecStream {
    private final ArrayDeque<ExecEvent> events;

    public ScriptedExecStream(List<ExecEvent> events) {
        this.events = new ArrayDeque<>(events);
    }

    @Override
    public ExecEvent next() {
        return events.removeFirst();
    }

    @Override
    public void kill() {
    }

    @Override
    public void close() {
    }
}
