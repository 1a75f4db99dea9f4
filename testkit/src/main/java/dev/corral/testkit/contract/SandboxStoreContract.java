package dev.corral.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.id.RandomIds;
import dev.corral.core.org.Organization;
import dev.corral.core.org.OrganizationId;
import dev.corral.core.org.OrganizationStore;
import dev.corral.core.org.Tier;
import dev.corral.core.page.Cursor;
import dev.corral.core.page.Page;
import dev.corral.core.page.PageRequest;
import dev.corral.core.sandbox.Resources;
import dev.corral.core.sandbox.DomainRule;
import dev.corral.core.sandbox.EgressPolicy;
import dev.corral.core.sandbox.Ipv4Subnet;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.SandboxFilter;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxNetwork;
import dev.corral.core.sandbox.SandboxStatus;
import dev.corral.core.sandbox.WorkspaceMount;
import dev.corral.core.workspace.WorkspaceId;
import dev.corral.core.sandbox.SandboxStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link SandboxStore} must have: subclass it, supply the store and the organization store its
 * sandboxes' organizations live in, and the tests run against them. Every test works in organizations of its own,
 * so subclasses may share one database between tests. Stores keep instants to the millisecond and idle timeouts to
 * the second, so the tests use nothing finer.
 */
public abstract class SandboxStoreContract {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private SandboxStore store;
    private OrganizationStore organizations;
    private OrganizationId org;

    /** The store to test; called before each test. */
    protected abstract SandboxStore newStore();

    /** Where the organizations sandboxes belong to are made; called before each test, after {@link #newStore()}. */
    protected abstract OrganizationStore organizationStore();

    @BeforeEach
    void createStore() {
        store = newStore();
        organizations = organizationStore();
        org = newOrganization();
    }

    @Test
    void insert_fullSandbox_findReturnsEveryField() {
        var sandbox = new Sandbox(SandboxId.random(), org, Optional.of("build-box"), "python", SandboxStatus.FAILED,
                List.of("zeta", "alpha", "mid"), Map.of("team", "core", "ticket", "CR-7"),
                Map.of("LANG", "C.UTF-8", "EMPTY", "", "QUOTED", "a 'b' \"c\"=d"),
                List.of(new WorkspaceMount(WorkspaceId.random(), "/data", true),
                        new WorkspaceMount(WorkspaceId.random(), "/workspace", false, "my-data")),
                new Resources(4, 8L << 30, 20L << 30, 1024), Duration.ofMinutes(15), Duration.ofHours(2),
                Optional.of("out of disk"),
                T0, T0.plusMillis(1), Optional.of(T0.plusMillis(2)), Optional.of(T0.plusMillis(3)), true,
                SandboxNetwork.DEFAULT);

        store.insert(sandbox);

        assertThat(store.find(org, sandbox.id())).contains(sandbox);
    }

    @Test
    void sandboxesMounting_listsActiveSandboxesOfTheOrganizationOnly() {
        var workspace = WorkspaceId.random();
        var mount = new WorkspaceMount(workspace, "/data", false);
        Sandbox running = new Draft(org, T0).status(SandboxStatus.RUNNING).mounts(mount).build();
        Sandbox paused = new Draft(org, T0).status(SandboxStatus.PAUSED).mounts(new WorkspaceMount(WorkspaceId.random(), "/a",
                true), new WorkspaceMount(workspace, "/b", true)).build();
        for (Sandbox sandbox : List.of(running, paused, new Draft(org, T0).status(SandboxStatus.STOPPED).mounts(mount).build(),
                new Draft(org, T0).status(SandboxStatus.RUNNING).build())) {
            store.insert(sandbox);
        }

        assertThat(store.sandboxesMounting(org, workspace))
                .containsExactlyInAnyOrder(running.id().value(), paused.id().value());
        assertThat(store.sandboxesMounting(newOrganization(), workspace)).isEmpty();
    }

    @Test
    void insert_minimalSandbox_findReturnsItWithNothingOptional() {
        Sandbox sandbox = new Draft(org, T0).idleTimeout(Duration.ZERO).build();

        store.insert(sandbox);

        assertThat(store.find(org, sandbox.id())).contains(sandbox);
    }

