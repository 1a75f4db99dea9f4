package dev.corral.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.sandbox.Resources;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxSpec;
import dev.corral.core.sandbox.exec.ExecResult;
import dev.corral.core.sandbox.exec.ExecSpec;
import dev.corral.runtime.oci.agent.GuestBinary;
import dev.corral.runtime.oci.bundle.SandboxPaths;
import dev.corral.runtime.oci.cgroup.SandboxCgroups;
import dev.corral.runtime.oci.disk.LoopDevices;
import dev.corral.runtime.oci.disk.MountTable;
import dev.corral.runtime.oci.process.ProcessRunner;
import dev.corral.runtime.oci.rootfs.MmdebstrapTemplateBuilder;
import dev.corral.runtime.oci.volumes.HostWorkspaceVolumes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@link RuncSandboxRuntime} on a fresh data directory, with the {@code base} template from a cache shared
 * by all test runs ({@code CORRAL_TEST_TEMPLATE_CACHE}, default {@code /var/tmp/corral-test-templates}), so only
 * the first run on a machine builds it. Closing it removes every sandbox, checks that nothing is left mounted, and
 * deletes the data directory.
 */
public final class TestRuntime implements AutoCloseable, AfterAllCallback {
    public static final Path TEMPLATE_CACHE = Path.of(Optional.ofNullable(System.getenv("CORRAL_TEST_TEMPLATE_CACHE"))
            .orElse("/var/tmp/corral-test-templates"));
    /**
     * Which way commands and files reach the sandboxes: {@code agent} (the default, with the binary the build made
     * or {@code CORRAL_TEST_GUEST_BINARY}) or {@code runc}, from the system property {@code corral.test.guest} or
     * the environment variable {@code CORRAL_TEST_GUEST}.
     */
    public static final String GUEST = Optional.ofNullable(System.getProperty("corral.test.guest"))
            .or(() -> Optional.ofNullable(System.getenv("CORRAL_TEST_GUEST"))).orElse("agent");
    /** Small enough for two cores and many sandboxes: 1 vCPU, 128 MB memory, 64 MB disk, 128 processes. */
    static final Resources SMALL = new Resources(1, 128L << 20, 64L << 20, 128);

    final Path dataDir;
    final ProcessRunner runner = new ProcessRunner(Duration.ofSeconds(60));
    final MmdebstrapTemplateBuilder templates;
    final OciRuntimeSettings settings;
    final HostWorkspaceVolumes workspaces;
    final RuncSandboxRuntime runtime;

    private TestRuntime(Path dataDir, OciRuntimeSettings settings) {
        this.dataDir = dataDir;
        this.settings = settings;
        this.templates = new MmdebstrapTemplateBuilder(TEMPLATE_CACHE, runner, settings.idMapping());
        this.workspaces = new HostWorkspaceVolumes(dataDir.resolve("workspaces"), settings.idMapping(), runner);
        this.runtime = new RuncSandboxRuntime(settings, templates, workspaces, runner);
    }

    /** A runtime on a fresh data directory; registered as a JUnit extension, it is closed after the class. */
    static TestRuntime start() {
        try {
            return start(UnaryOperator.identity());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A runtime whose settings are changed from the defaults, e.g. to break it on purpose. */
    static TestRuntime start(UnaryOperator<OciRuntimeSettings> change) throws IOException {
        // The runtime makes it a passage for the sandboxes' host user (SandboxPassage).
        Path dataDir = Files.createTempDirectory(Path.of("/var/tmp"), "corral-it-",
                PosixFilePermissions.asFileAttribute(SandboxPaths.PRIVATE_DIR));
        return new TestRuntime(dataDir, change.apply(OciRuntimeSettings.defaults(dataDir)
                .withAgentBinary(agentBinary())));
    }

    /** The agent's binary when the tests run with it; a missing one fails the test run, never falls back. */
    static Optional<Path> agentBinary() {
        if (GUEST.equals("runc")) {
            return Optional.empty();
        }
        Optional<Path> configured = Optional.ofNullable(System.getenv("CORRAL_TEST_GUEST_BINARY")).map(Path::of);
        return Optional.of(GuestBinary.find(configured).orElseThrow(() -> new IllegalStateException(
                "no corral-guest binary: build it (./mvnw package) or set CORRAL_TEST_GUEST=runc")));
    }

    SandboxId create(Resources resources) {
        return create(resources, Map.of());
    }

    SandboxId create(Resources resources, Map<String, String> env) {
        SandboxId id = SandboxId.random();
        runtime.create(new SandboxSpec(id, MmdebstrapTemplateBuilder.BASE, env, List.of(), resources));
        return id;
    }

    ExecResult run(SandboxId id, String command) throws InterruptedException {
        return runtime.run(id, ExecSpec.of(command));
    }

    SandboxPaths paths(SandboxId id) {
        return SandboxPaths.of(settings.runtimeDir(), id);
    }

    /** Asserts that the host holds nothing of {@code id}: no container, mount, loop device, cgroup or file. */
    void assertNothingLeftOf(SandboxId id) {
        SandboxPaths paths = paths(id);
        assertThat(MountTable.ofThisProcess().mountPointsUnder(paths.dir())).as("mounts").isEmpty();
        assertThat(LoopDevices.ofHost().backedBy(paths.diskImage())).as("loop devices").isEmpty();
        assertThat(new SandboxCgroups(Path.of("/sys/fs/cgroup"), settings.cgroupParent()).existing(id))
                .as("cgroups").isEmpty();
        assertThat(settings.runcRoot().resolve(id.value())).as("runc state").doesNotExist();
        assertThat(runner.check(List.of("runc", "--root", settings.runcRoot().toString(), "list", "-q"))
                .stdoutText()).as("runc list").doesNotContain(id.value());
        assertThat(paths.dir()).as("sandbox directory").doesNotExist();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        close();
    }

    @Override
    public void close() throws IOException {
        runtime.closeNetwork();
        runtime.removeAllExcept(Set.of());
        assertThat(MountTable.ofThisProcess().mountPointsUnder(dataDir)).as("mounts left").isEmpty();
        try (Stream<Path> tree = Files.walk(dataDir)) {
            for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
