package dev.corral.app;

import dev.corral.runtime.oci.OciRuntimeSettings;
import dev.corral.runtime.oci.RuncSandboxRuntime;
import dev.corral.runtime.oci.agent.GuestBinary;
import dev.corral.runtime.oci.network.NetworkSettings;
import dev.corral.runtime.oci.process.ProcessRunner;
import dev.corral.runtime.oci.rootfs.MmdebstrapTemplateBuilder;
import dev.corral.runtime.oci.volumes.HostWorkspaceVolumes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The sandbox machinery of this host, built from the configuration: the template builder, the OCI runtime and the
 * workspace volumes, all sharing one id mapping and one {@link ProcessRunner}, whose reading threads
 * ({@code process-io-threads}) end on {@link #close()}.
 */
public record LocalRuntime(MmdebstrapTemplateBuilder templates, RuncSandboxRuntime runtime,
                           HostWorkspaceVolumes workspaces, ProcessRunner runner) implements AutoCloseable {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    /** The template builder alone, for {@code corral templates build}. */
    public static MmdebstrapTemplateBuilder templates(Config config) {
        return new MmdebstrapTemplateBuilder(config.templatesDir(), new ProcessRunner(COMMAND_TIMEOUT),
                OciRuntimeSettings.defaults(config.dataDir()).idMapping());
    }

    /** The machinery of {@code config}'s data directory; opening it changes nothing on the host. */
    public static LocalRuntime open(Config config) {
        OciRuntimeSettings settings = settings(config);
        var runner = new ProcessRunner(COMMAND_TIMEOUT, config.processIoThreads());
        var templates = new MmdebstrapTemplateBuilder(config.templatesDir(), runner, settings.idMapping());
        var workspaces = new HostWorkspaceVolumes(config.dataDir().resolve("workspaces"), settings.idMapping(),
                runner);
        return new LocalRuntime(templates, new RuncSandboxRuntime(settings, templates, workspaces, runner),
                workspaces, runner);
    }

    @Override
    public void close() {
        runtime.closeNetwork();
        runner.close();
    }

    private static OciRuntimeSettings settings(Config config) {
        return OciRuntimeSettings.defaults(config.dataDir()).withRuntimeBinary(config.runtime())
                .withAgentBinary(agentBinary(config)).withKernelLimits(config.sandboxKernelLimits())
                .withNetwork(Optional.of(NetworkSettings.named(config.networkName(), config.networkSubnet())
                        .withDnsUpstreams(config.dnsUpstreams())));
    }

    /** The agent's binary with {@code guest: agent}, which cannot run without it; empty with {@code guest: runc}. */
    private static Optional<Path> agentBinary(Config config) {
        if (!config.guestAgent()) {
            return Optional.empty();
        }
        Optional<Path> binary = GuestBinary.find(config.guestBinary());
        if (binary.isEmpty()) {
            throw new ConfigException("guest: agent needs the corral-guest binary, which is not at "
                    + config.guestBinary().map(Path::toString).orElse(GuestBinary.INSTALLED
                    + " nor in the source tree's guest/build (build it with ./mvnw package, or set guest-binary)")
                    + "; or set guest to runc");
        }
        return binary;
    }
}