    @Test
    void insert_duplicateLiveName_throwsConflictAndKeepsFirst() {
        Sandbox first = insert(new Draft(org, T0).name("web"));
        Sandbox second = new Draft(org, T0.plusSeconds(1)).name("web").status(SandboxStatus.CREATING)
                .tags("other").build();

        assertThatThrownBy(() -> store.insert(second))
                .isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
        assertThat(store.find(org, second.id())).isEmpty();
        assertThat(store.findByName(org, "web")).contains(first);
    }

    @Test
    void insert_nameOfStoppedSandbox_succeeds() {
        Sandbox first = insert(new Draft(org, T0).name("web"));
        store.update(first.stopped(T0.plusSeconds(1)));
        Sandbox second = new Draft(org, T0.plusSeconds(2)).name("web").build();

        store.insert(second);

        assertThat(store.findByName(org, "web")).contains(second);
    }

    @Test
    void insert_nameLiveInOtherOrganization_succeeds() {
        insert(new Draft(newOrganization(), T0).name("web"));
        Sandbox own = new Draft(org, T0).name("web").build();

        store.insert(own);

        assertThat(store.findByName(org, "web")).contains(own);
    }

    @Test
    void find_unknownId_isEmpty() {
        assertThat(store.find(org, SandboxId.random())).isEmpty();
    }

    @Test
    void find_otherOrganizationsSandbox_isEmpty() {
        Sandbox sandbox = insert(new Draft(org, T0));

        assertThat(store.find(newOrganization(), sandbox.id())).isEmpty();
    }

    @Test
    void findByName_newerEndedNamesakes_returnsLiveOne() {
        Sandbox live = insert(new Draft(org, T0).name("web").status(SandboxStatus.PAUSED));
        insert(new Draft(org, T0.plusSeconds(1)).name("web").status(SandboxStatus.STOPPED));
        insert(new Draft(org, T0.plusSeconds(2)).name("web").status(SandboxStatus.FAILED));

        assertThat(store.findByName(org, "web")).contains(live);
    }

    @Test
    void findByName_onlyEndedNamesakes_isEmpty() {
        insert(new Draft(org, T0).name("web").status(SandboxStatus.STOPPED));
        insert(new Draft(org, T0).name("web").status(SandboxStatus.FAILED));

        assertThat(store.findByName(org, "web")).isEmpty();
    }

    @Test
    void findByName_otherOrganizationsName_isEmpty() {
        insert(new Draft(newOrganization(), T0).name("web"));

        assertThat(store.findByName(org, "web")).isEmpty();
    }

    @Test
    void list_noFilter_showsEveryStatusButStopped() {
        Map<SandboxStatus, Sandbox> byStatus = oneOfEachStatus();

        assertThat(list(SandboxFilter.none())).containsExactly(byStatus.get(SandboxStatus.FAILED),
                byStatus.get(SandboxStatus.PAUSED), byStatus.get(SandboxStatus.RUNNING),
                byStatus.get(SandboxStatus.CREATING));
    }

    @Test
    void list_statusFilter_showsAnyOfTheStatuses() {
        Map<SandboxStatus, Sandbox> byStatus = oneOfEachStatus();

        assertThat(list(filter(Set.of(SandboxStatus.STOPPED, SandboxStatus.RUNNING), List.of(), Optional.empty(),
                Map.of()))).containsExactly(byStatus.get(SandboxStatus.STOPPED), byStatus.get(SandboxStatus.RUNNING));
    }

    @Test
    void list_tagFilter_showsSandboxesWithEveryTag() {
        Sandbox both = insert(new Draft(org, T0).tags("gpu", "ci"));
        insert(new Draft(org, T0.plusSeconds(1)).tags("ci"));
        Sandbox more = insert(new Draft(org, T0.plusSeconds(2)).tags("ci", "nightly", "gpu"));
        insert(new Draft(org, T0.plusSeconds(3)));

        assertThat(list(filter(Set.of(), List.of("gpu", "ci"), Optional.empty(), Map.of())))
                .containsExactly(more, both);
    }

