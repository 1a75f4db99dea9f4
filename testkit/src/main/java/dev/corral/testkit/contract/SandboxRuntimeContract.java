package dev.corral.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.sandbox.Resources;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxRuntime;
import dev.corral.core.sandbox.SandboxSpec;
import dev.corral.core.sandbox.SandboxState;
import dev.corral.core.sandbox.exec.ExecEvent;
import dev.corral.core.sandbox.exec.ExecResult;
import dev.corral.core.sandbox.exec.ExecSpec;
import dev.corral.core.sandbox.exec.ExecStream;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The state rules and errors every {@link SandboxRuntime} must have, and the plain commands every one must run
 * alike: subclass it, supply the runtime and a template it can build, and the tests run against it. This is what
 * keeps the fake runtime of unit tests as strict as the real one. Each test destroys the sandboxes it made, so
 * subclasses may share one runtime between tests; the commands stay inside what the fake's shell runs.
 */
public abstract class SandboxRuntimeContract {
    /** Small enough for many sandboxes on two cores: 1 vCPU, 128 MB memory, 64 MB disk, 128 processes. */
    private static final Resources SMALL = new Resources(1, 128L << 20, 64L << 20, 128);

    private SandboxRuntime runtime;
    private final List<SandboxId> made = new ArrayList<>();

    /** The runtime to test; called before each test. */
    protected abstract SandboxRuntime runtime();

    /** A template the runtime can build (and that has {@code /bin/sh}). */
    protected abstract String template();

    @BeforeEach
    void takeRuntime() {
        runtime = runtime();
    }

    @AfterEach
    void destroyWhatWasMade() {
        made.forEach(runtime::destroy);
    }

    @Test
    void create_newId_isRunning() {
        SandboxId id = create();

        assertThat(runtime.state(id)).isEqualTo(SandboxState.RUNNING);
        assertThat(runtime.list()).containsEntry(id, SandboxState.RUNNING);
    }

    @Test
    void create_existingId_throwsConflictAndKeepsTheSandbox() throws Exception {
        SandboxId id = create();

        assertCode(() -> runtime.create(spec(id, template())), ErrorCode.CONFLICT);
        assertThat(run(id, "true").exitCode()).isZero();
    }

    @Test
    void create_unknownTemplate_throwsNotFoundAndHoldsNothing() {
        SandboxId id = SandboxId.random();

        assertCode(() -> runtime.create(spec(id, "no-such-template")), ErrorCode.NOT_FOUND);
        assertThat(runtime.state(id)).isEqualTo(SandboxState.ABSENT);
    }

    @Test
    void state_unknownId_isAbsent() {
        assertThat(runtime.state(SandboxId.random())).isEqualTo(SandboxState.ABSENT);
    }

    @Test
    void pause_running_isPausedAndTwiceChangesNothing() {
        SandboxId id = create();

        runtime.pause(id);
        runtime.pause(id);

        assertThat(runtime.state(id)).isEqualTo(SandboxState.PAUSED);
    }

    @Test
    void resume_paused_isRunningAndTwiceChangesNothing() throws Exception {
        SandboxId id = create();
        runtime.pause(id);

        runtime.resume(id);
        runtime.resume(id);

        assertThat(runtime.state(id)).isEqualTo(SandboxState.RUNNING);
        assertThat(run(id, "echo awake").stdoutText()).isEqualTo("awake\n");
    }

    @Test
    void pauseAndResume_stopped_throwInvalidState() {
        SandboxId id = create();
        runtime.stop(id);

        assertCode(() -> runtime.pause(id), ErrorCode.INVALID_STATE);
        assertCode(() -> runtime.resume(id), ErrorCode.INVALID_STATE);
        assertThat(runtime.state(id)).isEqualTo(SandboxState.STOPPED);
    }

    @Test
    void transitions_unknownId_throwNotFound() {
        SandboxId unknown = SandboxId.random();

        assertCode(() -> runtime.pause(unknown), ErrorCode.NOT_FOUND);
        assertCode(() -> runtime.resume(unknown), ErrorCode.NOT_FOUND);
        assertCode(() -> runtime.stop(unknown), ErrorCode.NOT_FOUND);
        assertCode(() -> runtime.start(unknown), ErrorCode.NOT_FOUND);
    }

    @Test
    void stop_runningOrPaused_isStoppedAndTwiceChangesNothing() {
        SandboxId running = create();
        SandboxId paused = create();
        runtime.pause(paused);

        runtime.stop(running);
        runtime.stop(paused);
        runtime.stop(running);

        assertThat(runtime.state(running)).isEqualTo(SandboxState.STOPPED);
        assertThat(runtime.state(paused)).isEqualTo(SandboxState.STOPPED);
        assertThat(runtime.list()).containsEntry(running, SandboxState.STOPPED);
    }

