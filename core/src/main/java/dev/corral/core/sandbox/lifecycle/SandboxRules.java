package dev.corral.core.sandbox.lifecycle;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.FieldProblem;
import dev.corral.core.io.DataSize;
import dev.corral.core.plan.PlanLimits;
import dev.corral.core.sandbox.DomainRule;
import dev.corral.core.sandbox.EgressPolicy;
import dev.corral.core.sandbox.EnvironmentNames;
import dev.corral.core.sandbox.Ipv4Subnet;
import dev.corral.core.sandbox.RequestedMount;
import dev.corral.core.sandbox.Resources;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a sandbox request, or a change to a sandbox's settings, must satisfy: well-formed fields
 * ({@code validation_failed}, naming each field at fault) and the caller's plan ({@code quota_exceeded}). Defaults
 * follow the RunTools docs: 2 vCPUs, 1GB of memory, a 2GB disk, and a 600 s idle timeout.
 */
public final class SandboxRules {
    static final int DEFAULT_VCPUS = 2;
    static final String DEFAULT_MEMORY = "1GB";
    static final String DEFAULT_DISK = "2GB";
    static final long DEFAULT_IDLE_TIMEOUT_SECONDS = 600;
    /** Linux refuses a single argument longer than this (MAX_ARG_STRLEN) with E2BIG. */

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    /** What makes a policy entry a domain rule rather than a network: a letter, or a wildcard. */
    private static final Pattern DOMAIN = Pattern.compile("[A-Za-z*_]");
    private static final int MAX_TAGS = 50;
    private static final int MAX_TAG_LENGTH = 64;
    private static final int MAX_METADATA = 50;
    private static final int MAX_METADATA_LENGTH = 512;
    private static final int MAX_MOUNTS = 10;
    /**
     * The longest idle timeout or maximum runtime, a year, even on a plan without caps: a larger one would overflow
     * the instant the reaper computes from it, and "never" is written 0.
     */
    private static final long MAX_DURATION_SECONDS = 365L * 24 * 3600;
    /** Where a workspace may not go: what the sandbox's own system lives in, and what runc mounts itself. */
    private static final List<String> SYSTEM_PATHS = List.of("/proc", "/sys", "/dev", "/etc", "/usr", "/bin",
            "/sbin", "/boot", "/run");

    private SandboxRules() {
    }

    /** A sandbox request checked and completed with defaults. */
    record Checked(Optional<String> name, String template, List<String> tags, Map<String, String> metadata,
                   Map<String, String> env, List<RequestedMount> mounts, Resources resources,
                   Duration idleTimeout, Duration maxRuntime, SandboxNetwork network) {
    }

    static Checked check(CreateSandbox request, Set<String> templates, PlanLimits plan) {
        var problems = new ArrayList<FieldProblem>();
        if (request.template() == null || request.template().isBlank()) {
            problems.add(new FieldProblem("template", "is required; available: " + String.join(", ", templates)));
        } else if (!templates.contains(request.template())) {
            problems.add(new FieldProblem("template", "unknown template '" + request.template() + "'; available: "
                    + String.join(", ", templates)));
        }
        request.name().ifPresent(name -> checkName(name, problems));
        checkTags(request.tags(), problems);
        checkMetadata(request.metadata(), problems);
        EnvironmentNames.check("env", request.env(), problems);
        List<RequestedMount> mounts = checkMounts(request.mounts(), problems);
        int vcpus = request.vcpus().orElse(DEFAULT_VCPUS);
        if (vcpus < 1) {
            problems.add(new FieldProblem("resources.vcpus", "must be at least 1"));
        }
        long memory = size("resources.memory", request.memory().orElse(DEFAULT_MEMORY), Resources.MIN_MEMORY_BYTES,
                problems);
        long disk = size("resources.disk", request.disk().orElse(DEFAULT_DISK), Resources.MIN_DISK_BYTES, problems);
        Duration idleTimeout = idleTimeout(request.idleTimeoutSeconds().orElse(DEFAULT_IDLE_TIMEOUT_SECONDS),
                problems);
        Duration maxRuntime = maxRuntime(request.maxRuntimeSeconds().orElse(0L), problems);
        SandboxNetwork network = network(request.network(), problems);
        if (!problems.isEmpty()) {
            throw CorralException.invalid(problems);
        }
        var resources = new Resources(vcpus, memory, disk, Resources.DEFAULT_PIDS);
        checkPlan(resources, plan);
        checkIdleTimeoutCap(idleTimeout, plan);
        checkMaxRuntimeCap(maxRuntime, plan);
        return new Checked(request.name(), request.template(), List.copyOf(request.tags()),
                Map.copyOf(request.metadata()), Map.copyOf(request.env()), mounts, resources, idleTimeout,
                maxRuntime, network);
    }

