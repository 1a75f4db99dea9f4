package dev.corral.runtime.oci.process;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How one external command ended: its exit status, all of its standard output and the tail of its standard
 * error (enough to explain a failure).
 */
public record CommandResult(List<String> command, int exitCode, byte[] stdout, String stderrTail) {

    boolean succeeded() {
        return exitCode == 0;
    }

    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }
}
