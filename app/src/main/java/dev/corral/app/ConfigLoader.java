package dev.corral.app;

import dev.corral.core.key.ApiKeySecret;
import dev.corral.core.io.DataSize;
import dev.corral.core.plan.EnterpriseLimits;
import dev.corral.runtime.oci.bundle.KernelLimits;
import dev.corral.core.sandbox.Ipv4Subnet;
import dev.corral.runtime.oci.network.NetworkSettings;
import dev.corral.http.HttpServer;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Builds the one {@link Config}: defaults, then an optional properties file ({@code --config} or
 * {@code CORRAL_CONFIG}), then {@code CORRAL_*} environment variables, then command-line flags; later layers win.
 * Every key is validated here, and a bad value is refused with a message naming the key. Nothing else in Corral
 * reads the environment or system properties.
 */
public final class ConfigLoader {
    /** Every configuration key with its default; docs/configuration.md documents each (a test checks that). */
    public static final Map<String, String> DEFAULTS = defaults();
    /** The memory {@code max-sandboxes=auto} gives each sandbox of the host's: what a busy small one takes. */
    static final long AUTO_MEMORY_PER_SANDBOX = 256L << 20;
    /** The fewest sandboxes {@code max-sandboxes=auto} allows, however small the host. */
    static final int AUTO_MIN_SANDBOXES = 8;
    private static final int MAX_COUNT = 1_000_000;
    /** Labels of letters, digits and inner hyphens, at least two of them: a preview host is one label more. */
    private static final java.util.regex.Pattern PREVIEW_DOMAIN = java.util.regex.Pattern.compile(
            "([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private ConfigLoader() {
    }

    private static Map<String, String> defaults() {
        var defaults = new LinkedHashMap<String, String>();
        defaults.put("host", "127.0.0.1");
        defaults.put("port", "8080");
        defaults.put("data-dir", "./corral-data");
        defaults.put("database-url", "");
        defaults.put("database-user", "");
        defaults.put("database-password", "");
        defaults.put("bootstrap-key", "");
        defaults.put("max-body-size", "1MB");
        EnterpriseLimits enterprise = EnterpriseLimits.DEFAULTS;
        defaults.put("enterprise-requests-per-minute", Integer.toString(enterprise.requestsPerMinute()));
        defaults.put("enterprise-burst", Integer.toString(enterprise.burst()));
        defaults.put("enterprise-concurrent-requests", Integer.toString(enterprise.concurrentRequests()));
        defaults.put("enterprise-websockets", Integer.toString(enterprise.openWebSockets()));
        defaults.put("enterprise-streams", Integer.toString(enterprise.openStreams()));
        defaults.put("enterprise-sandboxes", Integer.toString(enterprise.concurrentSandboxes()));
        defaults.put("enterprise-max-runtime", format(enterprise.maxRuntime()));
        defaults.put("enterprise-max-idle-timeout", format(enterprise.maxIdleTimeout()));
        defaults.put("enterprise-max-upload-size", new DataSize(enterprise.maxUploadBytes()).toString());
        defaults.put("enterprise-multipart-parts", Integer.toString(enterprise.maxMultipartParts()));
        defaults.put("enterprise-storage", new DataSize(enterprise.maxStorageBytes()).toString());
        defaults.put("max-sandboxes", "auto");
        KernelLimits kernel = KernelLimits.DEFAULTS;
        defaults.put("sandbox-open-files", Long.toString(kernel.openFiles()));
        defaults.put("sandbox-pending-signals", Long.toString(kernel.pendingSignals()));
        defaults.put("sandbox-message-queue-size", new DataSize(kernel.messageQueueBytes()).toString());
        defaults.put("sandbox-ptys", Integer.toString(kernel.ptys()));
        defaults.put("sandbox-inotify-watches", Integer.toString(kernel.inotifyWatches()));
        defaults.put("sandbox-inotify-instances", Integer.toString(kernel.inotifyInstances()));
        defaults.put("shutdown-grace", "10s");
        HttpServer.Connections connections = HttpServer.Connections.DEFAULTS;
        defaults.put("max-connections", Integer.toString(connections.maxTotal()));
        defaults.put("max-connections-per-address", Integer.toString(connections.maxPerAddress()));
        defaults.put("connection-idle-timeout", format(connections.idleTimeout()));
        defaults.put("min-request-rate", new DataSize(connections.minRequestBytesPerSecond()).toString());
        defaults.put("log-format", "text");
        defaults.put("runtime", "runc");
        defaults.put("guest", "agent");
        defaults.put("guest-binary", "");
        defaults.put("templates-dir", "");
        defaults.put("reaper-interval", "5s");
        defaults.put("hibernate-after", "1h");
        defaults.put("max-concurrent-execs", "256");
        defaults.put("process-io-threads", "1024");
        defaults.put("exec-default-timeout", "30s");
        defaults.put("ssh-port", "");
        defaults.put("ssh-host", "");
        defaults.put("ssh-max-sessions", "64");
        defaults.put("secret-key", "");
        defaults.put("network-name", NetworkSettings.DEFAULT_NAME);
        defaults.put("network-subnet", NetworkSettings.DEFAULT_SUBNET);
        defaults.put("dns-upstreams", "");
        defaults.put("preview-domain", "");
        return Map.copyOf(defaults);
    }

