package dev.corral.core.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.key.Principal;
import dev.corral.core.org.Tier;
import dev.corral.core.plan.EnterpriseLimits;
import dev.corral.core.plan.Plans;
import dev.corral.core.sandbox.Resources;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxStatus;
import dev.corral.core.sandbox.WorkspaceMount;
import dev.corral.core.workspace.files.TreeSize;
import dev.corral.core.workspace.files.WorkspacePath;
import dev.corral.testkit.ManualClock;
import dev.corral.testkit.fake.InMemorySandboxStore;
import dev.corral.testkit.fake.InMemoryWorkspaceStore;
import dev.corral.testkit.fake.InMemoryWorkspaceVolumes;
import dev.corral.testkit.fake.Principals;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class WorkspaceServiceTest {
    private static final long GB = 1L << 30;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final InMemoryWorkspaceStore store = new InMemoryWorkspaceStore();
    private final InMemoryWorkspaceVolumes volumes = new InMemoryWorkspaceVolumes(clock);
    private final InMemorySandboxStore sandboxes = new InMemorySandboxStore();
    private final WorkspaceService service = new WorkspaceService(store, volumes, sandboxes::sandboxesMounting,
            Plans.defaults(6000, 1000), clock);
    /** Free: 10 GB of workspace storage. */
    private final Principal caller = Principals.inNewOrganization(Tier.FREE);

    @Test
    void create_withDefaults_makesTheSlugFromTheNameAndAVolumeOfTheDefaultQuota() {
        Workspace workspace = service.create(caller, "  My Data Set ", Optional.empty(), Optional.empty());

        assertThat(workspace.name()).isEqualTo("My Data Set");
        assertThat(workspace.slug()).isEqualTo("my-data-set");
        assertThat(workspace.quotaBytes()).isEqualTo(WorkspaceService.DEFAULT_QUOTA_BYTES);
        assertThat(volumes.quotaOf(workspace.id())).contains(WorkspaceService.DEFAULT_QUOTA_BYTES);
        assertThat(service.get(caller, "my-data-set")).isEqualTo(workspace);
        assertThat(service.get(caller, workspace.id().toString())).isEqualTo(workspace);
    }

    @Test
    void create_takenSlug_throwsConflictAndMakesNoVolume() {
        service.create(caller, "Data", Optional.of("data"), Optional.empty());

        assertCode(() -> service.create(caller, "Other", Optional.of("data"), Optional.empty()), ErrorCode.CONFLICT);
        assertThat(service.storage(caller).allocatedBytes()).isEqualTo(WorkspaceService.DEFAULT_QUOTA_BYTES);
    }

    @Test
    void create_sameSlugInAnotherOrganization_isAllowed() {
        service.create(caller, "Data", Optional.empty(), Optional.empty());

        Workspace theirs = service.create(Principals.inNewOrganization(Tier.FREE), "Data", Optional.empty(),
                Optional.empty());

        assertThat(theirs.slug()).isEqualTo("data");
    }

    @Test
    void create_invalidNameSlugOrQuota_throwsValidationFailed() {
        assertCode(() -> service.create(caller, " ", Optional.empty(), Optional.empty()),
                ErrorCode.VALIDATION_FAILED);
        assertCode(() -> service.create(caller, "x".repeat(101), Optional.empty(), Optional.empty()),
                ErrorCode.VALIDATION_FAILED);
        assertCode(() -> service.create(caller, "Data", Optional.of("Not A Slug"), Optional.empty()),
                ErrorCode.VALIDATION_FAILED);
        assertCode(() -> service.create(caller, "Data", Optional.empty(), Optional.of(0L)),
                ErrorCode.VALIDATION_FAILED);
    }

    @Test
    void create_quotasAddingUpPastThePlansStorage_throwsQuotaExceeded() {
        service.create(caller, "Big", Optional.empty(), Optional.of(9 * GB));

        assertCode(() -> service.create(caller, "More", Optional.empty(), Optional.of(2 * GB)),
                ErrorCode.QUOTA_EXCEEDED);
        Workspace exact = service.create(caller, "Rest", Optional.empty(), Optional.of(GB));

        assertThat(exact.quotaBytes()).isEqualTo(GB);
        assertThat(service.storage(caller)).isEqualTo(new WorkspaceService.Storage(10 * GB, 10 * GB));
    }

    @Test
    void create_enterprise_mayHaveWhatItsConfiguredStorageHolds() {
        Principal enterprise = Principals.inNewOrganization(Tier.ENTERPRISE);

        service.create(enterprise, "Huge", Optional.empty(), Optional.of(1000 * GB));

        assertThat(service.storage(enterprise).storageBytes())
                .isEqualTo(EnterpriseLimits.DEFAULTS.maxStorageBytes());
    }

    @Test
    void get_anotherOrganizationsWorkspace_throwsNotFoundByIdAndBySlug() {
        Workspace theirs = service.create(Principals.inNewOrganization(Tier.FREE), "Theirs", Optional.empty(),
                Optional.empty());

        assertCode(() -> service.get(caller, theirs.id().toString()), ErrorCode.NOT_FOUND);
        assertCode(() -> service.get(caller, "theirs"), ErrorCode.NOT_FOUND);
        assertCode(() -> service.delete(caller, "theirs", true), ErrorCode.NOT_FOUND);
        assertThat(volumes.quotaOf(theirs.id())).isPresent();
    }

    @Test
    void resolveForMount_freeFormId_makesTheWorkspaceOnceWithTheDefaultQuota() {
        WorkspaceId first = service.resolveForMount(caller, "mounts[0].workspaceId", "scratch");
        WorkspaceId again = service.resolveForMount(caller, "mounts[0].workspaceId", "scratch");

        assertThat(again).isEqualTo(first);
        assertThat(service.get(caller, "scratch").quotaBytes()).isEqualTo(WorkspaceService.DEFAULT_QUOTA_BYTES);
    }

    @Test
    void resolveForMount_existingSlugOrId_findsIt() {
        Workspace workspace = service.create(caller, "Data", Optional.empty(), Optional.empty());

        assertThat(service.resolveForMount(caller, "f", "data")).isEqualTo(workspace.id());
        assertThat(service.resolveForMount(caller, "f", workspace.id().toString())).isEqualTo(workspace.id());
    }

    @Test
    void resolveForMount_unknownUuidOrNoSlug_throwsNotFoundOrValidationFailedNamingTheField() {
        assertCode(() -> service.resolveForMount(caller, "f", WorkspaceId.random().toString()),
                ErrorCode.NOT_FOUND);
        assertThatThrownBy(() -> service.resolveForMount(caller, "mounts[2].workspaceId", "Not/A Slug"))
                .isInstanceOfSatisfying(CorralException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
                    assertThat(e.details().getFirst().field()).isEqualTo("mounts[2].workspaceId");
                });
    }

    @Test
    void update_nameAndQuota_resizesTheVolumeAndKeepsTheSlug() {
        Workspace workspace = service.create(caller, "Data", Optional.empty(), Optional.empty());
        clock.advance(Duration.ofMinutes(1));

        Workspace updated = service.update(caller, "data", Optional.of("Renamed"), Optional.of(2 * GB));

        assertThat(updated.name()).isEqualTo("Renamed");
        assertThat(updated.slug()).isEqualTo("data");
        assertThat(updated.updatedAt()).isEqualTo(clock.instant());
        assertThat(volumes.quotaOf(workspace.id())).contains(2 * GB);
        assertThat(service.get(caller, "data")).isEqualTo(updated);
    }

    @Test
    void update_quotaPastThePlansStorage_throwsQuotaExceededCountingTheOldQuotaOnce() {
        service.create(caller, "Data", Optional.empty(), Optional.of(4 * GB));
        service.create(caller, "Other", Optional.empty(), Optional.of(4 * GB));

        Workspace grown = service.update(caller, "data", Optional.empty(), Optional.of(6 * GB));

        assertThat(grown.quotaBytes()).isEqualTo(6 * GB);
        assertCode(() -> service.update(caller, "data", Optional.empty(), Optional.of(6 * GB + 1)),
                ErrorCode.QUOTA_EXCEEDED);
    }

    @Test
    void update_quotaWhileASandboxMountsIt_throwsInvalidStateButARenameWorks() {
        Workspace workspace = service.create(caller, "Data", Optional.empty(), Optional.empty());
        mountedBy(workspace, SandboxStatus.RUNNING);

        assertCode(() -> service.update(caller, "data", Optional.empty(), Optional.of(2 * GB)),
                ErrorCode.INVALID_STATE);
        assertThat(service.update(caller, "data", Optional.of("Renamed"), Optional.empty()).name())
                .isEqualTo("Renamed");
    }

    @Test
    void update_quotaBelowWhatTheFilesTake_throwsInvalidState() {
        Workspace workspace = service.create(caller, "Data", Optional.empty(), Optional.of(100L));
        service.files(workspace).write(WorkspacePath.parse("path", "/f"), new ByteArrayInputStream(new byte[60]),
                false);

        assertCode(() -> service.update(caller, "data", Optional.empty(), Optional.of(50L)), ErrorCode.INVALID_STATE);
        assertThat(service.usage(workspace)).isEqualTo(new TreeSize(60, 1));
        assertThat(volumes.quotaOf(workspace.id())).contains(100L);
    }

    @Test
    void delete_mountedByARunningSandbox_isInvalidStateNamingItUnlessForced() {
        Workspace workspace = service.create(caller, "Data", Optional.empty(), Optional.empty());
        Sandbox user = mountedBy(workspace, SandboxStatus.PAUSED);

        assertThatThrownBy(() -> service.delete(caller, "data", false))
                .isInstanceOfSatisfying(CorralException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_STATE);
                    assertThat(e.getMessage()).contains(user.id().value());
                });
        service.delete(caller, "data", true);

        assertThat(volumes.quotaOf(workspace.id())).isEmpty();
        assertCode(() -> service.get(caller, "data"), ErrorCode.NOT_FOUND);
        assertThat(service.storage(caller).allocatedBytes()).isZero();
    }

    @Test
    void delete_mountedOnlyByStoppedSandboxes_deletesWithoutForce() {
        Workspace workspace = service.create(caller, "Data", Optional.empty(), Optional.empty());
        mountedBy(workspace, SandboxStatus.STOPPED);

        service.delete(caller, "data", false);

        assertThat(volumes.quotaOf(workspace.id())).isEmpty();
    }

    @Test
    void attachAll_aVolumeMissing_reportsItAndAttachesTheRest() {
        Workspace kept = service.create(caller, "Kept", Optional.empty(), Optional.empty());
        Workspace lost = service.create(caller, "Lost", Optional.empty(), Optional.empty());
        volumes.delete(lost.id());

        List<String> problems = service.attachAll();

        assertThat(problems).singleElement().asString().startsWith(lost.id().toString());
        assertThat(volumes.quotaOf(kept.id())).isPresent();
    }

    /** A sandbox of the caller's organization in {@code status} that mounts {@code workspace}. */
    private Sandbox mountedBy(Workspace workspace, SandboxStatus status) {
        Instant now = clock.instant();
        var sandbox = new Sandbox(SandboxId.random(), caller.organizationId(), Optional.empty(), "base", status,
                List.of(), Map.of(), Map.of(), List.of(new WorkspaceMount(workspace.id(), "/data", false,
                workspace.slug())), Resources.of(1, "512MB", "1GB"), Duration.ofMinutes(10), Duration.ofHours(1),
                Optional.empty(), now, now,
                Optional.empty(), Optional.empty(), false);
        sandboxes.insert(sandbox);
        return sandbox;
    }

    private static void assertCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.code())
                .isEqualTo(code));
    }
}
