package dev.corral.app;

import dev.corral.app.cli.CorralCommand;
import picocli.CommandLine;

/** Entry point of the {@code corral} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        CarrierThreads.widen();
        CommandLine commandLine = CorralCommand.commandLine();
        int exitCode = commandLine.execute(args);
        if (args.length > 0 && args[0].equals("serve")) {
            System.exit(exitCode);
        }
        // A client command has registered no shutdown hooks and has nothing left to do. System.exit would log the
        // exit through System.Logger, which starts the whole logging stack (about 50 ms) just to say nothing.
        commandLine.getOut().flush();
        commandLine.getErr().flush();
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(exitCode);
    }
}
