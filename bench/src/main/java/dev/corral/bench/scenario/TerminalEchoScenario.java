package dev.corral.bench.scenario;

import dev.corral.bench.BenchContext;
import dev.corral.bench.BenchException;
import dev.corral.bench.client.SandboxShape;
import dev.corral.bench.load.LatencyRecorder;
import dev.corral.sdk.TerminalConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A keystroke echoed by a terminal: one byte sent over the terminal WebSocket until the pty's echo of it comes
 * back, beside the same round trip through a pty on the host made by {@code script(1)}, alternating.
 *
 * <p>Threading: the caller's thread types and waits; the WebSocket client's thread hands each output chunk to a
 * queue. The baseline's output is read on the caller's thread, a platform thread (a blocking pipe read).
 */
public final class TerminalEchoScenario implements Scenario {
    /** A canonical-mode line holds 4095 characters; the count stays well below, so every key is echoed. */
    private static final int MAX_KEYS = 3000;
    private static final long PATIENCE_SECONDS = 30;
    private static final byte[] KEY = {'k'};

    @Override
    public String name() {
        return "terminal";
    }

    @Override
    public ScenarioResult run(BenchContext context) throws Exception {
        var api = context.api();
        String id = api.createSandbox(SandboxShape.STANDARD);
        var echoes = new LinkedBlockingQueue<Integer>();
        Process bare = new ProcessBuilder("script", "-qfc", "cat", "/dev/null")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (TerminalConnection terminal = api.openTerminal(id, "cat", chunk -> echoes.add(chunk.remaining()))) {
            int count = Math.min(MAX_KEYS, context.workload().execSequential());
            context.say("terminal: %d keystrokes echoed, alternating with a bare pty on the host", count);
            OutputStream bareIn = bare.getOutputStream();
            InputStream bareOut = bare.getInputStream();
            for (int i = 0; i < context.workload().warmUp(); i++) {
                keystroke(terminal, echoes);
                keystroke(bareIn, bareOut);
            }
            var corral = new LatencyRecorder();
            var baseline = new LatencyRecorder();
            for (int i = 0; i < count; i++) {
                corral.time(() -> keystroke(terminal, echoes));
                baseline.time(() -> keystroke(bareIn, bareOut));
            }
            return new ScenarioResult.Measured(name(), METHOD, List.of(Row.of("keystroke echo through "
                    + "`WS /v1/sandboxes/{id}/terminal`", corral).against("bare keystroke echo of a host pty "
                    + "(`script -qfc cat`)", baseline)), List.of(), List.of());
        } finally {
            bare.destroyForcibly();
            api.delete(id);
        }
    }

    private static void keystroke(TerminalConnection terminal, LinkedBlockingQueue<Integer> echoes)
            throws InterruptedException {
        terminal.send(KEY, 0, 1);
        int seen = 0;
        while (seen < 1) {
            Integer bytes = echoes.poll(PATIENCE_SECONDS, TimeUnit.SECONDS);
            if (bytes == null) {
                throw new BenchException("the terminal did not echo a keystroke within " + PATIENCE_SECONDS + " s");
            }
            seen += bytes;
        }
    }

    private static void keystroke(OutputStream in, InputStream out) throws IOException {
        in.write(KEY);
        in.flush();
        if (out.read() < 0) {
            throw new BenchException("script(1) ended before echoing a keystroke");
        }
    }

    private static final String METHOD = "A sandbox (1 vCPU, 512MB) runs `cat` on a terminal: "
            + "`WS /v1/sandboxes/{id}/terminal?command=cat`, opened once. Corral: one byte sent as a binary frame, "
            + "timed at the client until the first output frame (the pty's echo of it, made by the sandbox's "
            + "kernel) arrives: the WebSocket, the server, the agent's socket and the pty both ways. Baseline: the "
            + "same byte written to `script -qfc cat /dev/null` on the host, timed until its echo is read from "
            + "script's output: a pty and one relay process, no network. Corral and the baseline alternate, one "
            + "keystroke each; as many keystrokes as sequential execs.";
}
