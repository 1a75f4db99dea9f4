package dev.corral.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.sandbox.SandboxId;
import dev.corral.runtime.oci.process.CommandResult;
import dev.corral.runtime.oci.rootfs.MmdebstrapTemplateBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What other users of the host can do with a sandbox's files on disk: nothing. A sandbox's root may plant a
 * setuid-root file in its own filesystem; no host user may run it through the host's paths (which would make them
 * the sandboxes' host user), read the data directory, or write the template every sandbox shares.
 */
class HostUsersIT {
    private static final int NOBODY = 65534;
    private static final int SETUID = 04000;

    @RegisterExtension
    static final TestRuntime sandboxes = TestRuntime.start();
    private static SandboxId sandbox;

    @BeforeAll
    static void plantSetuidFile() throws Exception {
        sandbox = sandboxes.create(TestRuntime.SMALL);
        assertThat(sandboxes.run(sandbox, "cp /usr/bin/id /usr/local/bin/planted && chmod u+s /usr/local/bin/planted")
                .exitCode()).isZero();
    }

    @Test
    void setuidFile_plantedInTheSandbox_cannotBeRunByAHostUser() throws IOException {
        Path planted = sandboxes.paths(sandbox).rootfs().resolve("usr/local/bin/planted");
        assertThat((int) Files.getAttribute(planted, "unix:mode", LinkOption.NOFOLLOW_LINKS) & SETUID)
                .as("the setuid bit, as the sandbox set it").isEqualTo(SETUID);

        CommandResult run = asHostUser(NOBODY, planted.toString(), "-u");

        assertThat(run.stdoutText()).doesNotContain("100000");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderrTail()).containsIgnoringCase("permission denied");
    }

    @Test
    void setuidFile_runThroughTheHostPath_doesNotChangeTheUser() {
        // Root passes the directories; only the mount's nosuid stands between a setuid file and its owner's id.
        Path planted = sandboxes.paths(sandbox).rootfs().resolve("usr/local/bin/planted");

        CommandResult run = sandboxes.runner.run(List.of(planted.toString(), "-u"));

        assertThat(run.stdoutText()).isEqualTo("0\n");
    }

    @Test
    void mounts_ofTheRootfsAndTheDisk_areNosuidAndNodev() throws IOException {
        for (Path point : List.of(sandboxes.paths(sandbox).rootfs(), sandboxes.paths(sandbox).diskMount())) {
            assertThat(mountOptions(point)).as("options of %s", point).contains("nosuid", "nodev");
        }
    }

    @Test
    void dataDirectory_andTheSandboxDirectories_areClosedToOtherHostUsers() throws IOException {
        var paths = sandboxes.paths(sandbox);
        for (Path dir : List.of(sandboxes.dataDir, sandboxes.settings.runtimeDir(), paths.dir(), paths.bundle())) {
            assertThat((int) Files.getAttribute(dir, "unix:mode") & 07).as("others' bits of %s", dir).isZero();
        }
        assertThat(asHostUser(NOBODY, "ls", sandboxes.settings.runtimeDir().toString()).exitCode()).isNotZero();
        assertThat(asHostUser(NOBODY, "stat", paths.rootfs().toString()).exitCode()).isNotZero();
    }

    @Test
    void templateRootfs_writtenByTheSandboxesHostUser_isRefused() {
        Path template = TestRuntime.TEMPLATE_CACHE.resolve(MmdebstrapTemplateBuilder.BASE).resolve("rootfs");
        Path probe = template.resolve("etc/corral-host-users-it-" + sandbox.value());
        int sandboxRoot = sandboxes.settings.idMapping().toHost(0);
        try {
            CommandResult write = asHostUser(sandboxRoot, "touch", probe.toString());

            assertThat(write.exitCode()).isNotZero();
            assertThat(probe).doesNotExist();
        } finally {
            // The template is shared by every test run; a write that got through must not stay in it.
            sandboxes.runner.run(List.of("rm", "-f", "--", probe.toString()));
        }
    }

    /**
     * Runs {@code command} as the unprivileged host user {@code uid} (its group the same number, no others). A
     * shell as that user starts it: setpriv's own exec of a path is not checked as the new user on every kernel.
     */
    private static CommandResult asHostUser(int uid, String... command) {
        List<String> line = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid,
                "--clear-groups", "--", "/bin/sh", "-c", "exec \"$0\" \"$@\""));
        line.addAll(List.of(command));
        return sandboxes.runner.run(line);
    }

    /** The per-mount options of the mount at {@code point}, from this process's mountinfo. */
    private static List<String> mountOptions(Path point) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .map(line -> line.split(" "))
                .filter(fields -> fields[4].equals(point.toString()))
                .reduce((first, second) -> second)
                .map(fields -> List.of(fields[5].split(",")))
                .orElseThrow(() -> new AssertionError("nothing mounted at " + point));
    }
}
