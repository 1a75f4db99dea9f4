package dev.corral.core.sandbox.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.key.Principal;
import dev.corral.core.org.Tier;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.SandboxState;
import dev.corral.core.sandbox.SandboxStatus;
import dev.corral.core.sandbox.SandboxTestBed;
import dev.corral.core.sandbox.logs.LogEntry;
import dev.corral.core.sandbox.logs.LogSubscription;
import dev.corral.core.sandbox.processes.BackgroundProcess;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SandboxExecutionsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final SandboxTestBed bed = new SandboxTestBed();
    private final SandboxExecutions executions = bed.executions;
    private final Principal caller = bed.caller(Tier.FREE);
    private final Sandbox sandbox = bed.running(caller);
    private final String id = sandbox.id().value();

    @AfterEach
    void close() {
        bed.close();
    }

    @Test
    void exec_runningSandbox_streamsTheOutputAndTheExit() throws Exception {
        try (ExecStream stream = executions.exec(caller, id, command("echo hi; echo oops >&2; exit 2"))) {
            ExecResult result = ExecResult.drain(stream);

            assertThat(result.stdoutText()).isEqualTo("hi\n");
            assertThat(result.stderrText()).isEqualTo("oops\n");
            assertThat(result.exitCode()).isEqualTo(2);
        }
    }

    @Test
    void exec_theFreePlan_capsTheOutputAtItsLimit() throws Exception {
        try (ExecStream stream = executions.exec(caller, id, command("echo hi"))) {
            ExecResult.drain(stream);
        }

        assertThat(bed.runtime.executed().getLast().spec().maxOutputBytes()).isEqualTo(1L << 20);
    }

    @Test
    void exec_aCommand_isCopiedToTheSandboxsLogs() throws Exception {
        var seen = new CopyOnWriteArrayList<LogEntry>();
        try (LogSubscription watcher = bed.logs.subscribe(sandbox.id(), null, seen::add, () -> { })) {
            try (ExecStream stream = executions.exec(caller, id, command("echo logged"))) {
                ExecResult.drain(stream);
            }

            await().atMost(WAIT).until(() -> seen.stream().anyMatch(e -> e.type() == LogEntry.Type.EXEC_END));
        }

        assertThat(seen).extracting(LogEntry::type).containsExactly(LogEntry.Type.EXEC_START,
                LogEntry.Type.STDOUT, LogEntry.Type.EXEC_END);
        assertThat(seen.get(1).data()).contains("logged\n");
    }

    @Test
    void exec_whileItRuns_countsAsWorkAndItsEndAsActivity() throws Exception {
        try (ExecStream stream = executions.exec(caller, id, command("echo working"))) {
            assertThat(bed.work.isBusy(sandbox.id())).isTrue();
            bed.clock.advance(Duration.ofMinutes(2));

            ExecResult.drain(stream);
        }

        assertThat(bed.work.isBusy(sandbox.id())).isFalse();
        assertThat(bed.stored(sandbox).lastActivity()).isEqualTo(bed.clock.instant());
    }

    @Test
    void exec_pausedSandbox_resumesItFirst() throws Exception {
        bed.service.pause(caller, id);

        try (ExecStream stream = executions.exec(caller, id, command("echo awake"))) {
            assertThat(ExecResult.drain(stream).stdoutText()).isEqualTo("awake\n");
        }

        assertThat(bed.stored(sandbox).status()).isEqualTo(SandboxStatus.RUNNING);
        assertThat(bed.runtime.state(sandbox.id())).isEqualTo(SandboxState.RUNNING);
    }

    @Test
    void exec_timeoutAboveThePlans_throwsQuotaExceededAndRunsNothing() {
        var tooLong = new ExecRequest("echo hi", Optional.of(60_000L), Optional.empty(), Map.of());

        assertCode(() -> executions.exec(caller, id, tooLong), ErrorCode.QUOTA_EXCEEDED);
        assertThat(bed.runtime.executed()).isEmpty();
    }

    @Test
    void exec_blankCommandOrRelativeCwd_throwsValidationFailed() {
        assertCode(() -> executions.exec(caller, id, command(" ")), ErrorCode.VALIDATION_FAILED);
        assertCode(() -> executions.exec(caller, id, new ExecRequest("echo hi", Optional.empty(),
                Optional.of("tmp"), Map.of())), ErrorCode.VALIDATION_FAILED);
    }

    @Test
    void exec_anotherOrganizationsSandbox_throwsNotFound() {
        Principal stranger = bed.caller(Tier.FREE);

        assertCode(() -> executions.exec(stranger, id, command("echo hi")), ErrorCode.NOT_FOUND);
        assertCode(() -> executions.startBackground(stranger, id, command("echo hi")), ErrorCode.NOT_FOUND);
        assertCode(() -> executions.processes(stranger, id), ErrorCode.NOT_FOUND);
        assertThat(bed.runtime.executed()).isEmpty();
    }

    @Test
    void exec_deletedSandbox_throwsInvalidState() {
        bed.service.delete(caller, id);

        assertCode(() -> executions.exec(caller, id, command("echo hi")), ErrorCode.INVALID_STATE);
    }

    @Test
    void startBackground_aShortCommand_endsExitedWithItsCode() {
        BackgroundProcess started = executions.startBackground(caller, id, command("echo done; exit 3"));

        await().atMost(WAIT).until(() -> process(started).status().equals("exited"));
        assertThat(process(started).exitCode()).contains(3);
        assertThat(process(started).endedAt()).isPresent();
        assertThat(bed.work.isBusy(sandbox.id())).isFalse();
    }

    @Test
    void kill_aRunningBackgroundProcess_endsItKilled() {
        BackgroundProcess started = executions.startBackground(caller, id, command("sleep 1000"));
        assertThat(started.status()).isEqualTo("running");
        assertThat(bed.work.isBusy(sandbox.id())).isTrue();

        executions.kill(caller, id, started.id());

        await().atMost(WAIT).until(() -> process(started).status().equals("killed"));
        assertThat(process(started).exitCode()).contains(137);
        assertThat(bed.work.isBusy(sandbox.id())).isFalse();
    }

    @Test
    void processes_ofTheSandbox_newestFirstAndOnlyItsOwn() {
        BackgroundProcess first = executions.startBackground(caller, id, command("sleep 1000"));
        bed.clock.advance(Duration.ofSeconds(1));
        BackgroundProcess second = executions.startBackground(caller, id, command("sleep 1000"));
        Sandbox other = bed.running(caller);
        executions.startBackground(caller, other.id().value(), command("sleep 1000"));

        assertThat(executions.processes(caller, id)).extracting(BackgroundProcess::id)
                .containsExactly(second.id(), first.id());
    }

    @Test
    void kill_unknownProcessOrAnotherSandboxs_throwsNotFound() {
        Sandbox other = bed.running(caller);
        BackgroundProcess elsewhere = executions.startBackground(caller, other.id().value(), command("sleep 1000"));

        assertCode(() -> executions.kill(caller, id, "proc_unknown00000"), ErrorCode.NOT_FOUND);
        assertCode(() -> executions.kill(caller, id, elsewhere.id()), ErrorCode.NOT_FOUND);
        assertThat(process(elsewhere).status()).isEqualTo("running");
    }

    @Test
    void delete_sandboxWithABackgroundProcess_endsItAndForgetsIt() {
        BackgroundProcess started = executions.startBackground(caller, id, command("sleep 1000"));

        bed.service.delete(caller, id);

        assertThat(executions.processes(caller, id)).isEmpty();
        assertThat(bed.work.isBusy(sandbox.id())).isFalse();
        assertCode(() -> executions.kill(caller, id, started.id()), ErrorCode.NOT_FOUND);
    }

    private BackgroundProcess process(BackgroundProcess started) {
        return executions.processes(caller, started.sandboxId().value()).stream()
                .filter(p -> p.id().equals(started.id())).findFirst().orElseThrow();
    }

    private static ExecRequest command(String command) {
        return new ExecRequest(command, Optional.empty(), Optional.empty(), Map.of());
    }

    private static void assertCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.code())
                .isEqualTo(code));
    }
}
