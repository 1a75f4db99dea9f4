package dev.corral.app.cli;

import dev.corral.app.Config;
import dev.corral.app.ConfigLoader;
import dev.corral.app.LocalRuntime;
import java.util.LinkedHashMap;
import java.util.TreeSet;

/** {@code corral templates}: build templates ahead of time, on this machine, so the first sandbox starts fast. */
final class TemplatesCommand {
    private TemplatesCommand() {
    }

    static Command command() {
        return Command.group("templates", "Build sandbox templates.", Command.leaf("build", "Build a template here "
                + "(as root; about a minute for 'base'), showing its progress.", TemplatesCommand::build)
                .withPositionals(Command.Positional.optional("NAME", "The template (default: base)."))
                .withOptions(Command.Option.value("data-dir", "DIR", "Corral's data directory (default "
                                + "./corral-data)."),
                        Command.Option.value("templates-dir", "DIR", "Where templates are kept (default "
                                + "<data-dir>/templates).")));
    }

    private static int build(Invocation call) {
        String name = call.positional("NAME") == null ? "base" : call.positional("NAME");
        String dataDir = call.value("data-dir");
        String templatesDir = call.value("templates-dir");
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
            throw new UsageException("there is no template '" + name
                    + "': Corral builds " + String.join(", ", new TreeSet<>(builder.names()))
                    + " (more are coming)");
        }
        var out = call.out();
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
