package dev.corral.app.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** Runs the {@code corral} command in this JVM, as a user would type it, capturing what it prints. */
final class Cli {
    record Run(int exitCode, String out, String err) {
    }

    private Cli() {
    }

    /** {@code args} with {@code options} (such as the server's URL and key) added before a {@code --}. */
    static String[] withOptions(String[] options, String... args) {
        var all = new ArrayList<>(List.of(args));
        int end = all.indexOf("--");
        all.addAll(end < 0 ? all.size() : end, List.of(options));
        return all.toArray(String[]::new);
    }

    /** At a terminal: no standard input is passed on. */
    static Run run(String... args) {
        return run(StandardInput.none(), args);
    }

    /** With {@code stdin} piped in. */
    static Run runWithInput(byte[] stdin, String... args) {
        return run(new StandardInput(new ByteArrayInputStream(stdin), false), args);
    }

    private static Run run(StandardInput input, String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        int exit = CorralCommand.run(input, new PrintWriter(out), new PrintWriter(err), args);
        return new Run(exit, out.toString(), err.toString());
    }
}