    /** The network the request names: absent is the default one. */
    private static SandboxNetwork network(Optional<RequestedNetwork> requested, List<FieldProblem> problems) {
        if (requested.isEmpty()) {
            return SandboxNetwork.DEFAULT;
        }
        RequestedNetwork network = requested.get();
        if (network.name().isPresent()) {
            switch (network.name().get()) {
                case "none":
                    return SandboxNetwork.NONE;
                case "default":
                    return SandboxNetwork.DEFAULT;
                default:
                    problems.add(new FieldProblem("network", "must be \"none\" (loopback only), \"default\" (its own "
                            + "network: the internet, never the host or private addresses) or an egress policy "
                            + "{egress: \"allow\"|\"deny\", allow: [cidr|domain|*.domain...], deny: [...]}"));
                    return SandboxNetwork.DEFAULT;
            }
        }
        network.unknownFields().forEach(field -> problems.add(new FieldProblem("network." + field,
                "is not a field of an egress policy (egress, allow, deny)")));
        String egress = network.egress().orElse("allow");
        if (!egress.equals("allow") && !egress.equals("deny")) {
            problems.add(new FieldProblem("network.egress", "must be \"allow\" (the internet, nothing private) or "
                    + "\"deny\" (only what allow lists)"));
        }
        PolicyList allow = policyList("network.allow", network.allow(), problems);
        PolicyList deny = policyList("network.deny", network.deny(), problems);
        if (problems.isEmpty()) {
            return SandboxNetwork.withPolicy(new EgressPolicy(egress.equals("allow"), allow.networks(),
                    deny.networks(), allow.domains(), deny.domains()));
        }
        return SandboxNetwork.DEFAULT;
    }

    /** One list of a policy, read: its networks and its domain rules. */
    private record PolicyList(List<Ipv4Subnet> networks, List<DomainRule> domains) {}