    @Test
    void list_templateFilter_showsThatTemplateOnly() {
        Sandbox python = insert(new Draft(org, T0).template("python"));
        insert(new Draft(org, T0.plusSeconds(1)).template("base"));
        insert(new Draft(org, T0.plusSeconds(2)).template("python-3"));

        assertThat(list(filter(Set.of(), List.of(), Optional.of("python"), Map.of()))).containsExactly(python);
    }

    @Test
    void list_metadataFilter_showsSandboxesWithEveryPair() {
        Sandbox match = insert(new Draft(org, T0).metadata(Map.of("env", "prod", "team", "core", "extra", "x")));
        insert(new Draft(org, T0.plusSeconds(1)).metadata(Map.of("env", "prod")));
        insert(new Draft(org, T0.plusSeconds(2)).metadata(Map.of("env", "prod", "team", "web")));
        insert(new Draft(org, T0.plusSeconds(3)).metadata(Map.of("env", "dev", "team", "core")));

        assertThat(list(filter(Set.of(), List.of(), Optional.empty(), Map.of("env", "prod", "team", "core"))))
                .containsExactly(match);
    }

    @Test
    void list_everyFilterAtOnce_showsSandboxesMatchingAll() {
        Sandbox match = insert(new Draft(org, T0).status(SandboxStatus.PAUSED).template("node").tags("ci")
                .metadata(Map.of("env", "prod")));
        insert(new Draft(org, T0).status(SandboxStatus.RUNNING).template("node").tags("ci")
                .metadata(Map.of("env", "prod")));
        insert(new Draft(org, T0).status(SandboxStatus.PAUSED).template("base").tags("ci")
                .metadata(Map.of("env", "prod")));
        insert(new Draft(org, T0).status(SandboxStatus.PAUSED).template("node").metadata(Map.of("env", "prod")));
        insert(new Draft(org, T0).status(SandboxStatus.PAUSED).template("node").tags("ci"));

        assertThat(list(filter(Set.of(SandboxStatus.PAUSED), List.of("ci"), Optional.of("node"),
                Map.of("env", "prod")))).containsExactly(match);
    }

    @Test
    void list_otherOrganizationsSandboxes_areNotListed() {
        Sandbox own = insert(new Draft(org, T0));
        insert(new Draft(newOrganization(), T0));

        assertThat(list(SandboxFilter.none())).containsExactly(own);
    }

    @Test
    void list_manySandboxes_walksEveryOneExactlyOnceNewestFirst() {
        List<Sandbox> sandboxes = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            // Five sandboxes share each creation time, so pages of 7 end inside a tie that only the id can break.
            sandboxes.add(new Draft(org, T0.plusSeconds(i / 5)).tags("t" + i).build());
        }
        List<Sandbox> insertionOrder = new ArrayList<>(sandboxes);
        Collections.shuffle(insertionOrder, new Random(7));
        insertionOrder.forEach(store::insert);
        insert(new Draft(newOrganization(), T0.plusSeconds(2)));

        List<Page<Sandbox>> pages = walk(SandboxFilter.none(), 7);

