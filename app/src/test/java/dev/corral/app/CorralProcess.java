package dev.corral.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts the {@code corral} CLI as its own process, on this test run's class path, as a user runs it, with a
 * sandbox network of its data directory's own.
 */
final class CorralProcess {
    private CorralProcess() {
    }

    /** {@code corral <args>} on {@code dataDir}, with no {@code CORRAL_} variables but {@code env}. */
    static Process start(List<String> args, Path dataDir, Map<String, String> env) throws IOException {
        return start(List.of(), args, dataDir, env);
    }

    /** As {@link #start(List, Path, Map)}, with options for the JVM, such as a heap bound. */
    static Process start(List<String> jvmOptions, List<String> args, Path dataDir, Map<String, String> env)
            throws IOException {
        var command = new ArrayList<String>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(args);
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("CORRAL_"));
        builder.environment().put("CORRAL_DATA_DIR", dataDir.toString());
        builder.environment().put("CORRAL_GUEST", TestCorral.GUEST);
        // A network of the data directory's own, as TestCorral's servers have: a served process beside them (or
        // beside a benchmark's server) must not take their bridge, rules or DNS port.
        TestNetworks.flagsFor(dataDir).forEach((key, value) -> builder.environment().put(ConfigLoader.envName(key),
                value));
        builder.environment().putAll(env);
        return builder.start();
    }
}
