package dev.corral.app;

import dev.corral.app.cli.CorralCommand;
import picocli.CommandLine;

/** Entry point of the {@code corral} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        CarrierThreads.widen();
        System.exit(CorralCommand.commandLine().execute(args));
    }
}
