package dev.corral.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PauseResumeIT {
    @RegisterExtension
    static final TestRuntime sandboxes = TestRuntime.start();

    @Test
    void pause_thenResume_freezesALoopAndContinuesItWithFilesIntact() throws Exception {
        SandboxId id = sandboxes.create(TestRuntime.SMALL);
        sandboxes.run(id, "echo before > /workspace/kept; (i=0; while true; do i=$((i+1)); echo $i > /workspace/counter;"
                + " sleep 0.05; done) > /dev/null 2>&1 &");
        // Read from the host, through the sandbox's upper layer: a paused sandbox runs no command.
        Path counter = sandboxes.paths(id).upper().resolve("workspace/counter");
        await().until(() -> count(counter) > 3);

        sandboxes.runtime.pause(id);
        long frozenAt = count(counter);

        assertThat(sandboxes.runtime.state(id)).isEqualTo(SandboxState.PAUSED);
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).until(() -> count(counter) == frozenAt);
        sandboxes.runtime.resume(id);
        assertThat(sandboxes.runtime.state(id)).isEqualTo(SandboxState.RUNNING);
        await().until(() -> count(counter) > frozenAt + 3);
        assertThat(sandboxes.run(id, "cat /workspace/kept").stdoutText()).isEqualTo("before\n");
        sandboxes.runtime.destroy(id);
        sandboxes.assertNothingLeftOf(id);
    }

    @Test
    void pause_writtenToTheFreezer_isWhatRuncItselfSees() throws Exception {
        SandboxId id = sandboxes.create(TestRuntime.SMALL);

        sandboxes.runtime.pause(id);
        assertThat(runcStatus(id)).isEqualTo("paused");
        sandboxes.runtime.resume(id);
        assertThat(runcStatus(id)).isEqualTo("running");

        sandboxes.runtime.destroy(id);
    }

    @Test
    void pause_whileProcessesForkWithoutPause_stillFreezesThemAll() throws Exception {
        SandboxId id = sandboxes.create(TestRuntime.SMALL);
        sandboxes.run(id, "for i in 1 2 3 4; do (while :; do /bin/true; done) >/dev/null 2>&1 & done");

        sandboxes.runtime.pause(id);

        assertThat(sandboxes.runtime.state(id)).isEqualTo(SandboxState.PAUSED);
        assertThat(runcStatus(id)).isEqualTo("paused");
        sandboxes.runtime.resume(id);
        assertThat(sandboxes.run(id, "echo awake").stdoutText()).isEqualTo("awake\n");
        sandboxes.runtime.destroy(id);
    }

    /** What {@code runc state} says of the sandbox: runc reads the freezer as this runtime writes it. */
    private static String runcStatus(SandboxId id) throws Exception {
        String state = sandboxes.runner.check(List.of("runc", "--root", sandboxes.settings.runcRoot().toString(),
                "state", id.value())).stdoutText();
        return new ObjectMapper().readTree(state).path("status").asText();
    }

    @Test
    void pauseAndResume_twice_changeNothingMore() throws Exception {
        SandboxId id = sandboxes.create(TestRuntime.SMALL);

        sandboxes.runtime.pause(id);
        sandboxes.runtime.pause(id);
        assertThat(sandboxes.runtime.state(id)).isEqualTo(SandboxState.PAUSED);
        sandboxes.runtime.resume(id);
        sandboxes.runtime.resume(id);

        assertThat(sandboxes.run(id, "echo awake").stdoutText()).isEqualTo("awake\n");
        sandboxes.runtime.destroy(id);
    }

    @Test
    void destroy_whilePaused_leavesNothingBehind() {
        SandboxId id = sandboxes.create(TestRuntime.SMALL);
        sandboxes.runtime.pause(id);

        sandboxes.runtime.destroy(id);

        sandboxes.assertNothingLeftOf(id);
    }

    private static long count(Path counter) throws IOException {
        // The loop rewrites the file; between truncate and write it is briefly empty.
        String text = Files.exists(counter) ? Files.readString(counter).strip() : "";
        return text.isEmpty() ? 0 : Long.parseLong(text);
    }
}
