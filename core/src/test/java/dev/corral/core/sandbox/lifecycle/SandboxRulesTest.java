package dev.corral.core.sandbox.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.error.FieldProblem;
import dev.corral.core.org.Tier;
import dev.corral.core.plan.PlanLimits;
import dev.corral.core.plan.Plans;
import dev.corral.core.sandbox.EgressPolicy;
import dev.corral.core.sandbox.Ipv4Subnet;
import dev.corral.core.sandbox.RequestedMount;
import dev.corral.core.sandbox.Resources;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxNetwork;
import dev.corral.core.sandbox.SandboxStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SandboxRulesTest {
    private static final Set<String> TEMPLATES = Set.of("base");
    private static final PlanLimits FREE = Plans.defaults(6000, 1000).of(Tier.FREE);

    private static CreateSandbox request(Optional<Integer> vcpus, Optional<String> memory, Optional<Long> idle) {
        return new CreateSandbox("base", Optional.empty(), List.of(), Map.of(), Map.of(), vcpus, memory,
                Optional.empty(), idle, Optional.empty(), List.of());
    }

    private static CreateSandbox withNetwork(String network) {
        return withNetwork(RequestedNetwork.named(network));
    }

    private static CreateSandbox withNetwork(RequestedNetwork network) {
        return new CreateSandbox("base", Optional.empty(), List.of(), Map.of(), Map.of(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
                Optional.of(network));
    }

    @Test
    void check_anEgressPolicy_isTakenWithSingleAddressesAsSlash32() {
        var checked = SandboxRules.check(withNetwork(RequestedNetwork.policy(Optional.of("deny"),
                List.of("198.51.100.0/24", "10.1.2.3"), List.of("198.51.100.7"), List.of())), TEMPLATES, FREE);

        assertThat(checked.network()).isEqualTo(SandboxNetwork.withPolicy(new EgressPolicy(false,
                List.of(Ipv4Subnet.parse("198.51.100.0/24"), Ipv4Subnet.parse("10.1.2.3/32")),
                List.of(Ipv4Subnet.parse("198.51.100.7/32")))));
    }

    @Test
    void check_allowingTheMetadataAddressOrLinkLocal_isValidationFailedSayingNoPolicyOpensIt() {
        assertThatThrownBy(() -> SandboxRules.check(withNetwork(RequestedNetwork.policy(Optional.of("deny"),
                List.of("198.51.100.0/24", "169.254.169.254", "169.254.0.0/16"), List.of(), List.of())), TEMPLATES,
                FREE)).isInstanceOfSatisfying(CorralException.class, e -> {
                    assertThat(e.details()).extracting(FieldProblem::field)
                            .containsExactly("network.allow[1]", "network.allow[2]");
                    assertThat(e.details()).extracting(FieldProblem::problem).allSatisfy(problem ->
                            assertThat(problem).contains("inside 169.254.0.0/16, which no policy opens"));
                });
    }

    @Test
    void check_allowingEverything_isTakenWithTheRangesNoPolicyOpensStillClosedByTheRuntime() {
        var checked = SandboxRules.check(withNetwork(RequestedNetwork.policy(Optional.of("deny"),
                List.of("0.0.0.0/0"), List.of(), List.of())), TEMPLATES, FREE);

        assertThat(checked.network()).isEqualTo(SandboxNetwork.withPolicy(new EgressPolicy(false,
                List.of(Ipv4Subnet.parse("0.0.0.0/0")), List.of())));
    }

    @Test
    void check_aPolicyWithoutEgress_allowsByDefault() {
        var checked = SandboxRules.check(withNetwork(RequestedNetwork.policy(Optional.empty(), List.of(),
                List.of("203.0.113.0/24"), List.of())), TEMPLATES, FREE);

        assertThat(checked.network().egress().orElseThrow().allowByDefault()).isTrue();
    }

    @Test
    void check_badDomainsIpv6BadCidrsAndUnknownFields_areEachRefusedByPlace() {
        var bad = RequestedNetwork.policy(Optional.of("maybe"), List.of("*", "ex*ample.org", "fd00::/8"),
                List.of("10.0.0.1/8", "300.1.1.1"), List.of("egres"));

        assertThatThrownBy(() -> SandboxRules.check(withNetwork(bad), TEMPLATES, FREE))
                .isInstanceOfSatisfying(CorralException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
                    assertThat(e.details()).extracting(FieldProblem::field).containsExactly("network.egres",
                            "network.egress", "network.allow[0]", "network.allow[1]", "network.allow[2]",
                            "network.deny[0]", "network.deny[1]");
                    assertThat(e.details().get(2).problem()).contains("invalid domain rule '*'");
                    assertThat(e.details().get(3).problem()).contains("'*' may only be the whole first label");
                    assertThat(e.details().get(5).problem()).contains("10.0.0.0/8");
                });
    }

    @Test
    void check_domainRulesBesideNetworks_areTakenInCanonicalForm() {
        var checked = SandboxRules.check(withNetwork(RequestedNetwork.policy(Optional.of("deny"),
                List.of("Peer.Test.", "*.example.org", "198.51.100.0/24"), List.of("ads.example.org"), List.of())),
                TEMPLATES, FREE);

        EgressPolicy policy = checked.network().egress().orElseThrow();
        assertThat(policy.allow()).containsExactly(Ipv4Subnet.parse("198.51.100.0/24"));
        assertThat(policy.allowDomains()).extracting(Object::toString).containsExactly("peer.test", "*.example.org");
        assertThat(policy.denyDomains()).extracting(Object::toString).containsExactly("ads.example.org");
        assertThat(EgressPolicy.parse(policy.toText())).isEqualTo(policy);
    }

    @Test
    void check_noNetwork_isTheDefaultNetwork() {
        var checked = SandboxRules.check(request(Optional.empty(), Optional.empty(), Optional.empty()), TEMPLATES,
                FREE);

        assertThat(checked.network()).isEqualTo(SandboxNetwork.DEFAULT);
    }

    @Test
    void check_networkNoneOrDefault_isTaken() {
        assertThat(SandboxRules.check(withNetwork("none"), TEMPLATES, FREE).network()).isEqualTo(SandboxNetwork.NONE);
        assertThat(SandboxRules.check(withNetwork("default"), TEMPLATES, FREE).network())
                .isEqualTo(SandboxNetwork.DEFAULT);
    }

    @Test
    void check_anyOtherNetwork_isValidationFailedNamingWhatIsAccepted() {
        for (String network : List.of("host", "", "None", "bridge")) {
            assertThatThrownBy(() -> SandboxRules.check(withNetwork(network), TEMPLATES, FREE)).as(network)
                    .isInstanceOfSatisfying(CorralException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
                        assertThat(e.details()).singleElement().satisfies(problem -> {
                            assertThat(problem.field()).isEqualTo("network");
                            assertThat(problem.problem()).contains("\"none\"", "\"default\"");
                        });
                    });
        }
    }

    private static CreateSandbox mounting(RequestedMount... mounts) {
        return new CreateSandbox("base", Optional.empty(), List.of(), Map.of(), Map.of(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(mounts));
    }

    @Test
    void check_nothingGiven_takesTheRunToolsDefaults() {
        var checked = SandboxRules.check(request(Optional.empty(), Optional.empty(), Optional.empty()), TEMPLATES,
                FREE);

        assertThat(checked.resources()).isEqualTo(Resources.of(2, "1GB", "2GB"));
        assertThat(checked.idleTimeout()).isEqualTo(Duration.ofSeconds(600));
    }

    @Test
    void check_overThePlansCaps_isQuotaExceededNamingTheField() {
        assertThatThrownBy(() -> SandboxRules.check(request(Optional.of(3), Optional.empty(), Optional.empty()),
                TEMPLATES, FREE))
                .isInstanceOfSatisfying(CorralException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
                    assertThat(e.getMessage()).contains("resources.vcpus");
                });
        assertThatThrownBy(() -> SandboxRules.check(request(Optional.empty(), Optional.of("3GB"), Optional.empty()),
                TEMPLATES, FREE)).hasMessageContaining("resources.memory");
        assertThatThrownBy(() -> SandboxRules.check(request(Optional.empty(), Optional.empty(), Optional.of(3600L)),
                TEMPLATES, FREE)).hasMessageContaining("idleTimeout");
    }

    @Test
    void check_severalBadFields_namesEveryOne() {
        var bad = new CreateSandbox("nope", Optional.of("-x"), List.of(""), Map.of(), Map.of("9", "v"),
                Optional.of(0), Optional.of("lots"), Optional.of("1KB"), Optional.of(-1L), Optional.of(-5L),
                List.of(new RequestedMount("", "relative", false)));

        assertThatThrownBy(() -> SandboxRules.check(bad, TEMPLATES, FREE))
                .isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.details())
                        .extracting(p -> p.field())
                        .containsExactlyInAnyOrder("template", "name", "tags[0]", "env.9", "resources.vcpus",
                                "resources.memory", "resources.disk", "idleTimeout", "maxRuntime", "mounts[0].workspaceId",
                                "mounts[0].path"));
    }

    @Test
    void check_mountPaths_areNormalizedAndSystemPathsRefused() {
        var checked = SandboxRules.check(mounting(new RequestedMount("data", "/data/./sets/", true),
                new RequestedMount("code", "/workspace", false)), TEMPLATES, FREE);
        assertThat(checked.mounts()).containsExactly(new RequestedMount("data", "/data/sets", true),
                new RequestedMount("code", "/workspace", false));

        for (String path : List.of("/", "/proc", "/etc/x", "/usr/local", "/lib64", "/library", "/sbin/corral-init",
                "/run", "/dev/shm", "/a/../etc", "data", "/sys/fs")) {
            assertThatThrownBy(() -> SandboxRules.check(mounting(new RequestedMount("w", path, false)), TEMPLATES,
                    FREE)).as(path).isInstanceOfSatisfying(CorralException.class,
                    e -> assertThat(e.details()).extracting(p -> p.field()).containsExactly("mounts[0].path"));
        }
        assertThatThrownBy(() -> SandboxRules.check(mounting(new RequestedMount("a", "/x", false),
                new RequestedMount("b", "/x/", false)), TEMPLATES, FREE)).hasMessageContaining("mounts[1].path");
    }

    @Test
    void check_maxRuntime_mayBeShorterThanThePlansNeverLonger() {
        var shorter = new CreateSandbox("base", Optional.empty(), List.of(), Map.of(), Map.of(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(600L), List.of());
        var longer = new CreateSandbox("base", Optional.empty(), List.of(), Map.of(), Map.of(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(3601L), List.of());

        assertThat(SandboxRules.check(shorter, TEMPLATES, FREE).maxRuntime()).isEqualTo(Duration.ofMinutes(10));
        assertThatThrownBy(() -> SandboxRules.check(longer, TEMPLATES, FREE))
                .isInstanceOfSatisfying(CorralException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
                    assertThat(e.getMessage()).startsWith("maxRuntime");
                });
    }

    @Test
    void applyUpdate_givenFields_replaceThoseOnly() {
        Sandbox current = sandbox();

        Sandbox updated = SandboxRules.applyUpdate(current, new UpdateSandbox(Optional.of("renamed"),
                Optional.of(List.of("x")), Optional.empty(), Optional.of(60L), Optional.empty()), FREE);

        assertThat(updated).isEqualTo(current.withSettings(Optional.of("renamed"), List.of("x"), current.metadata(),
                Duration.ofSeconds(60), current.maxRuntime()));
    }

    @Test
    void applyUpdate_badFields_namesEveryOne() {
        var bad = new UpdateSandbox(Optional.of("sandbox-abcdefghijkl"), Optional.of(List.of("")),
                Optional.of(Map.of("k", "v".repeat(600))), Optional.of(-1L), Optional.of(-1L));

        assertThatThrownBy(() -> SandboxRules.applyUpdate(sandbox(), bad, FREE))
                .isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.details())
                        .extracting(p -> p.field())
                        .containsExactlyInAnyOrder("name", "tags[0]", "metadata.k", "idleTimeout", "maxRuntime"));
    }

    @Test
    void applyUpdate_durationsPastAYear_areRefusedEvenWithoutPlanCaps() {
        PlanLimits enterprise = Plans.defaults(6000, 1000).of(Tier.ENTERPRISE);
        var huge = new UpdateSandbox(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(Long.MAX_VALUE), Optional.of(366L * 24 * 3600));

        assertThatThrownBy(() -> SandboxRules.applyUpdate(sandbox(), huge, enterprise))
                .isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.details())
                        .extracting(p -> p.field()).containsExactlyInAnyOrder("idleTimeout", "maxRuntime"));
    }

    @Test
    void applyUpdate_durationsBeyondThePlan_areQuotaExceeded() {
        for (var update : List.of(
                new UpdateSandbox(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(0L),
                        Optional.empty()),
                new UpdateSandbox(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.of(7200L)))) {
            assertThatThrownBy(() -> SandboxRules.applyUpdate(sandbox(), update, FREE))
                    .isInstanceOfSatisfying(CorralException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED));
        }
    }

    @Test
    void applyUpdate_aNetworkPolicy_replacesTheSandboxsPolicy() {
        Sandbox current = sandbox().withNetwork(SandboxNetwork.DEFAULT);

        Sandbox updated = SandboxRules.applyUpdate(current, networkUpdate(RequestedNetwork.policy(Optional.of("deny"),
                List.of("*.example.org"), List.of(), List.of())), FREE);

        assertThat(updated.network().egress().orElseThrow().allowByDefault()).isFalse();
        assertThat(updated.network().egress().orElseThrow().allowDomains()).extracting(Object::toString)
                .containsExactly("*.example.org");
        assertThat(updated.withNetwork(current.network())).isEqualTo(current);
    }

    @Test
    void applyUpdate_switchingBetweenNoneAndANetwork_isAConflict() {
        Sandbox networked = sandbox().withNetwork(SandboxNetwork.DEFAULT);
        Sandbox isolated = sandbox().withNetwork(SandboxNetwork.NONE);

        assertThatThrownBy(() -> SandboxRules.applyUpdate(networked, networkUpdate(RequestedNetwork.named("none")),
                FREE)).isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.code())
                .isEqualTo(ErrorCode.CONFLICT)).hasMessageContaining("made at create");
        assertThatThrownBy(() -> SandboxRules.applyUpdate(isolated, networkUpdate(RequestedNetwork.named("default")),
                FREE)).isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.code())
                .isEqualTo(ErrorCode.CONFLICT)).hasMessageContaining("cannot get a network");
    }

    private static UpdateSandbox networkUpdate(RequestedNetwork network) {
        return new UpdateSandbox(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(network));
    }

    private static Sandbox sandbox() {
        var checked = SandboxRules.check(request(Optional.empty(), Optional.empty(), Optional.empty()), TEMPLATES,
                FREE);
        var now = java.time.Instant.parse("2026-01-01T00:00:00Z");
        return new Sandbox(SandboxId.random(), dev.corral.core.org.OrganizationId.random(), Optional.of("box"),
                "base", SandboxStatus.RUNNING, List.of("a"), Map.of("k", "v"), Map.of(), List.of(),
                checked.resources(), checked.idleTimeout(), checked.maxRuntime(), Optional.empty(), now, now,
                Optional.empty(), Optional.empty(), false);
    }
}
