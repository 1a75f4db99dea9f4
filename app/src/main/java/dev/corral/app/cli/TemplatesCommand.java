package dev.corral.app.cli;

import dev.corral.app.Config;
import dev.corral.app.ConfigLoader;
import dev.corral.app.LocalRuntime;
import java.util.LinkedHashMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code corral templates}: build templates ahead of time, on this machine, so the first sandbox starts fast. */
@Command(name = "templates", mixinStandardHelpOptions = true, description = "Build sandbox templates.",
        subcommands = TemplatesCommand.Build.class)
final class TemplatesCommand {

    @Command(name = "build", mixinStandardHelpOptions = true,
            description = "Build a template here (as root; about a minute for 'base'), showing its progress.")
    static final class Build implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "NAME", defaultValue = "base", description = "The template (default: base).")
        String name;
        @Option(names = "--data-dir", description = "Corral's data directory (default ./corral-data).")
        String dataDir;
        @Option(names = "--templates-dir", description = "Where templates are kept (default <data-dir>/templates).")
        String templatesDir;

        @Override
        public Integer call() {
            var flags = new LinkedHashMap<String, String>();
            if (dataDir != null) {
                flags.put("data-dir", dataDir);
            }
            if (templatesDir != null) {
                flags.put("templates-dir", templatesDir);
            }
            Config config = ConfigLoader.load(System.getenv(), flags);
            var builder = LocalRuntime.templates(config);
            if (!builder.names().contains(name)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "there is no template '" + name
                        + "': Corral builds " + String.join(", ", new TreeSet<>(builder.names()))
                        + " (more are coming)");
            }
            var out = spec.commandLine().getOut();
            if (builder.isBuilt(name)) {
                out.println("Template '" + name + "' is already built in " + config.templatesDir() + ".");
            } else {
                out.println("Building template '" + name + "' in " + config.templatesDir() + " ...");
                out.flush();
                long started = System.nanoTime();
                builder.ensureBuilt(name, line -> {
                    out.println("  " + line);
                    out.flush();
                });
                out.printf("Template '%s' is ready (%.0f s).%n", name, (System.nanoTime() - started) / 1e9);
            }
            out.flush();
            return 0;
        }
    }
}
