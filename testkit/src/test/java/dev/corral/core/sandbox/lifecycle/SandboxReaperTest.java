package dev.corral.core.sandbox.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.key.Principal;
import dev.corral.core.org.Tier;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.SandboxState;
import dev.corral.core.sandbox.SandboxStatus;
import dev.corral.core.sandbox.SandboxTestBed;
import dev.corral.core.sandbox.logs.LogSubscription;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The reaper's three decisions, on the fake runtime and a manual clock: idle pause, maximum runtime, hibernation. */
class SandboxReaperTest {
    private static final Duration HIBERNATE_AFTER = Duration.ofMinutes(30);

    private final SandboxTestBed bed = new SandboxTestBed();
    private final SandboxReaper reaper = new SandboxReaper(bed.store, bed.service, bed.work, bed.logs,
            bed.organizations, bed.plans, HIBERNATE_AFTER);
    /** Pro: a 4 h maximum runtime, so idle pauses and hibernation come first. */
    private final Principal caller = bed.caller(Tier.PRO);

    @AfterEach
    void close() {
        bed.close();
    }

    @Test
    void reap_idleForItsWholeTimeout_pausesIt() {
        Sandbox sandbox = bed.running(caller);
        bed.clock.advance(sandbox.idleTimeout());

        reaper.reap(bed.clock.instant());

        assertThat(bed.stored(sandbox).status()).isEqualTo(SandboxStatus.PAUSED);
        assertThat(bed.runtime.state(sandbox.id())).isEqualTo(SandboxState.PAUSED);
    }

    @Test
    void reap_aSecondBeforeItsIdleTimeout_leavesItRunning() {
        Sandbox sandbox = bed.running(caller);
        bed.clock.advance(sandbox.idleTimeout().minusSeconds(1));

        reaper.reap(bed.clock.instant());

        assertThat(bed.stored(sandbox).status()).isEqualTo(SandboxStatus.RUNNING);
    }

    @Test
    void reap_activityMovesTheIdleClock_leavesItRunning() {
        Sandbox sandbox = bed.running(caller);
        bed.clock.advance(Duration.ofMinutes(5));
        bed.service.recordActivity(sandbox.id());
        bed.clock.advance(sandbox.idleTimeout().minusMinutes(1));

        reaper.reap(bed.clock.instant());

        assertThat(bed.stored(sandbox).status()).isEqualTo(SandboxStatus.RUNNING);
    }

    @Test
    void reap_idleButAtWork_leavesItRunning() {
        Sandbox sandbox = bed.running(caller);
        bed.clock.advance(sandbox.idleTimeout().multipliedBy(3));

        try (SandboxWork.Piece command = bed.work.begin(sandbox.id())) {
            reaper.reap(bed.clock.instant());
            assertThat(bed.stored(sandbox).status()).isEqualTo(SandboxStatus.RUNNING);
        }
        reaper.reap(bed.clock.instant());

        assertThat(bed.stored(sandbox).status()).isEqualTo(SandboxStatus.PAUSED);
    }

    @Test
    void reap_idleWithItsLogsWatched_leavesItRunning() {
        Sandbox sandbox = bed.running(caller);
        bed.clock.advance(sandbox.idleTimeout());

        try (LogSubscription watcher = bed.logs.subscribe(sandbox.id(), null, entry -> { }, () -> { })) {
            reaper.reap(bed.clock.instant());
        }

        assertThat(bed.stored(sandbox).status()).isEqualTo(SandboxStatus.RUNNING);
    }

    @Test
    void reap_aDayLongIdleTimeout_leavesASandboxIdleForLessRunning() {
        Principal enterprise = bed.caller(Tier.ENTERPRISE);
        Sandbox sandbox = bed.running(enterprise, new CreateSandbox("base", Optional.empty(), List.of(), Map.of(),
                Map.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(86_400L), Optional.empty(),
                List.of()));
        bed.clock.advance(Duration.ofHours(23));

        reaper.reap(bed.clock.instant());

        assertThat(bed.stored(sandbox).status()).isEqualTo(SandboxStatus.RUNNING);
    }

