package dev.corral.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxSpec;
import dev.corral.core.sandbox.SandboxState;
import dev.corral.core.sandbox.exec.ExecResult;
import dev.corral.runtime.oci.disk.MountTable;
import dev.corral.runtime.oci.rootfs.MmdebstrapTemplateBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SandboxLifecycleIT {
    @RegisterExtension
    static final TestRuntime sandboxes = TestRuntime.start();

    @Test
    void create_thenExecAndDestroy_leavesNothingBehind() throws Exception {
        SandboxId id = sandboxes.create(TestRuntime.SMALL);
        assertThat(sandboxes.runtime.state(id)).isEqualTo(SandboxState.RUNNING);

        ExecResult result = sandboxes.run(id, "echo hello from $(hostname)");

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdoutText()).isEqualTo("hello from " + id + "\n");
        sandboxes.runtime.destroy(id);
        assertThat(sandboxes.runtime.state(id)).isEqualTo(SandboxState.ABSENT);
        sandboxes.assertNothingLeftOf(id);
    }

    @Test
    void destroy_twice_isIdempotent() {
        SandboxId id = sandboxes.create(TestRuntime.SMALL);

        sandboxes.runtime.destroy(id);
        sandboxes.runtime.destroy(id);

        sandboxes.assertNothingLeftOf(id);
    }

    @Test
    void create_unknownTemplate_throwsNotFound() {
        SandboxId id = SandboxId.random();

        assertThatThrownBy(() -> sandboxes.runtime.create(
                new SandboxSpec(id, "no-such-template", Map.of(), List.of(), TestRuntime.SMALL)))
                .isInstanceOfSatisfying(CorralException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        sandboxes.assertNothingLeftOf(id);
    }

    @Test
    void create_existingId_throwsConflictAndKeepsTheSandbox() throws Exception {
        SandboxId id = sandboxes.create(TestRuntime.SMALL);

        assertThatThrownBy(() -> sandboxes.runtime.create(
                new SandboxSpec(id, MmdebstrapTemplateBuilder.BASE, Map.of(), List.of(), TestRuntime.SMALL)))
                .isInstanceOfSatisfying(CorralException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
        assertThat(sandboxes.run(id, "true").exitCode()).isZero();
        sandboxes.runtime.destroy(id);
    }

    @Test
    void create_whenRuncFails_throwsRuntimeUnavailableAndLeavesNothingBehind() throws Exception {
        try (TestRuntime broken = TestRuntime.start(s -> s.withInitBinary(Path.of("/nonexistent/tini")))) {
            SandboxId id = SandboxId.random();

            assertThatThrownBy(() -> broken.runtime.create(
                    new SandboxSpec(id, MmdebstrapTemplateBuilder.BASE, Map.of(), List.of(), TestRuntime.SMALL)))
                    .isInstanceOfSatisfying(CorralException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.RUNTIME_UNAVAILABLE);
                        assertThat(e.getMessage()).contains("/nonexistent/tini");
                    });
            broken.assertNothingLeftOf(id);
        }
    }

    @Test
    void stop_thenStart_keepsFilesAndRunsAgain() throws Exception {
        SandboxId id = sandboxes.create(TestRuntime.SMALL);
        sandboxes.run(id, "echo kept > /workspace/note; sleep 1000 > /dev/null 2>&1 &");

        sandboxes.runtime.stop(id);
        assertThat(sandboxes.runtime.state(id)).isEqualTo(SandboxState.STOPPED);
        assertThat(MountTable.ofThisProcess().mountPointsUnder(sandboxes.paths(id).dir())).isEmpty();
        sandboxes.runtime.start(id);

        assertThat(sandboxes.runtime.state(id)).isEqualTo(SandboxState.RUNNING);
        assertThat(sandboxes.run(id, "cat /workspace/note").stdoutText()).isEqualTo("kept\n");
        assertThat(sandboxes.run(id, "ps -eo args | grep -c '^sleep 1000$'").stdoutText().strip()).isEqualTo("0");
        sandboxes.runtime.destroy(id);
        sandboxes.assertNothingLeftOf(id);
    }

    @Test
    void list_reportsWhatTheRuntimeHas() {
        SandboxId running = sandboxes.create(TestRuntime.SMALL);
        SandboxId paused = sandboxes.create(TestRuntime.SMALL);
        SandboxId stopped = sandboxes.create(TestRuntime.SMALL);
        sandboxes.runtime.pause(paused);
        sandboxes.runtime.stop(stopped);

        Map<SandboxId, SandboxState> listed = sandboxes.runtime.list();

        assertThat(listed).containsEntry(running, SandboxState.RUNNING)
                .containsEntry(paused, SandboxState.PAUSED)
                .containsEntry(stopped, SandboxState.STOPPED);
        for (SandboxId id : Set.of(running, paused, stopped)) {
            sandboxes.runtime.destroy(id);
            sandboxes.assertNothingLeftOf(id);
        }
    }

    @Test
    void removeAllExcept_removesOnlyUnknownSandboxes() throws Exception {
        SandboxId known = sandboxes.create(TestRuntime.SMALL);
        SandboxId stray = sandboxes.create(TestRuntime.SMALL);

        Set<SandboxId> removed = sandboxes.runtime.removeAllExcept(Set.of(known));

        assertThat(removed).containsExactly(stray);
        sandboxes.assertNothingLeftOf(stray);
        assertThat(sandboxes.run(known, "true").exitCode()).isZero();
        sandboxes.runtime.destroy(known);
    }

    @Test
    void state_afterTheInitDied_isStoppedAndStartRecovers() throws Exception {
        SandboxId id = sandboxes.create(TestRuntime.SMALL);
        long initPid = Long.parseLong(java.nio.file.Files.readString(sandboxes.paths(id).initPidFile()).strip());

        ProcessHandle.of(initPid).orElseThrow().destroyForcibly();
        org.awaitility.Awaitility.await().until(() -> sandboxes.runtime.state(id) == SandboxState.STOPPED);
        sandboxes.runtime.start(id);

        assertThat(sandboxes.run(id, "true").exitCode()).isZero();
        sandboxes.runtime.destroy(id);
        sandboxes.assertNothingLeftOf(id);
    }
}