        assertThat(pages).extracting(page -> page.items().size()).containsExactly(7, 7, 7, 4);
        assertThat(pages.stream().flatMap(page -> page.items().stream()))
                .containsExactlyElementsOf(newestFirst(sandboxes));
    }

    @Test
    void list_filteredManyPages_walksMatchesOnly() {
        List<Sandbox> tagged = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Draft draft = new Draft(org, T0.plusSeconds(i / 3));
            if (i % 2 == 0) {
                tagged.add(insert(draft.tags("even")));
            } else {
                insert(draft);
            }
        }

        List<Page<Sandbox>> pages = walk(filter(Set.of(), List.of("even"), Optional.empty(), Map.of()), 4);

        assertThat(pages).extracting(page -> page.items().size()).containsExactly(4, 2);
        assertThat(pages.stream().flatMap(page -> page.items().stream()))
                .containsExactlyElementsOf(newestFirst(tagged));
    }

    @Test
    void list_exactlyOnePage_hasNoNextCursor() {
        for (int i = 0; i < 3; i++) {
            insert(new Draft(org, T0.plusSeconds(i)));
        }

        Page<Sandbox> page = store.list(org, SandboxFilter.none(), PageRequest.first(3));

        assertThat(page.items()).hasSize(3);
        assertThat(page.next()).isEmpty();
    }

    @Test
    void countActive_everyStatus_countsCreatingRunningAndPaused() {
        oneOfEachStatus();
        insert(new Draft(newOrganization(), T0));

        assertThat(store.countActive(org)).isEqualTo(3);
    }

    @Test
    void countActive_organizationWithoutSandboxes_isZero() {
        assertThat(store.countActive(org)).isZero();
    }

    @Test
    void countAllActive_severalOrganizations_countsActiveSandboxesOfAll() {
        int before = store.countAllActive();
        oneOfEachStatus();
        OrganizationId other = newOrganization();
        insert(new Draft(other, T0));
        insert(new Draft(other, T0).status(SandboxStatus.STOPPED));

        assertThat(store.countAllActive()).isEqualTo(before + 4);
    }

    @Test
    void listActive_severalOrganizations_returnsActiveSandboxesOfAll() {
        Map<SandboxStatus, Sandbox> own = oneOfEachStatus();
        OrganizationId other = newOrganization();
        Sandbox othersRunning = insert(new Draft(other, T0).tags("x").metadata(Map.of("k", "v")));
        Sandbox othersStopped = insert(new Draft(other, T0).status(SandboxStatus.STOPPED));

        List<Sandbox> active = store.listActive();

        assertThat(active).contains(own.get(SandboxStatus.CREATING), own.get(SandboxStatus.RUNNING),
                own.get(SandboxStatus.PAUSED), othersRunning);
        assertThat(active).doesNotContain(own.get(SandboxStatus.STOPPED), own.get(SandboxStatus.FAILED),
                othersStopped);
    }

    @Test
    void update_everyFieldChanged_replacesMutableFieldsOnly() {
        Sandbox stored = insert(new Draft(org, T0).name("web").tags("a").metadata(Map.of("k", "v")));
        var changed = new Sandbox(stored.id(), org, Optional.of("renamed"), "other-template", SandboxStatus.FAILED,
                List.of("b"), Map.of("k", "changed"), Map.of("NEW", "1"), List.of(), new Resources(8, 1L << 30, 1L << 30, 64),
                Duration.ofHours(1), Duration.ofHours(3), Optional.of("init died"), T0.plusSeconds(100), T0.plusSeconds(5),
                Optional.of(T0.plusSeconds(6)), Optional.of(T0.plusSeconds(7)), true);

        store.update(changed);

        assertThat(store.find(org, stored.id())).contains(new Sandbox(stored.id(), org, stored.name(),
                stored.template(), SandboxStatus.FAILED, stored.tags(), stored.metadata(), stored.env(),
                stored.mounts(), stored.resources(), stored.idleTimeout(), stored.maxRuntime(), Optional.of("init died"),
                stored.createdAt(),
                T0.plusSeconds(5), Optional.of(T0.plusSeconds(6)), Optional.of(T0.plusSeconds(7)), true));
    }

    @Test
    void update_resumedSandbox_clearsPauseTime() {
        Sandbox paused = insert(new Draft(org, T0)).paused(T0.plusSeconds(1));
        store.update(paused);

        store.update(paused.running(T0.plusSeconds(2)));

        assertThat(store.find(org, paused.id())).contains(paused.running(T0.plusSeconds(2)));
    }

    @Test
    void update_unknownId_storesNothing() {
        Sandbox never = new Draft(org, T0).build();

        store.update(never);

        assertThat(store.find(org, never.id())).isEmpty();
    }

    @Test
    void update_endedSandbox_freesItsName() {
        Sandbox sandbox = insert(new Draft(org, T0).name("web"));

        store.update(sandbox.failed("image missing", T0.plusSeconds(1)));

        assertThat(store.findByName(org, "web")).isEmpty();
    }

    @Test
    void updateSettings_everySetting_replacesThemAndNothingElse() {
        Sandbox stored = insert(new Draft(org, T0).name("web").tags("a", "b").metadata(Map.of("k", "v", "gone", "x"))
                .status(SandboxStatus.PAUSED));
        Sandbox changed = stored.withSettings(Optional.of("api"), List.of("z", "a"), Map.of("k", "changed"),
                Duration.ofMinutes(3), Duration.ofHours(4)).withNetwork(SandboxNetwork.withPolicy(new EgressPolicy(
                false, List.of(Ipv4Subnet.parse("198.51.100.0/24")), List.of(), List.of(DomainRule.parse(
                "*.example.org")), List.of())));

        store.updateSettings(changed);

        assertThat(store.find(org, stored.id())).contains(changed);
        assertThat(store.findByName(org, "api")).contains(changed);
        assertThat(store.findByName(org, "web")).isEmpty();
        assertThat(list(filter(Set.of(), List.of("b"), Optional.empty(), Map.of()))).isEmpty();
    }

    @Test
    void updateSettings_emptyTagsAndNoName_clearsThem() {
        Sandbox stored = insert(new Draft(org, T0).name("web").tags("a").metadata(Map.of("k", "v")));
        Sandbox cleared = stored.withSettings(Optional.empty(), List.of(), Map.of(), Duration.ZERO, Duration.ZERO);

        store.updateSettings(cleared);

        assertThat(store.find(org, stored.id())).contains(cleared);
    }

    @Test
    void updateSettings_nameOfAnotherLiveSandbox_throwsConflictAndChangesNothing() {
        insert(new Draft(org, T0).name("taken"));
        Sandbox other = insert(new Draft(org, T0.plusSeconds(1)).name("mine").tags("a"));

        assertThatThrownBy(() -> store.updateSettings(other.withSettings(Optional.of("taken"), List.of("b"),
                Map.of(), other.idleTimeout(), other.maxRuntime())))
                .isInstanceOfSatisfying(CorralException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
        assertThat(store.find(org, other.id())).contains(other);
    }

    @Test
    void updateSettings_otherOrganizationsSandbox_storesNothing() {
        Sandbox stored = insert(new Draft(org, T0).name("web").tags("a"));
        var foreign = new Sandbox(stored.id(), newOrganization(), Optional.of("stolen"), stored.template(),
                stored.status(), List.of("x"), Map.of(), Map.of(), List.of(), stored.resources(), stored.idleTimeout(),
                stored.maxRuntime(), stored.error(), stored.createdAt(), stored.lastActivity(), stored.pausedAt(),
                stored.stoppedAt(), stored.hibernated(), stored.network());

        store.updateSettings(foreign);

        assertThat(store.find(org, stored.id())).contains(stored);
    }

    @Test
    void recordActivity_laterTime_movesForward() {
        Sandbox sandbox = insert(new Draft(org, T0));

        store.recordActivity(sandbox.id(), T0.plusSeconds(2));

        assertThat(lastActivity(sandbox)).isEqualTo(T0.plusSeconds(2));
    }

    @Test
    void recordActivity_earlierTime_keepsLaterTime() {
        Sandbox sandbox = insert(new Draft(org, T0));
        store.recordActivity(sandbox.id(), T0.plusSeconds(2));

        store.recordActivity(sandbox.id(), T0.plusSeconds(1));

        assertThat(lastActivity(sandbox)).isEqualTo(T0.plusSeconds(2));
    }

    @Test
    void recordActivity_laterTime_changesNothingElse() {
        Sandbox sandbox = insert(new Draft(org, T0).name("web").tags("a").status(SandboxStatus.PAUSED));

        store.recordActivity(sandbox.id(), T0.plusSeconds(2));

        assertThat(store.find(org, sandbox.id())).contains(new Sandbox(sandbox.id(), org, sandbox.name(),
                sandbox.template(), sandbox.status(), sandbox.tags(), sandbox.metadata(), sandbox.env(),
                sandbox.mounts(), sandbox.resources(), sandbox.idleTimeout(), sandbox.maxRuntime(), sandbox.error(),
                sandbox.createdAt(), T0.plusSeconds(2),
                sandbox.pausedAt(), sandbox.stoppedAt(), sandbox.hibernated(), sandbox.network()));
    }

    @Test
    void recordActivity_unknownId_storesNothing() {
        SandboxId unknown = SandboxId.random();

        store.recordActivity(unknown, T0);

        assertThat(store.find(org, unknown)).isEmpty();
    }

    /** One sandbox per status, created a second apart in declaration order. */
    private Map<SandboxStatus, Sandbox> oneOfEachStatus() {
        var byStatus = new EnumMap<SandboxStatus, Sandbox>(SandboxStatus.class);
        for (SandboxStatus status : SandboxStatus.values()) {
            byStatus.put(status, insert(new Draft(org, T0.plusSeconds(status.ordinal())).status(status)));
        }
        return byStatus;
    }

    private List<Sandbox> list(SandboxFilter filter) {
        return store.list(org, filter, PageRequest.first(100)).items();
    }

    private List<Page<Sandbox>> walk(SandboxFilter filter, int pageSize) {
        List<Page<Sandbox>> pages = new ArrayList<>();
        PageRequest request = PageRequest.first(pageSize);
        // Bounded so that a cursor that never advances fails the test instead of hanging it.
        for (int i = 0; i < 100; i++) {
            Page<Sandbox> page = store.list(org, filter, request);
            pages.add(page);
            if (page.next().isEmpty()) {
                return pages;
            }
            // Through the token a client would hold, so the cursor must survive encoding.
            request = new PageRequest(pageSize, Optional.of(Cursor.decode(page.next().get().encode())));
        }
        throw new AssertionError("listing did not end after 100 pages");
    }

    private static List<Sandbox> newestFirst(List<Sandbox> sandboxes) {
        return sandboxes.stream()
                .sorted(Comparator.comparing(Sandbox::createdAt).thenComparing(sandbox -> sandbox.id().toString())
                        .reversed())
                .toList();
    }

    private static SandboxFilter filter(Set<SandboxStatus> statuses, List<String> tags, Optional<String> template,
                                        Map<String, String> metadata) {
        return new SandboxFilter(statuses, tags, template, metadata);
    }

    private Instant lastActivity(Sandbox sandbox) {
        return store.find(sandbox.organizationId(), sandbox.id()).orElseThrow().lastActivity();
    }

    private Sandbox insert(Draft draft) {
        Sandbox sandbox = draft.build();
        store.insert(sandbox);
        return sandbox;
    }

    private OrganizationId newOrganization() {
        String slug = "org-" + RandomIds.lowerAlphanumeric(12);
        var organization = new Organization(OrganizationId.random(), "Org " + slug, slug, Tier.FREE, false, T0);
        organizations.insert(organization);
        return organization.id();
    }

    /** A running sandbox of the base template with a fresh id and nothing optional, until told otherwise. */
    private static final class Draft {
        private final OrganizationId organizationId;
        private final Instant createdAt;
        private Optional<String> name = Optional.empty();
        private String template = "base";
        private SandboxStatus status = SandboxStatus.RUNNING;
        private List<String> tags = List.of();
        private List<WorkspaceMount> mounts = List.of();
        private Map<String, String> metadata = Map.of();
        private Duration idleTimeout = Duration.ofMinutes(10);

        Draft(OrganizationId organizationId, Instant createdAt) {
            this.organizationId = organizationId;
            this.createdAt = createdAt;
        }

        Draft name(String newName) {
            name = Optional.of(newName);
            return this;
        }

        Draft template(String newTemplate) {
            template = newTemplate;
            return this;
        }

        Draft status(SandboxStatus newStatus) {
            status = newStatus;
            return this;
        }

        Draft tags(String... newTags) {
            tags = List.of(newTags);
            return this;
        }

        Draft metadata(Map<String, String> newMetadata) {
            metadata = newMetadata;
            return this;
        }

        Draft mounts(WorkspaceMount... newMounts) {
            mounts = List.of(newMounts);
            return this;
        }

        Draft idleTimeout(Duration newIdleTimeout) {
            idleTimeout = newIdleTimeout;
            return this;
        }

        Sandbox build() {
            return new Sandbox(SandboxId.random(), organizationId, name, template, status, tags, metadata, Map.of(),
                    mounts, Resources.of(1, "512MB", "1GB"), idleTimeout, Duration.ZERO, Optional.empty(), createdAt,
                    createdAt,
                    Optional.empty(), Optional.empty(), false);
        }
    }
}
