package dev.corral.app.cli;

import dev.corral.app.Config;
import dev.corral.app.ConfigLoader;
import dev.corral.app.CorralServer;
import dev.corral.core.key.IssuedKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code corral serve}: runs the server until SIGTERM or Ctrl-C, then shuts down gracefully. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Start the Corral server (embedded SQLite unless --database-url is given).")
final class ServeCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--host", description = "Address to listen on (default 127.0.0.1; env CORRAL_HOST).")
    private String host;

    @Option(names = "--port", description = "Port to listen on, 0 for any free one (default 8080; env CORRAL_PORT).")
    private String port;

    @Option(names = "--data-dir", description = "Where Corral keeps its data (default ./corral-data; env CORRAL_DATA_DIR).")
    private String dataDir;

    @Option(names = "--database-url", description = "jdbc:postgresql://host/db to use PostgreSQL instead of SQLite.")
    private String databaseUrl;

    @Option(names = "--database-user", description = "PostgreSQL user.")
    private String databaseUser;

    @Option(names = "--database-password", description = "PostgreSQL password (prefer env CORRAL_DATABASE_PASSWORD).")
    private String databasePassword;

    @Option(names = "--config", description = "A properties file of configuration keys (see docs/configuration.md).")
    private String configFile;

    @Option(names = "--log-format", description = "text (default) or json.")
    private String logFormat;

    @Option(names = "--runtime", description = "The OCI runtime: runc (default) or crun (env CORRAL_RUNTIME).")
    private String runtime;

    @Override
    public Integer call() throws Exception {
        Config config = ConfigLoader.load(System.getenv(), flags());
        System.setProperty("corral.logFormat", config.logFormat());
        var stopped = new CountDownLatch(1);
        CorralServer server = CorralServer.start(config);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("corral-shutdown").unstarted(() -> {
            server.close();
            stopped.countDown();
        }));
        server.bootstrapKey().ifPresent(key -> announce(config, server.port(), key));
        stopped.await();
        return 0;
    }

    /**
     * The flags given, by configuration key: every option of this command is named {@code --<key>} after the key
     * it sets (the fields above only declare them), so ConfigLoader validates them with the other layers.
     */
    private Map<String, String> flags() {
        var flags = new LinkedHashMap<String, String>();
        for (OptionSpec option : spec.commandLine().getParseResult().matchedOptions()) {
            String name = option.longestName();
            if (name.startsWith("--") && option.getValue() instanceof String value) {
                flags.put(name.substring(2), value);
            }
        }
        return flags;
    }

    /** Shows the new admin key once and saves it, readable by the owner only, for scripts. */
    private void announce(Config config, int boundPort, IssuedKey key) {
        Path file = config.adminKeyFile();
        String secret = key.secret().reveal();
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, secret + "\n");
        } catch (IOException e) {
            spec.commandLine().getErr().println("corral: could not write " + file + ": " + e.getMessage());
        }
        String url = "http://" + config.host() + ":" + boundPort;
        PrintWriter out = spec.commandLine().getOut();
        out.println();
        out.println("Corral is ready at " + url);
        if (config.bootstrapKey().isPresent()) {
            out.println("The bootstrap key from the configuration is an admin key of organization 'default' "
                    + "(saved to " + file + ").");
            secret = "$(cat " + file + ")";
        } else {
            out.println("Admin API key for organization 'default' (shown once; saved to " + file + "):");
            out.println();
            out.println("    " + secret);
        }
        out.println();
        out.println("Try it:");
        out.println("    curl -H \"Authorization: Bearer " + secret + "\" " + url + "/v1/me");
        out.println();
        out.flush();
    }
}
