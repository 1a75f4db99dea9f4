package dev.corral.app.cli;

import dev.corral.app.ConfigException;
import dev.corral.app.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top of the {@code corral} command tree. */
@Command(name = "corral", mixinStandardHelpOptions = true, versionProvider = CorralCommand.VersionProvider.class,
        description = "Corral: self-hosted sandboxes for AI agents, speaking the RunTools API.",
        subcommands = {ServeCommand.class, KeysCommand.class, SandboxCommand.class, FilesCommand.class,
                TemplatesCommand.class, WorkspaceCommand.class, CommandLine.HelpCommand.class})
public final class CorralCommand {

    /** The command line with Corral's error handling: configuration and API errors print a message, no trace. */
    public static CommandLine commandLine() {
        var commandLine = new CommandLine(new CorralCommand());
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            if (e instanceof ConfigException || e instanceof CliException) {
                cmd.getErr().println("corral: " + e.getMessage());
                return e instanceof CliException cli ? cli.exitCode() : 2;
            }
            throw e;
        });
        return commandLine;
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"corral " + Version.current()};
        }
    }
}
