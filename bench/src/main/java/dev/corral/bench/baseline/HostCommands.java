package dev.corral.bench.baseline;

import dev.corral.bench.BenchException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * Runs the host commands the baselines are made of (runc, mkfs, mount) and waits for them. Waiting goes through
 * {@link Process#onExit()} so that a virtual thread waiting for a command does not hold its carrier.
 *
 * <p>Threading: stateless; any number of threads may run commands at once.
 */
final class HostCommands {
    private static final File DEV_NULL = new File("/dev/null");

    private HostCommands() {
    }

    /**
     * Runs {@code command} with standard error merged into standard output, and returns that output; anything but
     * exit status 0 is a {@link BenchException} carrying it.
     */
    static String run(List<String> command) {
        Process process = start(new ProcessBuilder(command).redirectInput(DEV_NULL).redirectErrorStream(true),
                command);
        String output;
        try (var out = process.getInputStream()) {
            output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            process.destroyForcibly();
            throw new BenchException("cannot read the output of " + String.join(" ", command), e);
        }
        int exitCode = await(process, command);
        if (exitCode != 0) {
            throw new BenchException(String.join(" ", command) + " exited with " + exitCode + ": " + output.strip());
        }
        return output;
    }

    /**
     * Runs a command that leaves a daemon behind inheriting its standard streams ({@code runc run --detach}):
     * they go nowhere, so no pipe stays open after the command itself ended.
     */
    static void runDetached(List<String> command) {
        var builder = new ProcessBuilder(command).redirectInput(DEV_NULL)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        int exitCode = await(start(builder, command), command);
        if (exitCode != 0) {
            throw new BenchException(String.join(" ", command) + " exited with " + exitCode);
        }
    }

    private static Process start(ProcessBuilder builder, List<String> command) {
        try {
            return builder.start();
        } catch (IOException e) {
            throw new BenchException("cannot start " + String.join(" ", command) + ": " + e.getMessage(), e);
        }
    }

    private static int await(Process process, List<String> command) {
        try {
            return process.onExit().get().exitValue();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while running " + String.join(" ", command), e);
        } catch (ExecutionException e) {
            throw new BenchException("lost track of " + String.join(" ", command), e.getCause());
        }
    }
}
