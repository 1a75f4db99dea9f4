package dev.corral.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.org.Tier;
import dev.corral.core.sandbox.SandboxSpec;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PlansTest {
    private static final Plans DEFAULTS = Plans.defaults(EnterpriseLimits.DEFAULTS);

    @Test
    void defaults_everyTier_hasNoUnlimitedValue() {
        for (Tier tier : Tier.values()) {
            PlanLimits limits = DEFAULTS.of(tier);
            assertThat(limits.concurrentRequests()).as(tier.wire()).isLessThan(Integer.MAX_VALUE);
            assertThat(limits.concurrentSandboxes()).as(tier.wire()).isLessThan(Integer.MAX_VALUE);
            assertThat(limits.maxRuntime()).as(tier.wire()).isPositive().isLessThanOrEqualTo(Duration.ofDays(7));
            assertThat(limits.maxIdleTimeout()).as(tier.wire()).isPositive();
            assertThat(limits.maxStorageBytes()).as(tier.wire()).isLessThan(Long.MAX_VALUE);
            assertThat(limits.openStreams()).as(tier.wire()).isLessThan(limits.concurrentRequests());
            assertThat(limits.bandwidth().bitsPerSecond()).as(tier.wire())
                    .isLessThanOrEqualTo(SandboxSpec.DEFAULT_BANDWIDTH.bitsPerSecond());
        }
    }

    @Test
    void defaults_largerTiers_haveMoreBandwidth() {
        assertThat(Arrays.stream(Tier.values()).map(tier -> DEFAULTS.of(tier).bandwidth().toString()))
                .containsExactly("50 Mbit/s", "200 Mbit/s", "500 Mbit/s", "1000 Mbit/s");
    }

    @Test
    void newBandwidth_belowOneMegabit_isRefused() {
        assertThatThrownBy(() -> new Bandwidth(999_999)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1 Mbit/s");
    }

    @Test
    void defaults_enterprise_takesTheConfiguredValues() {
        var configured = new EnterpriseLimits(1, 2, 3, 4, 5, 6, Duration.ofHours(7), Duration.ofMinutes(8), 9,
                10, 11, 12);

        PlanLimits enterprise = Plans.defaults(configured).of(Tier.ENTERPRISE);

        assertThat(enterprise).extracting(PlanLimits::requestsPerMinute, PlanLimits::burst,
                        PlanLimits::concurrentRequests, PlanLimits::openWebSockets, PlanLimits::openStreams,
                        PlanLimits::concurrentSandboxes, PlanLimits::maxRuntime, PlanLimits::maxIdleTimeout,
                        PlanLimits::maxUploadBytes, PlanLimits::maxMultipartParts, PlanLimits::maxStorageBytes,
                        PlanLimits::bandwidth)
                .containsExactly(1, 2, 3, 4, 5, 6, Duration.ofHours(7), Duration.ofMinutes(8), 9L, 10, 11L,
                        Bandwidth.ofMegabits(12));
    }

    @Test
    void maxMultipartParts_severalTiers_isTheLargest() {
        assertThat(DEFAULTS.maxMultipartParts()).isEqualTo(1000);
    }

    @Test
    void newPlanLimits_zeroOrUnlimitedDuration_isRefusedNamingIt() {
        PlanLimits free = DEFAULTS.of(Tier.FREE);

        assertThatThrownBy(() -> new PlanLimits(free.requestsPerMinute(), free.burst(), 0,
                free.concurrentSandboxes(), Duration.ZERO, free.maxIdleTimeout(), free.maxVcpus(),
                free.maxMemoryBytes(), free.maxDiskBytes(), free.maxExecTimeout(), free.maxOutputBytes(),
                free.maxUploadBytes(), free.maxStorageBytes(), free.openWebSockets(), free.openStreams(),
                free.maxMultipartParts(), free.concurrentExecsPerSandbox(), free.bandwidth()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("concurrentRequests").hasMessageContaining("maxRuntime");
    }

    @Test
    void checkUploadFiles_pastThePlansParts_isPayloadTooLarge() {
        PlanLimits free = DEFAULTS.of(Tier.FREE);

        free.checkUploadFiles(100);
        assertThatThrownBy(() -> free.checkUploadFiles(101))
                .isInstanceOfSatisfying(CorralException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE))
                .hasMessageContaining("100");
    }
}
