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
import dev.corral.core.page.Page;
import dev.corral.core.page.PageRequest;
import dev.corral.core.workspace.Workspace;
import dev.corral.core.workspace.WorkspaceId;
import dev.corral.core.workspace.WorkspaceStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link WorkspaceStore} must have: subclass it, supply the store and the organization store
 * its workspaces' organizations live in, and the tests run against them. Every test works in organizations of its
 * own, so subclasses may share one database between tests. Instants are whole milliseconds, as stores keep them.
 */
public abstract class WorkspaceStoreContract {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private WorkspaceStore store;
    private OrganizationStore organizations;
    private OrganizationId org;

    /** The store to test; called before each test. */
    protected abstract WorkspaceStore newStore();

    /** Where the organizations that own workspaces are made; called before each test, after {@link #newStore()}. */
    protected abstract OrganizationStore organizationStore();

    @BeforeEach
    void createStore() {
        store = newStore();
        organizations = organizationStore();
        org = newOrganization();
    }

    @Test
    void insert_withQuota_findReturnsEveryField() {
        var workspace = new Workspace(WorkspaceId.random(), org, "Data", "data", 1L << 30, T0,
                T0.plusMillis(5));

        store.insert(workspace);

        assertThat(store.find(org, workspace.id())).contains(workspace);
    }

    @Test
    void totalQuotaBytes_addsUpTheOrganizationsQuotasOnly() {
        store.insert(workspace(org, "one", T0));
        store.insert(workspace(org, "two", T0));
        store.insert(workspace(newOrganization(), "elsewhere", T0));

        assertThat(store.totalQuotaBytes(org)).isEqualTo(2L << 30);
        assertThat(store.totalQuotaBytes(newOrganization())).isZero();
        assertThat(store.allIds()).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void insert_duplicateSlugInOrganization_throwsConflict() {
        store.insert(workspace(org, "same", T0));

        assertThatThrownBy(() -> store.insert(workspace(org, "same", T0)))
                .isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
    }

    @Test
    void insert_sameSlugInOtherOrganization_isAllowed() {
        OrganizationId other = newOrganization();
        store.insert(workspace(org, "shared", T0));
        Workspace theirs = workspace(other, "shared", T0);

        store.insert(theirs);

        assertThat(store.findBySlug(other, "shared")).contains(theirs);
    }

    @Test
    void find_otherOrganization_isEmpty() {
        Workspace workspace = workspace(org, "mine", T0);
        store.insert(workspace);

        assertThat(store.find(newOrganization(), workspace.id())).isEmpty();
        assertThat(store.findBySlug(newOrganization(), "mine")).isEmpty();
    }

    @Test
    void findBySlug_knownSlug_returnsWorkspace() {
        Workspace workspace = workspace(org, "by-slug", T0);
        store.insert(workspace);

        assertThat(store.findBySlug(org, "by-slug")).contains(workspace);
        assertThat(store.findBySlug(org, "other")).isEmpty();
    }

    @Test
    void list_manyPages_returnsEveryWorkspaceOnceNewestFirst() {
        List<Workspace> made = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            // Pairs share a creation time so that the id has to break ties.
            Workspace workspace = workspace(org, "w" + i, T0.plusMillis(i / 2));
            store.insert(workspace);
            made.add(workspace);
        }
        store.insert(workspace(newOrganization(), "elsewhere", T0));

        List<Workspace> seen = new ArrayList<>();
        Page<Workspace> page = store.list(org, PageRequest.first(3));
        seen.addAll(page.items());
        while (page.hasMore()) {
            page = store.list(org, new PageRequest(3, page.next()));
            seen.addAll(page.items());
        }

        assertThat(seen).containsExactlyInAnyOrderElementsOf(made);
        assertThat(seen).isSortedAccordingTo((a, b) -> {
            int byTime = b.createdAt().compareTo(a.createdAt());
            return byTime != 0 ? byTime : b.id().toString().compareTo(a.id().toString());
        });
    }

    @Test
    void list_emptyOrganization_hasNoItemsAndNoMore() {
        Page<Workspace> page = store.list(org, PageRequest.first(10));

        assertThat(page.items()).isEmpty();
        assertThat(page.hasMore()).isFalse();
    }

    @Test
    void update_existingWorkspace_replacesNameQuotaAndUpdateTime() {
        Workspace workspace = workspace(org, "renamed", T0);
        store.insert(workspace);
        Workspace changed = workspace.withChanges("New name", 42L, T0.plusSeconds(1));

        assertThat(store.update(changed)).isTrue();

        assertThat(store.find(org, workspace.id())).contains(changed);
    }

    @Test
    void update_otherOrganization_returnsFalseAndChangesNothing() {
        Workspace workspace = workspace(org, "kept", T0);
        store.insert(workspace);
        var intruder = new Workspace(workspace.id(), newOrganization(), "Stolen", "kept", 1L << 20, T0, T0);

        assertThat(store.update(intruder)).isFalse();

        assertThat(store.find(org, workspace.id())).contains(workspace);
    }

    @Test
    void delete_existingWorkspace_removesItAndFreesSlug() {
        Workspace workspace = workspace(org, "gone", T0);
        store.insert(workspace);

        assertThat(store.delete(org, workspace.id())).isTrue();

        assertThat(store.find(org, workspace.id())).isEmpty();
        store.insert(workspace(org, "gone", T0));
        assertThat(store.findBySlug(org, "gone")).isPresent();
    }

    @Test
    void delete_unknownWorkspace_returnsFalse() {
        assertThat(store.delete(org, WorkspaceId.random())).isFalse();
    }

    private static Workspace workspace(OrganizationId organizationId, String slug, Instant createdAt) {
        return new Workspace(WorkspaceId.random(), organizationId, "Workspace " + slug, slug, 1L << 30,
                createdAt, createdAt);
    }

    private OrganizationId newOrganization() {
        var organization = new Organization(OrganizationId.random(), "Workspace owners",
                "ws-" + RandomIds.lowerAlphanumeric(12), Tier.PRO, false, T0);
        organizations.insert(organization);
        return organization.id();
    }
}
