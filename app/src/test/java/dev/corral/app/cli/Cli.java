package dev.corral.app.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the {@code corral} command in this JVM, as a user would type it, capturing what it prints. */
final class Cli {
    record Run(int exitCode, String out, String err) {
    }

    private Cli() {
    }

    static Run run(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        var commandLine = CorralCommand.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exit = commandLine.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