    @Test
    void reap_pastThePlansMaximumRuntime_stopsItWithTheReason() {
        Sandbox sandbox = bed.running(bed.caller(Tier.FREE));
        bed.clock.advance(Duration.ofHours(1));

        reaper.reap(bed.clock.instant());

        Sandbox stopped = bed.stored(sandbox);
        assertThat(stopped.status()).isEqualTo(SandboxStatus.STOPPED);
        assertThat(stopped.error()).get().asString().contains("maximum runtime");
        assertThat(bed.runtime.state(sandbox.id())).isEqualTo(SandboxState.ABSENT);
    }

    @Test
    void reap_pausedSandboxPastTheMaximumRuntime_stopsItToo() {
        Principal free = bed.caller(Tier.FREE);
        Sandbox sandbox = bed.running(free);
        bed.service.pause(free, sandbox.id().value());
        bed.clock.advance(Duration.ofHours(1));

        reaper.reap(bed.clock.instant());

        assertThat(bed.stored(sandbox).status()).isEqualTo(SandboxStatus.STOPPED);
        assertThat(bed.runtime.state(sandbox.id())).isEqualTo(SandboxState.ABSENT);
    }

    @Test
    void reap_pausedForHibernateAfter_stopsItsProcessesAndKeepsItPaused() {
        Sandbox sandbox = bed.running(caller);
        bed.service.pause(caller, sandbox.id().value());
        bed.clock.advance(HIBERNATE_AFTER.minusSeconds(1));
        reaper.reap(bed.clock.instant());
        assertThat(bed.stored(sandbox).hibernated()).isFalse();

        bed.clock.advance(Duration.ofSeconds(1));
        reaper.reap(bed.clock.instant());

        assertThat(bed.stored(sandbox)).extracting(Sandbox::status, Sandbox::hibernated)
                .containsExactly(SandboxStatus.PAUSED, true);
        assertThat(bed.runtime.state(sandbox.id())).isEqualTo(SandboxState.STOPPED);
    }

    @Test
    void reap_hibernatedThenResumed_runsAgainAndCanBePausedLater() {
        Sandbox sandbox = bed.running(caller);
        bed.service.pause(caller, sandbox.id().value());
        bed.clock.advance(HIBERNATE_AFTER);
        reaper.reap(bed.clock.instant());

        bed.service.resume(caller, sandbox.id().value());
        bed.clock.advance(sandbox.idleTimeout());
        reaper.reap(bed.clock.instant());

        assertThat(bed.stored(sandbox)).extracting(Sandbox::status, Sandbox::hibernated)
                .containsExactly(SandboxStatus.PAUSED, false);
        assertThat(bed.runtime.state(sandbox.id())).isEqualTo(SandboxState.PAUSED);
    }

    @Test
    void reap_hibernateAfterZero_neverHibernates() {
        var never = new SandboxReaper(bed.store, bed.service, bed.work, bed.logs, bed.organizations, bed.plans,
                Duration.ZERO);
        Sandbox sandbox = bed.running(caller);
        bed.service.pause(caller, sandbox.id().value());
        bed.clock.advance(Duration.ofHours(3));

        never.reap(bed.clock.instant());

        assertThat(bed.stored(sandbox).hibernated()).isFalse();
        assertThat(bed.runtime.state(sandbox.id())).isEqualTo(SandboxState.PAUSED);
    }

    @Test
    void reap_oneSandboxFailing_stillReapsTheOthers() {
        Sandbox gone = bed.running(caller);
        Sandbox idle = bed.running(caller);
        bed.runtime.simulateVanished(gone.id());
        bed.clock.advance(idle.idleTimeout());

        reaper.reap(bed.clock.instant());

        assertThat(bed.stored(gone).status()).isEqualTo(SandboxStatus.RUNNING);
        assertThat(bed.stored(idle).status()).isEqualTo(SandboxStatus.PAUSED);
    }
}
