package dev.corral.app;

import dev.corral.runtime.oci.OciRuntimeSettings;
import dev.corral.runtime.oci.RuncSandboxRuntime;
import dev.corral.runtime.oci.process.ProcessRunner;
import dev.corral.runtime.oci.rootfs.MmdebstrapTemplateBuilder;
import dev.corral.runtime.oci.volumes.HostWorkspaceVolumes;
import java.time.Duration;

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
                settings(config).idMapping());
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
        runner.close();
    }

    private static OciRuntimeSettings settings(Config config) {
        return OciRuntimeSettings.defaults(config.dataDir()).withRuntimeBinary(config.runtime());
    }
}