    /**
     * A policy's list: IPv4 networks as CIDRs or single addresses (a /32), and domain rules ({@code example.org},
     * {@code *.example.org}), told apart by a letter or a {@code *}; each checked by the one parser of its kind.
     */
    private static PolicyList policyList(String field, List<String> entries, List<FieldProblem> problems) {
        if (entries.size() > EgressPolicy.MAX_ENTRIES) {
            problems.add(new FieldProblem(field, "at most " + EgressPolicy.MAX_ENTRIES + " entries"));
            return new PolicyList(List.of(), List.of());
        }
        var networks = new ArrayList<Ipv4Subnet>();
        var domains = new ArrayList<DomainRule>();
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i) == null ? "" : entries.get(i).strip();
            String at = field + "[" + i + "]";
            try {
                if (entry.indexOf(':') >= 0) {
                    problems.add(new FieldProblem(at, "IPv6 is never routed out of a sandbox; give an IPv4 CIDR"));
                } else if (DOMAIN.matcher(entry).find()) {
                    domains.add(DomainRule.parse(entry));
                } else {
                    Ipv4Subnet network = Ipv4Subnet.parse(entry.contains("/") ? entry : entry + "/32");
                    EgressPolicy.NEVER_OPEN.stream().filter(never -> never.prefix() <= network.prefix()
                            && never.overlaps(network)).findFirst().ifPresentOrElse(never -> problems.add(
                                    new FieldProblem(at, "is inside " + never + ", which no policy opens "
                                            + "(loopback, link-local with the metadata address, multicast, "
                                            + "reserved)")), () -> networks.add(network));
                }
            } catch (IllegalArgumentException e) {
                problems.add(new FieldProblem(at, e.getMessage()));
            }
        }
        return new PolicyList(networks, domains);
    }

    /**
     * {@code current} with the settings {@code update} gives, each checked as on create. Only the durations the
     * update gives are held against the plan's caps, so a sandbox made under a larger plan can still be renamed.
     */
    static Sandbox applyUpdate(Sandbox current, UpdateSandbox update, PlanLimits plan) {
        var problems = new ArrayList<FieldProblem>();
        update.name().ifPresent(name -> checkName(name, problems));
        update.tags().ifPresent(tags -> checkTags(tags, problems));
        update.metadata().ifPresent(metadata -> checkMetadata(metadata, problems));
        Optional<Duration> idleTimeout = update.idleTimeoutSeconds().map(seconds -> idleTimeout(seconds, problems));
        Optional<Duration> maxRuntime = update.maxRuntimeSeconds().map(seconds -> maxRuntime(seconds, problems));
        Optional<SandboxNetwork> network = update.network().map(requested -> network(Optional.of(requested),
                problems));
        if (!problems.isEmpty()) {
            throw CorralException.invalid(problems);
        }
        network.ifPresent(changed -> checkNetworkChange(current.network(), changed));
        idleTimeout.ifPresent(timeout -> checkIdleTimeoutCap(timeout, plan));
        maxRuntime.ifPresent(runtime -> checkMaxRuntimeCap(runtime, plan));
        return current.withSettings(update.name().or(current::name),
                update.tags().map(List::copyOf).orElse(current.tags()),
                update.metadata().map(Map::copyOf).orElse(current.metadata()),
                idleTimeout.orElse(current.idleTimeout()), maxRuntime.orElse(current.maxRuntime()))
                .withNetwork(network.orElse(current.network()));
    }

    /**
     * A running sandbox's policy may change, but not whether it has a network: its network namespace is made at
     * create (loopback only, or Corral's with a veth), and its processes live in it.
     */
    private static void checkNetworkChange(SandboxNetwork current, SandboxNetwork changed) {
        if (current.loopbackOnly() != changed.loopbackOnly()) {
            throw CorralException.conflict(current.loopbackOnly()
                    ? "The sandbox was created with network \"none\" and cannot get a network: its network namespace "
                            + "is made at create; create another sandbox with a network"
                    : "The sandbox was created with a network and cannot change to \"none\": its network namespace "
                            + "is made at create; use {\"egress\": \"deny\"} to let nothing out");
        }
    }

    /**
     * The mounts with their paths normalized. A path must be absolute, free of {@code ..}, outside the system
     * paths of DECISIONS.md and used once.
     */
    private static List<RequestedMount> checkMounts(List<RequestedMount> mounts, List<FieldProblem> problems) {
        if (mounts.size() > MAX_MOUNTS) {
            problems.add(new FieldProblem("mounts", "at most " + MAX_MOUNTS + " mounts"));
            return List.of();
        }
        var checked = new ArrayList<RequestedMount>();
        var paths = new HashSet<String>();
        for (int i = 0; i < mounts.size(); i++) {
            RequestedMount mount = mounts.get(i);
            String field = "mounts[" + i + "]";
            if (mount == null) {
                problems.add(new FieldProblem(field, "must be an object {workspaceId, path, readOnly}"));
                continue;
            }
            if (mount.workspace() == null || mount.workspace().isBlank()) {
                problems.add(new FieldProblem(field + ".workspaceId", "is required"));
            }
            Optional<String> path = mountPath(mount.path());
            if (path.isEmpty()) {
                problems.add(new FieldProblem(field + ".path", "must be an absolute path without '..', not / or "
                        + "below " + String.join(", ", SYSTEM_PATHS) + " or /lib*"));
            } else if (!paths.add(path.get())) {
                problems.add(new FieldProblem(field + ".path", "is mounted twice"));
            } else {
                checked.add(new RequestedMount(mount.workspace(), path.get(), mount.readOnly()));
            }
        }
        return List.copyOf(checked);
    }

    private static Optional<String> mountPath(String path) {
        if (path == null || !path.startsWith("/") || path.indexOf('\0') >= 0 || path.length() > 4096) {
            return Optional.empty();
        }
        var names = new ArrayList<String>();
        for (String name : path.split("/")) {
            if (name.equals("..")) {
                return Optional.empty();
            }
            if (!name.isEmpty() && !name.equals(".")) {
                names.add(name);
            }
        }
        String normalized = "/" + String.join("/", names);
        boolean system = names.isEmpty() || names.getFirst().startsWith("lib")
                || SYSTEM_PATHS.stream().anyMatch(root -> normalized.equals(root) || normalized.startsWith(root + "/"));
        return system ? Optional.empty() : Optional.of(normalized);
    }

    private static void checkName(String name, List<FieldProblem> problems) {
        if (!NAME.matcher(name).matches() || SandboxId.isId(name)) {
            problems.add(new FieldProblem("name", "must be 1 to 63 of letters, digits, '.', '_' and '-', "
                    + "starting with a letter or digit, and not shaped like a sandbox id"));
        }
    }

    private static Duration idleTimeout(long seconds, List<FieldProblem> problems) {
        return duration("idleTimeout", seconds, "0 (never)", problems);
    }

    private static Duration maxRuntime(long seconds, List<FieldProblem> problems) {
        return duration("maxRuntime", seconds, "0 (the plan's maximum)", problems);
    }

    private static Duration duration(String field, long seconds, String zero, List<FieldProblem> problems) {
        if (seconds < 0 || seconds > MAX_DURATION_SECONDS) {
            problems.add(new FieldProblem(field, "must be " + zero + " or a number of seconds up to "
                    + MAX_DURATION_SECONDS + " (a year)"));
            return Duration.ZERO;
        }
        return Duration.ofSeconds(seconds);
    }

    private static void checkPlan(Resources resources, PlanLimits plan) {
        if (resources.vcpus() > plan.maxVcpus()) {
            throw CorralException.quotaExceeded("resources.vcpus: your plan allows at most " + plan.maxVcpus());
        }
        if (resources.memoryBytes() > plan.maxMemoryBytes()) {
            throw CorralException.quotaExceeded("resources.memory: your plan allows at most "
                    + new DataSize(plan.maxMemoryBytes()));
        }
        if (resources.diskBytes() > plan.maxDiskBytes()) {
            throw CorralException.quotaExceeded("resources.disk: your plan allows at most "
                    + new DataSize(plan.maxDiskBytes()));
        }
    }

    private static void checkIdleTimeoutCap(Duration idleTimeout, PlanLimits plan) {
        Duration cap = plan.maxIdleTimeout();
        if (idleTimeout.isZero() || idleTimeout.compareTo(cap) > 0) {
            throw CorralException.quotaExceeded("idleTimeout: your plan allows at most " + cap.toSeconds()
                    + " seconds");
        }
    }

    /** A sandbox's own maximum runtime may be shorter than its plan's, never longer; zero leaves the plan's. */
    private static void checkMaxRuntimeCap(Duration maxRuntime, PlanLimits plan) {
        Duration cap = plan.maxRuntime();
        if (!cap.isZero() && maxRuntime.compareTo(cap) > 0) {
            throw CorralException.quotaExceeded("maxRuntime: your plan allows at most " + cap.toSeconds()
                    + " seconds");
        }
    }

    private static long size(String field, String text, long minimum, List<FieldProblem> problems) {
        try {
            long bytes = DataSize.parse(text).bytes();
            if (bytes < minimum) {
                problems.add(new FieldProblem(field, "must be at least " + new DataSize(minimum)));
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            problems.add(new FieldProblem(field, e.getMessage()));
            return minimum;
        }
    }

    private static void checkTags(List<String> tags, List<FieldProblem> problems) {
        if (tags.size() > MAX_TAGS) {
            problems.add(new FieldProblem("tags", "at most " + MAX_TAGS + " tags"));
        }
        for (int i = 0; i < tags.size(); i++) {
            String tag = tags.get(i);
            if (tag == null || tag.isBlank() || tag.length() > MAX_TAG_LENGTH) {
                problems.add(new FieldProblem("tags[" + i + "]", "must be 1 to " + MAX_TAG_LENGTH + " characters"));
            }
        }
    }

    private static void checkMetadata(Map<String, String> metadata, List<FieldProblem> problems) {
        if (metadata.size() > MAX_METADATA) {
            problems.add(new FieldProblem("metadata", "at most " + MAX_METADATA + " keys"));
        }
        metadata.forEach((key, value) -> {
            if (key.isEmpty() || key.length() > 128 || value == null || value.length() > MAX_METADATA_LENGTH) {
                problems.add(new FieldProblem("metadata." + key, "keys must be 1 to 128 characters and values "
                        + "strings of at most " + MAX_METADATA_LENGTH));
            }
        });
    }
}