    @Test
    void start_stopped_isRunningAgain() throws Exception {
        SandboxId id = create();
        runtime.stop(id);

        runtime.start(id);

        assertThat(runtime.state(id)).isEqualTo(SandboxState.RUNNING);
        assertThat(run(id, "echo again").stdoutText()).isEqualTo("again\n");
    }

    @Test
    void start_runningOrPaused_changesNothing() {
        SandboxId running = create();
        SandboxId paused = create();
        runtime.pause(paused);

        runtime.start(running);
        runtime.start(paused);

        assertThat(runtime.state(running)).isEqualTo(SandboxState.RUNNING);
        assertThat(runtime.state(paused)).isEqualTo(SandboxState.PAUSED);
    }

    @Test
    void destroy_inEveryState_leavesNothingAndTwiceIsIdempotent() {
        SandboxId running = create();
        SandboxId paused = create();
        SandboxId stopped = create();
        runtime.pause(paused);
        runtime.stop(stopped);

        for (SandboxId id : List.of(running, paused, stopped)) {
            runtime.destroy(id);
            runtime.destroy(id);
            assertThat(runtime.state(id)).isEqualTo(SandboxState.ABSENT);
            assertThat(runtime.list()).doesNotContainKey(id);
        }
        runtime.destroy(SandboxId.random());
    }

    @Test
    void removeAllExcept_known_destroysTheOthersOnly() {
        SandboxId kept = create();
        SandboxId stray = create();
        var others = runtime.list().keySet().stream().filter(id -> !id.equals(stray)).toList();

        Set<SandboxId> removed = runtime.removeAllExcept(Set.copyOf(others));

        assertThat(removed).containsExactly(stray);
        assertThat(runtime.state(stray)).isEqualTo(SandboxState.ABSENT);
        assertThat(runtime.state(kept)).isEqualTo(SandboxState.RUNNING);
    }

    @Test
    void run_echoAndExit_keepsStreamsApartWithTheExitCode() throws Exception {
        SandboxId id = create();

        ExecResult result = run(id, "echo out; echo 'to err' >&2; printf 'a%sb\\n' x; exit 3");

        assertThat(result.stdoutText()).isEqualTo("out\naxb\n");
        assertThat(result.stderrText()).isEqualTo("to err\n");
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.timedOut()).isFalse();
        assertThat(result.truncated()).isFalse();
    }

    @Test
    void run_moreOutputThanTheLimit_keepsTheLimitAndSaysTruncated() throws Exception {
        SandboxId id = create();

        ExecResult result = runtime.run(id, ExecSpec.of("printf 0123456789").withMaxOutputBytes(4));

        assertThat(result.stdoutText()).isEqualTo("0123");
        assertThat(result.truncated()).isTrue();
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void exec_withStdin_theCommandReadsIt() throws Exception {
        SandboxId id = create();
        byte[] input = "line one\nline two\n".getBytes(StandardCharsets.UTF_8);

        try (ExecStream stream = runtime.exec(id, ExecSpec.of("cat"), new ByteArrayInputStream(input))) {
            ExecResult result = ExecResult.drain(stream);
            assertThat(result.stdout()).isEqualTo(input);
            assertThat(result.exitCode()).isZero();
        }
    }

    @Test
    void kill_aRunningCommand_endsItTimedOut() throws Exception {
        SandboxId id = create();

        try (ExecStream stream = runtime.exec(id, ExecSpec.of("echo started; sleep 1000"))) {
            assertThat(stream.next()).isInstanceOfSatisfying(ExecEvent.Stdout.class,
                    out -> assertThat(new String(out.data(), StandardCharsets.UTF_8)).isEqualTo("started\n"));
            stream.kill();
            ExecResult rest = ExecResult.drain(stream);
            assertThat(rest.timedOut()).isTrue();
            assertThat(rest.exitCode()).isEqualTo(137);
        }
    }

    @Test
    void exec_unknownSandbox_throwsNotFound() {
        assertCode(() -> run(SandboxId.random(), "true"), ErrorCode.NOT_FOUND);
    }

    @Test
    void exec_pausedOrStoppedSandbox_throwsInvalidState() {
        SandboxId paused = create();
        SandboxId stopped = create();
        runtime.pause(paused);
        runtime.stop(stopped);

        assertCode(() -> run(paused, "echo should not run"), ErrorCode.INVALID_STATE);
        assertCode(() -> run(stopped, "echo should not run"), ErrorCode.INVALID_STATE);
    }

    private SandboxId create() {
        SandboxId id = SandboxId.random();
        runtime.create(spec(id, template()));
        made.add(id);
        return id;
    }

    private ExecResult run(SandboxId id, String command) throws InterruptedException {
        return runtime.run(id, ExecSpec.of(command));
    }

    private static SandboxSpec spec(SandboxId id, String template) {
        return new SandboxSpec(id, template, Map.of(), List.of(), SMALL);
    }

    private static void assertCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.code())
                .isEqualTo(code));
    }
}
