package dev.corral.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.exec.ExecResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class IsolationIT {
    @RegisterExtension
    static final TestRuntime sandboxes = TestRuntime.start();
    private static SandboxId sandbox;

    @BeforeAll
    static void createSandbox() {
        sandbox = sandboxes.create(TestRuntime.SMALL);
    }

    @Test
    void root_insideTheSandbox_isAnUnprivilegedHostUser() throws Exception {
        ExecResult result = sandboxes.run(sandbox, "cat /proc/self/uid_map /proc/self/gid_map; touch /workspace/mine");

        assertThat(result.stdoutText().split("\n")).allSatisfy(line ->
                assertThat(line.trim().split("\\s+")).containsExactly("0", "100000", "65536"));
        Path onHost = sandboxes.paths(sandbox).upper().resolve("workspace/mine");
        assertThat(Files.getAttribute(onHost, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(100_000);
        assertThat(Files.getAttribute(onHost, "unix:gid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(100_000);
    }

    @Test
    void ps_insideTheSandbox_showsOnlyItsOwnProcesses() throws Exception {
        ExecResult result = sandboxes.run(sandbox, "ps -e -o pid=,comm=");

        String[] processes = result.stdoutText().strip().split("\n");
        assertThat(processes[0].trim()).isEqualTo("1 corral-init");
        var expected = new java.util.ArrayList<>(java.util.List.of("corral-init", "sleep", "sh", "ps"));
        if (TestRuntime.GUEST.equals("agent")) {
            // the agent, which serves this command in its own loop and started ps itself
            expected.add("corral-guest");
        }
        assertThat(Arrays.stream(processes).map(line -> line.trim().split("\\s+")[1]))
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void mount_insideTheSandbox_isRefused() throws Exception {
        ExecResult result = sandboxes.run(sandbox, "mkdir -p /tmp/m && mount -t tmpfs none /tmp/m");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderrText()).containsIgnoringCase("permission denied");
    }

    @Test
    void network_insideTheSandbox_isLoopbackOnly() throws Exception {
        ExecResult interfaces = sandboxes.run(sandbox, "ls /sys/class/net");
        ExecResult loopback = sandboxes.run(sandbox, "python3 -c \"import socket\n"
                + "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n"
                + "c = socket.create_connection(s.getsockname()); print('loopback ok')\"");
        ExecResult outside = sandboxes.run(sandbox,
                "python3 -c \"import socket; socket.create_connection(('1.1.1.1', 80), timeout=3)\"");

        assertThat(interfaces.stdoutText()).isEqualTo("lo\n");
        assertThat(loopback.stdoutText()).isEqualTo("loopback ok\n");
        assertThat(outside.exitCode()).isNotZero();
        assertThat(outside.stderrText()).contains("Network is unreachable");
    }

    @Test
    void status_insideTheSandbox_showsNoNewPrivilegesSeccompAndTheSmallCapabilitySet() throws Exception {
        ExecResult result = sandboxes.run(sandbox, "grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status");

        // CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, SETGID, SETUID, SETPCAP, NET_BIND_SERVICE, SYS_CHROOT
        assertThat(result.stdoutText()).contains("CapEff:\t00000000000405fb", "CapBnd:\t00000000000405fb",
                "NoNewPrivs:\t1", "Seccomp:\t2");
    }

    @Test
    void unshare_ofAUserNamespace_isRefused() throws Exception {
        ExecResult result = sandboxes.run(sandbox, "unshare --user --map-root-user true");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderrText()).contains("Operation not permitted");
    }

    @Test
    void proc_sensitivePaths_areMaskedOrReadOnly() throws Exception {
        // timer_list exists on every kernel here (kcore does not on all) and shows host-wide timers.
        ExecResult timers = sandboxes.run(sandbox, "wc -c < /proc/timer_list");
        ExecResult sysctl = sandboxes.run(sandbox, "echo /tmp/x > /proc/sys/kernel/core_pattern");

        assertThat(timers.stdoutText().strip()).as(timers.stderrText()).isEqualTo("0");
        assertThat(sysctl.exitCode()).isNotZero();
        assertThat(sysctl.stderrText()).contains("Read-only file system");
    }

    @Test
    void write_toTemplateFiles_changesOnlyTheSandboxsOwnLayer() throws Exception {
        Path templateFile = TestRuntime.TEMPLATE_CACHE.resolve("base/rootfs/etc/debian_version");
        byte[] before = Files.readAllBytes(templateFile);

        ExecResult result = sandboxes.run(sandbox, "echo changed > /etc/debian_version && cat /etc/debian_version");

        assertThat(result.stdoutText()).isEqualTo("changed\n");
        assertThat(Files.readAllBytes(templateFile)).isEqualTo(before);
        assertThat(sandboxes.paths(sandbox).upper().resolve("etc/debian_version")).hasContent("changed");
    }
}
