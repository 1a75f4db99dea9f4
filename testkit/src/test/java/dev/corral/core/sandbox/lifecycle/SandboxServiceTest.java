package dev.corral.core.sandbox.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.error.FieldProblem;
import dev.corral.core.key.Principal;
import dev.corral.core.org.Tier;
import dev.corral.core.page.Page;
import dev.corral.core.plan.Bandwidth;
import dev.corral.core.page.PageRequest;
import dev.corral.core.sandbox.EgressPolicy;
import dev.corral.core.sandbox.NetworkUsage;
import dev.corral.core.sandbox.RequestedMount;
import dev.corral.core.sandbox.Resources;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.SandboxFilter;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxNetwork;
import dev.corral.core.sandbox.SandboxSpec;
import dev.corral.core.sandbox.SandboxState;
import dev.corral.core.sandbox.SandboxStatus;
import dev.corral.core.sandbox.SandboxTestBed;
import dev.corral.core.sandbox.WorkspaceMount;
import dev.corral.core.workspace.Workspace;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SandboxServiceTest {
    private final SandboxTestBed bed = new SandboxTestBed();
    private final SandboxService service = bed.service;
    private final Principal caller = bed.caller(Tier.FREE);

    @AfterEach
    void close() {
        bed.close();
    }

    @Test
    void create_withDefaults_answersCreatingAndStartsWithTheDocumentedDefaults() {
        Sandbox created = service.create(caller, SandboxTestBed.request());

        assertThat(created.status()).isEqualTo(SandboxStatus.CREATING);
        Sandbox started = service.awaitStarted(created, SandboxTestBed.START);
        assertThat(started.status()).isEqualTo(SandboxStatus.RUNNING);
        assertThat(started.resources()).isEqualTo(Resources.of(2, "1GB", "2GB"));
        assertThat(started.idleTimeout()).isEqualTo(Duration.ofSeconds(600));
        assertThat(bed.runtime.state(created.id())).isEqualTo(SandboxState.RUNNING);
        assertThat(bed.stored(created).status()).isEqualTo(SandboxStatus.RUNNING);
    }

    @Test
    void create_withEnvAndResources_passesThemToTheRuntime() {
        var request = new CreateSandbox("python", Optional.of("box"), List.of("ci"), Map.of("team", "core"),
                Map.of("LANG", "C.UTF-8"), Optional.of(1), Optional.of("512MB"), Optional.of("4GB"),
                Optional.of(60L), Optional.empty(), List.of());

        Sandbox sandbox = bed.running(caller, request);

        SandboxSpec spec = bed.runtime.specOf(sandbox.id()).orElseThrow();
        assertThat(spec.template()).isEqualTo("python");
        assertThat(spec.env()).containsEntry("LANG", "C.UTF-8");
        assertThat(spec.resources()).isEqualTo(Resources.of(1, "512MB", "4GB"));
        assertThat(sandbox.name()).contains("box");
        assertThat(sandbox.tags()).containsExactly("ci");
    }

    @Test
    void create_onTheFreePlan_givesTheRuntimeThePlansBandwidth() {
        Sandbox free = bed.running(caller, SandboxTestBed.request());
        Sandbox team = bed.running(bed.caller(Tier.TEAM), SandboxTestBed.request());

        assertThat(bed.runtime.specOf(free.id()).orElseThrow().bandwidth()).isEqualTo(Bandwidth.ofMegabits(50));
        assertThat(bed.runtime.specOf(team.id()).orElseThrow().bandwidth()).isEqualTo(Bandwidth.ofMegabits(500));
    }

    @Test
    void networkUsage_ofANetworkedSandbox_isWhatTheRuntimeCounted() {
        Sandbox sandbox = bed.running(caller, SandboxTestBed.request());
        bed.runtime.carry(sandbox.id(), new NetworkUsage(300, 20));

        assertThat(service.networkUsage(caller, sandbox)).contains(new NetworkUsage(300, 20));
    }

    @Test
    void networkUsage_ofAnotherOrganizationsSandbox_isNotFound() {
        Sandbox sandbox = bed.running(caller, SandboxTestBed.request());

        assertCode(() -> service.networkUsage(bed.caller(Tier.FREE), sandbox), ErrorCode.NOT_FOUND);
    }

    @Test
    void update_network_isAppliedByTheRuntimeAndStored() {
        Sandbox sandbox = bed.running(caller, SandboxTestBed.request());
        var update = new UpdateSandbox(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(RequestedNetwork.policy(Optional.of("deny"), List.of("peer.test"),
                List.of(), List.of())));

        Sandbox updated = service.update(caller, sandbox.id().value(), update);

        EgressPolicy policy = updated.network().egress().orElseThrow();
        assertThat(policy.allowByDefault()).isFalse();
        assertThat(bed.runtime.networkOf(sandbox.id())).contains(policy);
        assertThat(bed.stored(sandbox).network()).isEqualTo(updated.network());
    }

    @Test
    void update_networkTheRuntimeCannotApply_keepsTheOldPolicyStored() {
        Sandbox sandbox = bed.running(caller, SandboxTestBed.request());
        bed.runtime.failNextNetworkChange("nft refused it");
        var update = new UpdateSandbox(Optional.of("renamed"), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(RequestedNetwork.policy(Optional.of("deny"), List.of(), List.of(),
                List.of())));

        assertCode(() -> service.update(caller, sandbox.id().value(), update), ErrorCode.RUNTIME_UNAVAILABLE);
        assertThat(bed.stored(sandbox).network()).isEqualTo(SandboxNetwork.DEFAULT);
        assertThat(bed.stored(sandbox).name()).isEmpty();
        assertThat(bed.runtime.networkOf(sandbox.id())).contains(EgressPolicy.DEFAULT);
    }

    @Test
    void create_moreThanThePlanAllows_throwsQuotaExceededNamingTheField() {
        var tooManyCpus = new CreateSandbox("base", Optional.empty(), List.of(), Map.of(), Map.of(),
                Optional.of(4), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of());
        var neverIdle = new CreateSandbox("base", Optional.empty(), List.of(), Map.of(), Map.of(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(0L), Optional.empty(), List.of());

        assertThatThrownBy(() -> service.create(caller, tooManyCpus)).isInstanceOfSatisfying(CorralException.class,
                e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
                    assertThat(e.getMessage()).contains("resources.vcpus");
                });
        assertCode(() -> service.create(caller, neverIdle), ErrorCode.QUOTA_EXCEEDED);
        assertThat(bed.store.countActive(caller.organizationId())).isZero();
    }

    @Test
    void create_aHigherTier_mayHaveWhatTheFreeTierMayNot() {
        var fourCpus = new CreateSandbox("base", Optional.empty(), List.of(), Map.of(), Map.of(),
                Optional.of(4), Optional.empty(), Optional.empty(), Optional.of(3600L), Optional.empty(), List.of());

        Sandbox sandbox = bed.running(bed.caller(Tier.ENTERPRISE), fourCpus);

        assertThat(sandbox.resources().vcpus()).isEqualTo(4);
        assertThat(sandbox.idleTimeout()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void create_invalidFields_throwsValidationFailedNamingEveryOne() {
        var request = new CreateSandbox("no-such", Optional.of("sandbox-abcdefabcdef"), List.of(), Map.of(),
                Map.of(), Optional.of(0), Optional.of("lots"), Optional.empty(), Optional.of(-1L), Optional.empty(), List.of());

        assertThatThrownBy(() -> service.create(caller, request)).isInstanceOfSatisfying(CorralException.class,
                e -> assertThat(e.details()).extracting(FieldProblem::field).containsExactlyInAnyOrder("template",
                        "name", "resources.vcpus", "resources.memory", "idleTimeout"));
    }

    @Test
    void create_pastTheConcurrentLimit_throwsQuotaExceededCountingSandboxesStillCreating() {
        bed.runtime.holdCreates();
        for (int i = 0; i < 5; i++) {
            service.create(caller, SandboxTestBed.request());
        }

        assertCode(() -> service.create(caller, SandboxTestBed.request()), ErrorCode.QUOTA_EXCEEDED);
        bed.runtime.releaseCreates();
    }

    @Test
    void create_afterADelete_hasTheFreedSlot() {
        List<Sandbox> five = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            five.add(bed.running(caller));
        }

        service.delete(caller, five.getFirst().id().value());

        assertThat(bed.running(caller).status()).isEqualTo(SandboxStatus.RUNNING);
    }

    @Test
    void create_racingForTheLastSlot_letsExactlyOneIn() throws Exception {
        for (int i = 0; i < 4; i++) {
            bed.running(caller);
        }
        var refused = new AtomicInteger();
        Callable<Void> attempt = () -> {
            try {
                service.create(caller, SandboxTestBed.request());
            } catch (CorralException e) {
                assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
                refused.incrementAndGet();
            }
            return null;
        };

        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Void>> attempts = threads.invokeAll(List.of(attempt, attempt, attempt, attempt, attempt,
                    attempt, attempt, attempt));
            for (Future<Void> done : attempts) {
                done.get();
            }
        }

        assertThat(refused).hasValue(7);
        assertThat(bed.store.countActive(caller.organizationId())).isEqualTo(5);
    }

    @Test
    void create_whenTheRuntimeFails_endsFailedWithTheReason() {
        bed.runtime.failNextCreate("no loop device left");

        Sandbox sandbox = bed.running(caller);

        assertThat(sandbox.status()).isEqualTo(SandboxStatus.FAILED);
        assertThat(sandbox.error()).get().asString().contains("no loop device left");
        assertThat(bed.store.countActive(caller.organizationId())).isZero();
    }

    @Test
    void create_mountingAFreeFormId_makesTheWorkspaceAndMountsIt() {
        var request = new CreateSandbox("base", Optional.empty(), List.of(), Map.of(), Map.of(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(new RequestedMount("my-data", "/data/", true)));

        Sandbox sandbox = bed.running(caller, request);

        Workspace made = bed.workspaces.get(caller, "my-data");
        assertThat(sandbox.mounts()).containsExactly(new WorkspaceMount(made.id(), "/data", true, "my-data"));
        assertThat(bed.runtime.specOf(sandbox.id()).orElseThrow().mounts()).isEqualTo(sandbox.mounts());
        assertThat(bed.workspaces.mountedBy(made)).containsExactly(sandbox.id().value());
    }

    @Test
    void awaitStarted_whileTheRuntimeHoldsTheCreate_returnsItCreatingThenRunning() {
        bed.runtime.holdCreates();
        Sandbox created = service.create(caller, SandboxTestBed.request());

        assertThat(service.awaitStarted(created, Duration.ofMillis(1)).status()).isEqualTo(SandboxStatus.CREATING);
        bed.runtime.releaseCreates();

        assertThat(service.awaitStarted(created, SandboxTestBed.START).status()).isEqualTo(SandboxStatus.RUNNING);
    }

    @Test
    void get_byIdOrByName_findsTheSandbox() {
        Sandbox sandbox = bed.running(caller, SandboxTestBed.named("web"));

        assertThat(service.get(caller, sandbox.id().value()).id()).isEqualTo(sandbox.id());
        assertThat(service.get(caller, "web").id()).isEqualTo(sandbox.id());
    }

    @Test
    void get_anotherOrganizationsSandbox_throwsNotFoundByIdAndByName() {
        Sandbox theirs = bed.running(bed.caller(Tier.FREE), SandboxTestBed.named("web"));

        assertCode(() -> service.get(caller, theirs.id().value()), ErrorCode.NOT_FOUND);
        assertCode(() -> service.get(caller, "web"), ErrorCode.NOT_FOUND);
        assertCode(() -> service.delete(caller, theirs.id().value()), ErrorCode.NOT_FOUND);
        assertCode(() -> service.pause(caller, theirs.id().value()), ErrorCode.NOT_FOUND);
        assertThat(bed.runtime.state(theirs.id())).isEqualTo(SandboxState.RUNNING);
    }

    @Test
    void list_tagFilterInPages_walksTheMatchesNewestFirst() {
        List<Sandbox> tagged = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            tagged.add(bed.running(caller, SandboxTestBed.named("ci-" + i, "ci")));
            bed.clock.advance(Duration.ofSeconds(1));
        }
        bed.running(caller, SandboxTestBed.named("other"));
        var ci = new SandboxFilter(Set.of(), List.of("ci"), Optional.empty(), Map.of());

        Page<Sandbox> first = service.list(caller, ci, PageRequest.first(2));
        Page<Sandbox> second = service.list(caller, ci, new PageRequest(2, first.next()));

        assertThat(first.items()).extracting(Sandbox::id).containsExactly(tagged.get(2).id(), tagged.get(1).id());
        assertThat(second.items()).extracting(Sandbox::id).containsExactly(tagged.get(0).id());
        assertThat(second.hasMore()).isFalse();
    }

    @Test
    void pause_thenResume_changesStoreAndRuntimeAndTwiceChangesNothing() {
        Sandbox sandbox = bed.running(caller);
        bed.clock.advance(Duration.ofMinutes(1));

        Sandbox paused = service.pause(caller, sandbox.id().value());
        service.pause(caller, sandbox.id().value());

        assertThat(paused.status()).isEqualTo(SandboxStatus.PAUSED);
        assertThat(paused.pausedAt()).contains(bed.clock.instant());
        assertThat(bed.runtime.state(sandbox.id())).isEqualTo(SandboxState.PAUSED);

        Sandbox resumed = service.resume(caller, sandbox.id().value());
        service.resume(caller, sandbox.id().value());

        assertThat(resumed.status()).isEqualTo(SandboxStatus.RUNNING);
        assertThat(bed.stored(sandbox).pausedAt()).isEmpty();
        assertThat(bed.runtime.state(sandbox.id())).isEqualTo(SandboxState.RUNNING);
    }

    @Test
    void pauseAndResume_deletedSandbox_throwInvalidState() {
        Sandbox sandbox = bed.running(caller);
        service.delete(caller, sandbox.id().value());

        assertCode(() -> service.pause(caller, sandbox.id().value()), ErrorCode.INVALID_STATE);
        assertCode(() -> service.resume(caller, sandbox.id().value()), ErrorCode.INVALID_STATE);
    }

    @Test
    void delete_runningSandbox_destroysItAndKeepsTheRecordStopped() {
        Sandbox sandbox = bed.running(caller, SandboxTestBed.named("web"));

        Sandbox deleted = service.delete(caller, "web");
        Sandbox again = service.delete(caller, sandbox.id().value());

        assertThat(deleted.status()).isEqualTo(SandboxStatus.STOPPED);
        assertThat(again.stoppedAt()).isEqualTo(deleted.stoppedAt());
        assertThat(bed.runtime.state(sandbox.id())).isEqualTo(SandboxState.ABSENT);
        assertThat(bed.running(caller, SandboxTestBed.named("web")).id()).isNotEqualTo(sandbox.id());
    }

    @Test
    void delete_runtimeFailsToDestroy_keepsTheSandboxAsItWasForAnotherTry() {
        Sandbox sandbox = bed.running(caller);
        bed.runtime.failNextDestroy("runc is gone");

        assertCode(() -> service.delete(caller, sandbox.id().value()), ErrorCode.RUNTIME_UNAVAILABLE);

        assertThat(bed.stored(sandbox).status()).isEqualTo(SandboxStatus.RUNNING);
        assertThat(service.delete(caller, sandbox.id().value()).status()).isEqualTo(SandboxStatus.STOPPED);
        assertThat(bed.runtime.state(sandbox.id())).isEqualTo(SandboxState.ABSENT);
    }

    @Test
    void delete_pausedSandbox_destroysIt() {
        Sandbox sandbox = bed.running(caller);
        service.pause(caller, sandbox.id().value());

        service.delete(caller, sandbox.id().value());

        assertThat(bed.runtime.state(sandbox.id())).isEqualTo(SandboxState.ABSENT);
        assertThat(bed.stored(sandbox).status()).isEqualTo(SandboxStatus.STOPPED);
    }

    @Test
    void ensureRunning_pausedSandbox_resumesItAndRecordsTheActivity() {
        Sandbox sandbox = bed.running(caller);
        service.pause(caller, sandbox.id().value());
        bed.clock.advance(Duration.ofMinutes(3));

        Sandbox running = service.ensureRunning(caller, sandbox.id().value());

        assertThat(running.status()).isEqualTo(SandboxStatus.RUNNING);
        assertThat(bed.runtime.state(sandbox.id())).isEqualTo(SandboxState.RUNNING);
        assertThat(bed.stored(sandbox).lastActivity()).isEqualTo(bed.clock.instant());
    }

    @Test
    void recordActivity_againWithinAQuarterSecond_isNotWrittenAgain() {
        Sandbox sandbox = bed.running(caller);
        service.recordActivity(sandbox.id());
        Instant first = bed.clock.instant();

        bed.clock.advance(Duration.ofMillis(200));
        service.recordActivity(sandbox.id());
        Instant kept = bed.stored(sandbox).lastActivity();
        bed.clock.advance(Duration.ofMillis(50));
        service.recordActivity(sandbox.id());

        assertThat(kept).isEqualTo(first);
        assertThat(bed.stored(sandbox).lastActivity()).isEqualTo(bed.clock.instant());
    }

    @Test
    void ensureRunning_failedSandbox_throwsInvalidStateWithTheReason() {
        bed.runtime.failNextCreate("disk full");
        Sandbox failed = bed.running(caller);

        assertThatThrownBy(() -> service.ensureRunning(caller, failed.id().value()))
                .isInstanceOfSatisfying(CorralException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_STATE);
                    assertThat(e.getMessage()).contains("disk full");
                });
    }

    @Test
    void reconcile_afterACrash_settlesEveryDifferenceAndRemovesStrays() {
        Sandbox vanished = bed.running(caller);
        Sandbox pausedBehindOurBack = bed.running(caller);
        Sandbox initDied = bed.running(caller);
        Principal pro = bed.caller(Tier.PRO);
        Sandbox hibernated = bed.running(pro);
        service.pause(pro, hibernated.id().value());
        bed.store.update(bed.stored(hibernated).asHibernated());
        bed.runtime.stop(hibernated.id());
        bed.runtime.simulateVanished(vanished.id());
        bed.runtime.pause(pausedBehindOurBack.id());
        bed.runtime.simulateInitDied(initDied.id());
        SandboxId stray = SandboxId.random();
        bed.runtime.simulateStray(stray, SandboxState.RUNNING);

        service.reconcile();
        service.reconcile();

        assertThat(bed.stored(vanished).status()).isEqualTo(SandboxStatus.FAILED);
        assertThat(bed.stored(pausedBehindOurBack).status()).isEqualTo(SandboxStatus.PAUSED);
        assertThat(bed.stored(initDied).status()).isEqualTo(SandboxStatus.RUNNING);
        assertThat(bed.runtime.state(initDied.id())).isEqualTo(SandboxState.RUNNING);
        assertThat(bed.stored(hibernated)).extracting(Sandbox::status, Sandbox::hibernated)
                .containsExactly(SandboxStatus.PAUSED, true);
        assertThat(bed.runtime.state(hibernated.id())).isEqualTo(SandboxState.STOPPED);
        assertThat(bed.runtime.state(stray)).isEqualTo(SandboxState.ABSENT);
    }

    @Test
    void reconcile_aStoppedSandboxThatWillNotStart_marksItFailed() {
        Sandbox sandbox = bed.running(caller);
        bed.runtime.simulateInitDied(sandbox.id());
        bed.runtime.failNextStart("the disk image is corrupt");

        service.reconcile();

        assertThat(bed.stored(sandbox).status()).isEqualTo(SandboxStatus.FAILED);
        assertThat(bed.stored(sandbox).error()).get().asString().contains("the disk image is corrupt");
    }

    @Test
    void resume_hibernatedSandbox_startsItAgainOnItsDisk() {
        Principal pro = bed.caller(Tier.PRO);
        Sandbox sandbox = bed.running(pro);
        service.pause(pro, sandbox.id().value());
        bed.store.update(bed.stored(sandbox).asHibernated());
        bed.runtime.stop(sandbox.id());

        Sandbox resumed = service.resume(pro, sandbox.id().value());

        assertThat(resumed.status()).isEqualTo(SandboxStatus.RUNNING);
        assertThat(resumed.hibernated()).isFalse();
        assertThat(bed.runtime.state(sandbox.id())).isEqualTo(SandboxState.RUNNING);
    }

    private static void assertCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.code())
                .isEqualTo(code));
    }
}
