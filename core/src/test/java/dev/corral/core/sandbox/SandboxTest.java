package dev.corral.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.org.OrganizationId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SandboxTest {
    private static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");

    private static Sandbox running(Duration idleTimeout) {
        return new Sandbox(SandboxId.random(), OrganizationId.random(), Optional.empty(), "base",
                SandboxStatus.CREATING, List.of(), Map.of(), Map.of(), List.of(), Resources.of(1, "128MB", "128MB"),
                idleTimeout, Duration.ZERO,
                Optional.empty(), CREATED, CREATED, Optional.empty(), Optional.empty(), false).running(CREATED);
    }

    @Test
    void isIdle_afterItsWholeIdleTimeoutWithoutActivity_isTrue() {
        Sandbox sandbox = running(Duration.ofSeconds(600));

        assertThat(sandbox.isIdle(CREATED.plusSeconds(599))).isFalse();
        assertThat(sandbox.isIdle(CREATED.plusSeconds(600))).isTrue();
    }

    @Test
    void isIdle_zeroTimeoutOrNotRunning_isNeverTrue() {
        assertThat(running(Duration.ZERO).isIdle(CREATED.plus(Duration.ofDays(365)))).isFalse();
        assertThat(running(Duration.ofSeconds(1)).paused(CREATED).isIdle(CREATED.plusSeconds(60))).isFalse();
    }

    @Test
    void hasOutlived_countsFromCreationAndZeroMeansNever() {
        Sandbox sandbox = running(Duration.ofSeconds(600));

        assertThat(sandbox.hasOutlived(Duration.ofHours(1), CREATED.plus(Duration.ofMinutes(59)))).isFalse();
        assertThat(sandbox.hasOutlived(Duration.ofHours(1), CREATED.plus(Duration.ofHours(1)))).isTrue();
        assertThat(sandbox.hasOutlived(Duration.ZERO, CREATED.plus(Duration.ofDays(999)))).isFalse();
        assertThat(sandbox.expired(CREATED).hasOutlived(Duration.ofHours(1), CREATED.plus(Duration.ofDays(1))))
                .isFalse();
    }

    @Test
    void hasOutlived_ownMaximum_endsItBeforeThePlansButNeverAfter() {
        Sandbox sandbox = running(Duration.ZERO).withSettings(Optional.empty(), List.of(), Map.of(), Duration.ZERO,
                Duration.ofMinutes(10));

        assertThat(sandbox.hasOutlived(Duration.ofHours(1), CREATED.plus(Duration.ofMinutes(10)))).isTrue();
        assertThat(sandbox.hasOutlived(Duration.ZERO, CREATED.plus(Duration.ofMinutes(10)))).isTrue();
        assertThat(sandbox.hasOutlived(Duration.ofMinutes(5), CREATED.plus(Duration.ofMinutes(5)))).isTrue();
        assertThat(sandbox.hasOutlived(Duration.ofHours(1), CREATED.plus(Duration.ofMinutes(9)))).isFalse();
    }

    @Test
    void expired_isStoppedWithTheReason() {
        Sandbox expired = running(Duration.ZERO).expired(CREATED.plusSeconds(5));

        assertThat(expired.status()).isEqualTo(SandboxStatus.STOPPED);
        assertThat(expired.error()).hasValueSatisfying(e -> assertThat(e).contains("maximum runtime"));
        assertThat(expired.stoppedAt()).contains(CREATED.plusSeconds(5));
    }

    @Test
    void shouldHibernate_pausedForTheWholeDelayOnceAndZeroMeansNever() {
        Sandbox paused = running(Duration.ZERO).paused(CREATED);
        Duration after = Duration.ofHours(1);

        assertThat(paused.shouldHibernate(after, CREATED.plus(Duration.ofMinutes(59)))).isFalse();
        assertThat(paused.shouldHibernate(after, CREATED.plus(after))).isTrue();
        assertThat(paused.asHibernated().shouldHibernate(after, CREATED.plus(Duration.ofDays(1)))).isFalse();
        assertThat(paused.shouldHibernate(Duration.ZERO, CREATED.plus(Duration.ofDays(1)))).isFalse();
        assertThat(running(Duration.ZERO).shouldHibernate(after, CREATED.plus(Duration.ofDays(1)))).isFalse();
        assertThat(paused.asHibernated().running(CREATED).hibernated()).isFalse();
    }
}
