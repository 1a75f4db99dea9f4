package dev.corral.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.Resources;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxState;
import dev.corral.core.sandbox.exec.ExecResult;
import dev.corral.core.sandbox.exec.ExecSpec;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ResourceLimitsIT {
    @RegisterExtension
    static final TestRuntime sandboxes = TestRuntime.start();

    @Test
    void run_allocatingMoreThanItsMemory_isKilledWhileTheSandboxLivesOn() throws Exception {
        SandboxId id = sandboxes.create(TestRuntime.SMALL);

        ExecResult hog = sandboxes.run(id, "python3 -c \"a = b'x' * (512 << 20)\"");

        assertThat(hog.exitCode()).isEqualTo(137);
        assertThat(hog.timedOut()).isFalse();
        assertThat(sandboxes.runtime.state(id)).isEqualTo(SandboxState.RUNNING);
        assertThat(sandboxes.run(id, "echo alive").stdoutText()).isEqualTo("alive\n");
        assertThat(sandboxes.run(id, "cat /sys/fs/cgroup/memory/memory.limit_in_bytes"
                + " /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes").stdoutText())
                .isEqualTo("134217728\n134217728\n");
        sandboxes.runtime.destroy(id);
    }

    @Test
    void run_forkBomb_isHeldAtThePidsLimitAndTheSandboxRecovers() throws Exception {
        SandboxId id = sandboxes.create(TestRuntime.SMALL.withPids(64));

        ExecResult bomb = sandboxes.runtime.run(id,
                ExecSpec.of("f() { f | f & }; f; sleep 100").withTimeout(Duration.ofSeconds(3)));

        assertThat(bomb.timedOut()).isTrue();
        assertThat(bomb.stderrText()).contains("fork");
        await().atMost(Duration.ofSeconds(10)).ignoreException(CorralException.class)
                .until(() -> sandboxes.run(id, "echo recovered").stdoutText().equals("recovered\n"));
        assertThat(sandboxes.run(id, "cat /sys/fs/cgroup/pids/pids.max").stdoutText()).isEqualTo("64\n");
        sandboxes.runtime.destroy(id);
        sandboxes.assertNothingLeftOf(id);
    }

    @Test
    void run_writingMoreThanItsDisk_failsWithNoSpaceAndFreesAgain() throws Exception {
        SandboxId id = sandboxes.create(TestRuntime.SMALL);

        ExecResult fill = sandboxes.run(id, "head -c 100M /dev/zero > /workspace/big");

        assertThat(fill.exitCode()).isNotZero();
        assertThat(fill.stderrText()).contains("No space left on device");
        assertThat(sandboxes.run(id, "rm /workspace/big && echo fine > /workspace/after && cat /workspace/after")
                .stdoutText()).isEqualTo("fine\n");
        assertThat(Files.size(sandboxes.paths(id).diskImage())).isEqualTo(TestRuntime.SMALL.diskBytes());
        sandboxes.runtime.destroy(id);
    }

    @Test
    void create_withTwoVcpus_setsTheCpuQuotaToTwoPeriods() throws Exception {
        SandboxId id = sandboxes.create(new Resources(2, 128L << 20, 64L << 20, 128));

        ExecResult quota = sandboxes.run(id, "cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us");

        assertThat(quota.stdoutText()).isEqualTo("200000\n100000\n");
        sandboxes.runtime.destroy(id);
    }
}
