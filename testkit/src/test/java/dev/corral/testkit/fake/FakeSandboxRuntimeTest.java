package dev.corral.testkit.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.corral.core.sandbox.Resources;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxRuntime;
import dev.corral.core.sandbox.SandboxSpec;
import dev.corral.core.sandbox.SandboxState;
import dev.corral.core.sandbox.exec.ExecEvent;
import dev.corral.core.sandbox.exec.ExecResult;
import dev.corral.core.sandbox.exec.ExecSpec;
import dev.corral.core.sandbox.exec.ExecStream;
import dev.corral.testkit.contract.SandboxRuntimeContract;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The runtime contract on the fake, and what the fake adds for tests: scripted answers and its hooks. */
class FakeSandboxRuntimeTest extends SandboxRuntimeContract {
    private final FakeSandboxRuntime fake = new FakeSandboxRuntime(new FakeTemplateBuilder("base"));

    @Override
    protected SandboxRuntime runtime() {
        return fake;
    }

    @Override
    protected String template() {
        return "base";
    }

    @Test
    void answer_scriptedCommand_answersItInsteadOfTheShell() throws Exception {
        SandboxId id = created();
        fake.answer("python3 -V", new FakeSandboxRuntime.Answer("Python 3.11.2\n", "", 0));

        ExecResult result = fake.run(id, ExecSpec.of("python3 -V"));

        assertThat(result.stdoutText()).isEqualTo("Python 3.11.2\n");
        assertThat(fake.executed()).extracting(FakeSandboxRuntime.Executed::spec)
                .extracting(ExecSpec::command).containsExactly("python3 -V");
    }

    @Test
    void exec_commandTheShellDoesNotKnow_isRefusedLoudly() {
        SandboxId id = created();

        assertThatThrownBy(() -> fake.run(id, ExecSpec.of("ls $HOME | wc -l")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FakeSandboxRuntime.answer");
    }

    @Test
    void exec_stdinThatFails_throwsTheFailureInsteadOfTheExit() {
        SandboxId id = created();
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("the client went away");
            }
        };

        assertThatThrownBy(() -> ExecResult.drain(fake.exec(id, ExecSpec.of("cat"), broken)))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("the client went away");
    }

    @Test
    void run_sleepPastItsTimeout_endsTimedOut() throws Exception {
        SandboxId id = created();

        ExecResult result = fake.run(id, ExecSpec.of("sleep 1000").withTimeout(Duration.ofMillis(1)));

        assertThat(result.timedOut()).isTrue();
        assertThat(result.exitCode()).isEqualTo(137);
    }

    @Test
    void stop_withACommandRunning_endsTheCommandNotTimedOut() throws Exception {
        SandboxId id = created();
        try (ExecStream stream = fake.exec(id, ExecSpec.of("sleep 1000"))) {
            fake.stop(id);

            assertThat(stream.next()).isInstanceOfSatisfying(ExecEvent.Exit.class, exit -> {
                assertThat(exit.exitCode()).isEqualTo(137);
                assertThat(exit.timedOut()).isFalse();
            });
        }
    }

    @Test
    void holdCreates_untilReleased_createWaits() {
        fake.holdCreates();
        SandboxId id = SandboxId.random();
        CompletableFuture<Void> create = CompletableFuture.runAsync(() -> fake.create(spec(id)));

        assertThat(fake.state(id)).isEqualTo(SandboxState.ABSENT);
        fake.releaseCreates();

        await().atMost(Duration.ofSeconds(10)).until(create::isDone);
        assertThat(fake.state(id)).isEqualTo(SandboxState.RUNNING);
    }

    @Test
    void simulate_initDiedVanishedStray_changeWhatTheRuntimeHolds() {
        SandboxId died = created();
        SandboxId vanished = created();
        SandboxId stray = SandboxId.random();

        fake.simulateInitDied(died);
        fake.simulateVanished(vanished);
        fake.simulateStray(stray, SandboxState.PAUSED);

        assertThat(fake.list()).containsEntry(died, SandboxState.STOPPED).containsEntry(stray, SandboxState.PAUSED)
                .doesNotContainKey(vanished);
    }

    private SandboxId created() {
        SandboxId id = SandboxId.random();
        fake.create(spec(id));
        return id;
    }

    private static SandboxSpec spec(SandboxId id) {
        return new SandboxSpec(id, "base", Map.of(), List.of(), Resources.of(1, "128MB", "64MB"));
    }
}