    /**
     * The configuration from all layers.
     *
     * @param env   the process environment (passed in so tests can supply their own)
     * @param flags values given on the command line, by key; absent keys were not given
     */
    public static Config load(Map<String, String> env, Map<String, String> flags) {
        var values = new LinkedHashMap<>(DEFAULTS);
        String file = flags.getOrDefault("config", env.get("CORRAL_CONFIG"));
        if (file != null && !file.isBlank()) {
            values.putAll(readFile(Path.of(file)));
        }
        for (String key : DEFAULTS.keySet()) {
            String fromEnv = env.get(envName(key));
            if (fromEnv != null) {
                values.put(key, fromEnv);
            }
        }
        flags.forEach((key, value) -> {
            if (!key.equals("config")) {
                values.put(key, value);
            }
        });
        return validate(values);
    }

    /** The environment variable for a key: {@code data-dir} is {@code CORRAL_DATA_DIR}. */
    public static String envName(String key) {
        return "CORRAL_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private static Map<String, String> readFile(Path file) {
        var properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException("config: cannot read " + file + ": " + e.getMessage());
        }
        var values = new LinkedHashMap<String, String>();
        for (String key : properties.stringPropertyNames()) {
            if (!DEFAULTS.containsKey(key)) {
                throw new ConfigException("config: unknown key '" + key + "' in " + file + "; known keys: "
                        + String.join(", ", DEFAULTS.keySet()));
            }
            values.put(key, properties.getProperty(key));
        }
        return values;
    }

    private static Config validate(Map<String, String> v) {
        List<String> problems = new ArrayList<>();
        int port = intIn(v, "port", 0, 65535, problems);
        long maxBody = size(v, "max-body-size", problems);
        EnterpriseLimits enterprise = enterprise(v, problems);
        int maxSandboxes = v.get("max-sandboxes").strip().equalsIgnoreCase("auto") ? autoMaxSandboxes()
                : intIn(v, "max-sandboxes", 1, MAX_COUNT, problems);
        KernelLimits kernelLimits = new KernelLimits(intIn(v, "sandbox-open-files", 64, MAX_COUNT, problems),
                intIn(v, "sandbox-pending-signals", 1, MAX_COUNT, problems),
                size(v, "sandbox-message-queue-size", problems), intIn(v, "sandbox-ptys", 1, MAX_COUNT, problems),
                intIn(v, "sandbox-inotify-watches", 1, Integer.MAX_VALUE, problems),
                intIn(v, "sandbox-inotify-instances", 1, Integer.MAX_VALUE, problems));
        Duration grace = duration(v, "shutdown-grace", problems);
        HttpServer.Connections connections = connections(v, problems);
        String host = v.get("host").strip();
        if (host.isEmpty()) {
            problems.add("host: must not be empty");
        }
        String dataDir = v.get("data-dir").strip();
        if (dataDir.isEmpty()) {
            problems.add("data-dir: must not be empty");
        }
        Optional<String> databaseUrl = optional(v, "database-url");
        if (databaseUrl.isPresent() && !databaseUrl.get().startsWith("jdbc:postgresql://")) {
            problems.add("database-url: must start with jdbc:postgresql:// (leave it empty for embedded SQLite)");
        }
        Optional<ApiKeySecret> bootstrapKey = optional(v, "bootstrap-key").flatMap(text -> {
            if (!ApiKeySecret.isWellFormed(text)) {
                problems.add("bootstrap-key: must be rt_live_ or rt_test_ followed by 32 letters or digits");
                return Optional.empty();
            }
            return Optional.of(ApiKeySecret.of(text));
        });
        Duration reaperInterval = duration(v, "reaper-interval", problems);
        if (reaperInterval.isZero() || reaperInterval.isNegative()) {
            problems.add("reaper-interval: must be positive");
        }
        Duration hibernateAfter = duration(v, "hibernate-after", problems);
        if (hibernateAfter.isNegative()) {
            problems.add("hibernate-after: must be 0 (never) or positive");
        }
        int maxExecs = intIn(v, "max-concurrent-execs", 1, 100_000, problems);
        // Each command needs up to three reading threads (stdout, stderr, stdin); host commands need a few more.
        int ioThreads = intIn(v, "process-io-threads", 3 * maxExecs + 16, 1_000_000, problems);
        Duration execTimeout = duration(v, "exec-default-timeout", problems);
        if (execTimeout.isZero() || execTimeout.isNegative()) {
            problems.add("exec-default-timeout: must be positive");
        }
        String runtime = v.get("runtime").strip();
        if (!runtime.equals("runc") && !runtime.equals("crun")) {
            problems.add("runtime: must be runc or crun");
        }
        String guest = v.get("guest").strip();
        if (!guest.equals("agent") && !guest.equals("runc")) {
            problems.add("guest: must be agent or runc");
        }
        String logFormat = v.get("log-format").strip();
        if (!logFormat.equals("text") && !logFormat.equals("json")) {
            problems.add("log-format: must be text or json");
        }
        Optional<SshConfig> ssh = ssh(v, host, problems);
        String networkName = v.get("network-name").strip();
        if (!NetworkSettings.isName(networkName)) {
            problems.add("network-name: a lowercase letter and up to 6 lowercase letters or digits, not '"
                    + networkName + "'");
        }
        Ipv4Subnet networkSubnet = networkSubnet(v, problems);
        List<InetSocketAddress> dnsUpstreams = dnsUpstreams(v, problems);
        Optional<String> previewDomain = optional(v, "preview-domain").map(domain -> domain.toLowerCase(Locale.ROOT));
        if (previewDomain.isPresent() && !PREVIEW_DOMAIN.matcher(previewDomain.get()).matches()) {
            problems.add("preview-domain: a DNS name such as sandboxes.example.com (letters, digits, hyphens, dots), "
                    + "not '" + previewDomain.get() + "'");
        }
        Optional<String> secretKey = optional(v, "secret-key");
        if (secretKey.isPresent() && StoreSecretKey.parse(secretKey.get()).isEmpty()) {
            problems.add("secret-key: must be the base64 of 32 bytes (e.g. from: head -c 32 /dev/urandom | base64)");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException("invalid configuration:\n  " + String.join("\n  ", problems));
        }
        Path dataPath = Path.of(dataDir).toAbsolutePath().normalize();
        Path templates = optional(v, "templates-dir").map(dir -> Path.of(dir).toAbsolutePath().normalize())
                .orElse(dataPath.resolve("templates"));
        return new Config(host, port, dataPath, databaseUrl, optional(v, "database-user"),
                optional(v, "database-password"), bootstrapKey, maxBody, enterprise, maxSandboxes, kernelLimits, grace,
                logFormat, runtime, guest.equals("agent"),
                optional(v, "guest-binary").map(file -> Path.of(file).toAbsolutePath().normalize()), templates,
                reaperInterval, hibernateAfter, maxExecs, ioThreads, execTimeout, connections, ssh, secretKey,
                networkName, networkSubnet, dnsUpstreams, previewDomain);
    }

    /**
     * The resolvers the sandboxes' DNS forwarder asks: IPv4 addresses, each with an optional {@code :port},
     * separated by commas; empty for the host's (its /etc/resolv.conf). Literals only: a name would need DNS.
     */
    private static List<InetSocketAddress> dnsUpstreams(Map<String, String> v, List<String> problems) {
        var upstreams = new ArrayList<InetSocketAddress>();
        for (String entry : v.get("dns-upstreams").split(",")) {
            String text = entry.strip();
            if (text.isEmpty()) {
                continue;
            }
            String[] parts = text.split(":", -1);
            try {
                int port = parts.length == 2 ? Integer.parseInt(parts[1]) : 53;
                if (parts.length > 2 || port < 1 || port > 65_535) {
                    throw new IllegalArgumentException("not address[:port]");
                }
                int address = Ipv4Subnet.parse(parts[0] + "/32").network();
                upstreams.add(new InetSocketAddress(InetAddress.getByName(Ipv4Subnet.text(address)), port));
            } catch (IllegalArgumentException | UnknownHostException e) {
                problems.add("dns-upstreams: '" + text + "' is not an IPv4 address with an optional :port");
            }
        }
        return List.copyOf(upstreams);
    }

    /**
     * Where the sandboxes' addresses come from: an IPv4 network in CIDR form, /8 to /30 (the bridge, the network
     * and broadcast addresses and at least one sandbox). That it overlaps none of the host's routes is checked at
     * start, on the host.
     */
    private static Ipv4Subnet networkSubnet(Map<String, String> v, List<String> problems) {
        try {
            Ipv4Subnet subnet = Ipv4Subnet.parse(v.get("network-subnet"));
            if (subnet.prefix() < 8 || subnet.prefix() > 30) {
                problems.add("network-subnet: the prefix must be /8 to /30, not /" + subnet.prefix());
            }
            return subnet;
        } catch (IllegalArgumentException e) {
            problems.add("network-subnet: " + e.getMessage());
            return Ipv4Subnet.parse(NetworkSettings.DEFAULT_SUBNET);
        }
    }

    /** What HTTP clients may hold open, and how long and how slowly. */
    private static HttpServer.Connections connections(Map<String, String> v, List<String> problems) {
        int total = intIn(v, "max-connections", 1, MAX_COUNT, problems);
        int perAddress = intIn(v, "max-connections-per-address", 1, MAX_COUNT, problems);
        Duration idle = positiveDuration(v, "connection-idle-timeout", problems);
        long minRate = size(v, "min-request-rate", problems);
        return new HttpServer.Connections(total, perAddress, idle, minRate);
    }

    /**
     * The SSH gateway, when {@code ssh-port} is set. Clients are told to connect to {@code ssh-host}, or to
     * {@code host} when that is one address (a wildcard names no host a client could reach).
     */
    private static Optional<SshConfig> ssh(Map<String, String> v, String host, List<String> problems) {
        if (optional(v, "ssh-port").isEmpty()) {
            return Optional.empty();
        }
        int port = intIn(v, "ssh-port", 0, 65535, problems);
        int maxSessions = intIn(v, "ssh-max-sessions", 1, MAX_COUNT, problems);
        boolean wildcard = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
        String clientHost = optional(v, "ssh-host").orElse(wildcard ? "localhost" : host);
        if (clientHost.chars().anyMatch(c -> c <= ' ' || c == '@')) {
            problems.add("ssh-host: must be a host name or address");
        }
        return Optional.of(new SshConfig(port, clientHost, maxSessions));
    }

    private static EnterpriseLimits enterprise(Map<String, String> v, List<String> problems) {
        return new EnterpriseLimits(
                intIn(v, "enterprise-requests-per-minute", 1, 10_000_000, problems),
                intIn(v, "enterprise-burst", 1, 10_000_000, problems),
                intIn(v, "enterprise-concurrent-requests", 1, MAX_COUNT, problems),
                intIn(v, "enterprise-websockets", 1, MAX_COUNT, problems),
                intIn(v, "enterprise-streams", 1, MAX_COUNT, problems),
                intIn(v, "enterprise-sandboxes", 1, MAX_COUNT, problems),
                positiveDuration(v, "enterprise-max-runtime", problems),
                positiveDuration(v, "enterprise-max-idle-timeout", problems),
                size(v, "enterprise-max-upload-size", problems),
                intIn(v, "enterprise-multipart-parts", 1, MAX_COUNT, problems),
                size(v, "enterprise-storage", problems));
    }

    /** One sandbox per {@link #AUTO_MEMORY_PER_SANDBOX} of the host's memory, at least {@link #AUTO_MIN_SANDBOXES}. */
    static int autoMaxSandboxes() {
        var system = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long bySize = system.getTotalMemorySize() / AUTO_MEMORY_PER_SANDBOX;
        return (int) Math.max(AUTO_MIN_SANDBOXES, Math.min(MAX_COUNT, bySize));
    }

    private static Optional<String> optional(Map<String, String> v, String key) {
        String value = v.get(key);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    private static int intIn(Map<String, String> v, String key, int min, int max, List<String> problems) {
        try {
            int value = Integer.parseInt(v.get(key).strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the range
        }
        problems.add(key + ": must be a whole number from " + min + " to " + max + " (got '" + v.get(key) + "')");
        return min;
    }

    private static long size(Map<String, String> v, String key, List<String> problems) {
        try {
            long bytes = DataSize.parse(v.get(key)).bytes();
            if (bytes > 0) {
                return bytes;
            }
        } catch (IllegalArgumentException ignored) {
            // reported below with the expected shape
        }
        problems.add(key + ": must be a size such as 512KB or 10MB (got '" + v.get(key) + "')");
        return 1;
    }

    /** A duration that must not be 0: a limit, where 0 would mean "never" and no limit is unlimited. */
    private static Duration positiveDuration(Map<String, String> v, String key, List<String> problems) {
        Duration duration = duration(v, key, problems);
        if (duration.isZero() || duration.isNegative()) {
            problems.add(key + ": must be a positive duration such as 7d or 12h (got '" + v.get(key) + "')");
            return Duration.ofSeconds(1);
        }
        return duration;
    }

    private static Duration duration(Map<String, String> v, String key, List<String> problems) {
        String text = v.get(key).strip().toUpperCase(Locale.ROOT);
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        if (text.matches("\\d{1,6}D")) {
            return Duration.ofDays(Long.parseLong(text.substring(0, text.length() - 1)));
        }
        try {
            return Duration.parse(text.startsWith("P") ? text : "PT" + text);
        } catch (DateTimeParseException e) {
            problems.add(key + ": must be a duration such as 10s, 2m or 7d (got '" + v.get(key) + "')");
            return Duration.ZERO;
        }
    }

    /** A duration as the defaults write it, in its largest whole unit: {@code 7d}, {@code 24h}, {@code 90s}. */
    static String format(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds % 86_400 == 0) {
            return seconds / 86_400 + "d";
        } else if (seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        } else if (seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        return seconds + "s";
    }
}
