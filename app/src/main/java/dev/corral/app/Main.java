package dev.corral.app;

import dev.corral.app.cli.CorralCommand;
import dev.corral.app.cli.StandardInput;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;

/** Entry point of the {@code corral} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        CarrierThreads.widen();
        int exitCode = CorralCommand.run(StandardInput.ofProcess(), writer(System.out), writer(System.err), args);
        if (args.length > 0 && args[0].equals("serve")) {
            System.exit(exitCode);
        }
        // A client command has registered no shutdown hooks and has nothing left to do. System.exit would log the
        // exit through System.Logger, which starts the whole logging stack (about 50 ms) just to say nothing.
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(exitCode);
    }

    /** Text to {@code stream} in its own charset, flushed at each line (the commands also flush as they print). */
    private static PrintWriter writer(PrintStream stream) {
        return new PrintWriter(new OutputStreamWriter(stream, stream.charset()), true);
    }
}
