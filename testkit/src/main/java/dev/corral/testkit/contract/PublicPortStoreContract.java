package dev.corral.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.id.RandomIds;
import dev.corral.core.key.ApiKeyId;
import dev.corral.core.org.Organization;
import dev.corral.core.org.OrganizationId;
import dev.corral.core.org.OrganizationStore;
import dev.corral.core.org.Tier;
import dev.corral.core.sandbox.Resources;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxNetwork;
import dev.corral.core.sandbox.SandboxStatus;
import dev.corral.core.sandbox.SandboxStore;
import dev.corral.core.sandbox.ports.PublicPort;
import dev.corral.core.sandbox.ports.PublicPortStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link PublicPortStore} must have: subclass it and supply the store, and the sandbox and
 * organization stores its sandboxes live in (a database's public ports belong to stored sandboxes). Every test
 * works on sandboxes of its own.
 */
public abstract class PublicPortStoreContract {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private PublicPortStore store;
    private SandboxStore sandboxes;
    private OrganizationStore organizations;
    private OrganizationId org;
    private final ApiKeyId key = new ApiKeyId(UUID.randomUUID());

    protected abstract PublicPortStore newStore();

    protected abstract SandboxStore sandboxStore();

    protected abstract OrganizationStore organizationStore();

    @BeforeEach
    void createStore() {
        store = newStore();
        sandboxes = sandboxStore();
        organizations = organizationStore();
        String slug = "org-" + RandomIds.lowerAlphanumeric(12);
        var organization = new Organization(OrganizationId.random(), "Org " + slug, slug, Tier.FREE, false, T0);
        organizations.insert(organization);
        org = organization.id();
    }

    @Test
    void save_thenFind_returnsEveryField() {
        SandboxId sandbox = newSandbox();
        var port = new PublicPort(sandbox, 3000, org, key, T0.plusMillis(7));

        store.save(port);

        assertThat(store.find(sandbox, 3000)).contains(port);
        assertThat(store.find(sandbox, 3001)).isEmpty();
    }

    @Test
    void save_samePortAgain_replacesWhoOpenedIt() {
        SandboxId sandbox = newSandbox();
        store.save(new PublicPort(sandbox, 3000, org, key, T0));
        var again = new PublicPort(sandbox, 3000, org, new ApiKeyId(UUID.randomUUID()), T0.plusSeconds(1));

        store.save(again);

        assertThat(store.list(sandbox)).containsExactly(again);
    }

    @Test
    void list_returnsOnlyThatSandboxsPortsLowestFirst() {
        SandboxId sandbox = newSandbox();
        SandboxId other = newSandbox();
        store.save(new PublicPort(sandbox, 8080, org, key, T0));
        store.save(new PublicPort(sandbox, 3000, org, key, T0));
        store.save(new PublicPort(other, 5000, org, key, T0));

        assertThat(store.list(sandbox)).extracting(PublicPort::port).containsExactly(3000, 8080);
        assertThat(store.list(newSandbox())).isEmpty();
    }

    @Test
    void remove_publicPort_isTrueOnceThenFalse() {
        SandboxId sandbox = newSandbox();
        store.save(new PublicPort(sandbox, 3000, org, key, T0));

        assertThat(store.remove(sandbox, 3000)).isTrue();
        assertThat(store.remove(sandbox, 3000)).isFalse();
        assertThat(store.find(sandbox, 3000)).isEmpty();
    }

    private SandboxId newSandbox() {
        var sandbox = new Sandbox(SandboxId.random(), org, Optional.empty(), "base", SandboxStatus.RUNNING,
                List.of(), Map.of(), Map.of(), List.of(), new Resources(1, 1L << 30, 1L << 30, 256),
                Duration.ofMinutes(10), Duration.ofHours(1), Optional.empty(), T0, T0, Optional.empty(),
                Optional.empty(), false, SandboxNetwork.DEFAULT);
        sandboxes.insert(sandbox);
        return sandbox.id();
    }
}
