package dev.corral.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.exec.ExecSpec;
import dev.corral.core.sandbox.files.SandboxPath;
import dev.corral.runtime.oci.agent.AgentConnection;
import dev.corral.runtime.oci.agent.AgentSandboxFileSystem;
import dev.corral.runtime.oci.agent.GuestFields;
import dev.corral.runtime.oci.agent.GuestFrame;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The host side of the agent's socket, and uploads cut off between the server and the agent. */
class AgentSocketIT {
    @RegisterExtension
    static final TestRuntime sandboxes = TestRuntime.start();
    private static SandboxId sandbox;
    private static AgentSandboxFileSystem files;

    @BeforeAll
    static void createSandbox() {
        Assumptions.assumeTrue(TestRuntime.GUEST.equals("agent"), "the agent's socket");
        sandbox = sandboxes.create(TestRuntime.SMALL);
        files = new AgentSandboxFileSystem(sandboxes.runtime::guest, sandboxes.runtime::hasAgent, null);
    }

    @Test
    void agent_isAChildOfTheSandboxesInit_notOfAHostProcessThatMustReapIt() throws Exception {
        // PPid 0 inside a pid namespace is a parent outside it: the host's, whose reaping the namespace's end
        // would wait for. The agent forks away from runc exec's process so that the sandbox's init is its parent.
        String parents = sandboxes.run(sandbox, "for d in /proc/[0-9]*; do "
                + "if tr '\\0' ' ' < $d/cmdline 2>/dev/null | grep -q '^/.corral/bin/corral-guest '; then "
                + "grep PPid $d/status; fi; done").stdoutText();

        assertThat(parents).contains("PPid:\t1\n").doesNotContain("PPid:\t0\n");
    }

    @Test
    void guestDirectoryAndSocket_belongToHostRoot_soTheSandboxCannotSwapThem() throws Exception {
        Path dir = sandboxes.paths(sandbox).guestDir();
        Map<String, Object> dirAttributes = Files.readAttributes(dir, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
        assertThat((Integer) dirAttributes.get("mode") & 07777).isEqualTo(01733);
        assertThat(dirAttributes.get("uid")).isEqualTo(0);
        String socket;
        try (var entries = Files.list(dir)) {
            socket = entries.map(p -> p.getFileName().toString()).filter(name -> name.matches("agent-\\d+\\.sock"))
                    .findFirst().orElseThrow();
        }
        assertThat(Files.getAttribute(dir.resolve(socket), "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(0);

        String tried = sandboxes.runtime.run(sandbox, ExecSpec.of("cd /.corral/run; "
                + "rm -f \"$1\" || echo not-removed; mv \"$1\" elsewhere || echo not-moved; ls . || echo not-listed")
                .withArguments(List.of(socket))).stdoutText();

        assertThat(tried).isEqualTo("not-removed\nnot-moved\nnot-listed\n");
        assertThat(sandboxes.run(sandbox, "echo reachable").stdoutText()).isEqualTo("reachable\n");
    }

    @Test
    void newServer_findingAPlantedSymlinkNewest_neverConnectsThroughItAndStartsAnAgent() throws Exception {
        sandboxes.run(sandbox, "ln -s / /.corral/run/agent-999.sock");
        var restarted = new RuncSandboxRuntime(sandboxes.settings, sandboxes.templates, sandboxes.workspaces,
                sandboxes.runner);

        assertThat(restarted.run(sandbox, ExecSpec.of("echo through-a-new-agent"))
                .stdoutText()).isEqualTo("through-a-new-agent\n");
        assertThat(Files.readSymbolicLink(sandboxes.paths(sandbox).guestDir().resolve("agent-999.sock")))
                .isEqualTo(Path.of("/"));
        try (var entries = Files.list(sandboxes.paths(sandbox).guestDir())) {
            assertThat(entries.map(p -> p.getFileName().toString())).contains("agent-1000.sock");
        }
    }

    @Test
    void sandboxMadeWithoutTheAgent_underAServerWithIt_isStillReachedWithRuncExec() throws Exception {
        var withoutAgent = new RuncSandboxRuntime(sandboxes.settings.withAgentBinary(Optional.empty()),
                sandboxes.templates, sandboxes.workspaces, sandboxes.runner);
        SandboxId old = SandboxId.random();
        withoutAgent.create(new dev.corral.core.sandbox.SandboxSpec(old,
                dev.corral.runtime.oci.rootfs.MmdebstrapTemplateBuilder.BASE, Map.of(), List.of(), TestRuntime.SMALL));

        assertThat(sandboxes.runtime.hasAgent(old)).isFalse();
        assertThat(sandboxes.runtime.run(old, ExecSpec.of("echo via-runc")).stdoutText()).isEqualTo("via-runc\n");
        var shell = new dev.corral.runtime.oci.guest.ShellSandboxFileSystem(sandboxes.runtime,
                java.time.InstantSource.system());
        var oldFiles = new AgentSandboxFileSystem(sandboxes.runtime::guest, sandboxes.runtime::hasAgent, shell);
        SandboxPath path = new SandboxPath("/workspace/old.txt");
        oldFiles.write(old, path, Optional.empty(), new ByteArrayInputStream("kept".getBytes(StandardCharsets.UTF_8)));
        assertThat(oldFiles.stat(old, path).size()).isEqualTo(4);
        sandboxes.runtime.destroy(old);
    }

    @Test
    void upload_whoseServerSideEndsBeforeTheCommit_leavesTheOldFileAndNoTemporary() throws Exception {
        SandboxPath path = new SandboxPath("/workspace/precious.txt");
        files.write(sandbox, path, Optional.empty(), new ByteArrayInputStream("old".getBytes(StandardCharsets.UTF_8)));

        // What a server killed with kill -9 in the middle of an upload leaves: a connection closed without D.
        try (AgentConnection connection = sandboxes.runtime.guest(sandbox).connect()) {
            connection.request("write", GuestFields.builder().add("path", path.value()).add("parents", true)
                    .build());
            byte[] half = "new contents, half of them".getBytes(StandardCharsets.UTF_8);
            connection.send(GuestFrame.DATA, half, 0, -1);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(sandboxes.run(sandbox,
                    "ls -A /workspace | grep -c corral-upload || true").stdoutText()).isEqualTo("1\n"));
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(sandboxes.run(sandbox,
                "ls -A /workspace | grep -c corral-upload || true").stdoutText()).isEqualTo("0\n"));
        assertThat(sandboxes.run(sandbox, "cat /workspace/precious.txt").stdoutText()).isEqualTo("old");
    }
}
