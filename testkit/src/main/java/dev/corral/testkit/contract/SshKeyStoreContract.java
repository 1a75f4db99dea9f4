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
import dev.corral.core.ssh.SshKey;
import dev.corral.core.ssh.SshKeyId;
import dev.corral.core.ssh.SshKeyStore;
import dev.corral.core.ssh.SshPublicKey;
import dev.corral.testkit.SshKeys;
import java.time.Instant;
import java.util.ArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link SshKeyStore} must have: subclass it, supply the store and the organization store its
 * keys' organizations live in. Every test works in organizations of its own, so subclasses may share a database.
 */
public abstract class SshKeyStoreContract {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private SshKeyStore store;
    private OrganizationStore organizations;
    private OrganizationId org;

    /** The store to test; called before each test. */
    protected abstract SshKeyStore newStore();

    /** Where the organizations that keys belong to are made; called before each test, after {@link #newStore()}. */
    protected abstract OrganizationStore organizationStore();

    @BeforeEach
    void createStore() {
        store = newStore();
        organizations = organizationStore();
        org = newOrganization();
    }

    @Test
    void insert_key_findReturnsEveryField() {
        SshKey key = key(org, T0);

        store.insert(key);

        assertThat(store.find(org, key.id())).contains(key);
    }

    @Test
    void find_otherOrganizationsKey_isEmpty() {
        SshKey key = key(org, T0);
        store.insert(key);

        assertThat(store.find(newOrganization(), key.id())).isEmpty();
    }

    @Test
    void insert_sameKeyTwiceInOneOrganization_throwsConflict() {
        SshKey first = key(org, T0);
        store.insert(first);
        SshKey again = SshKey.of(SshKeyId.random(), org, "again", first.publicKey(), T0.plusMillis(1));

        assertThatThrownBy(() -> store.insert(again))
                .isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
    }

    @Test
    void findByFingerprint_sameKeyInTwoOrganizations_returnsBoth() {
        SshKey mine = key(org, T0);
        SshKey theirs = SshKey.of(SshKeyId.random(), newOrganization(), "shared", mine.publicKey(), T0);
        store.insert(mine);
        store.insert(theirs);
        store.insert(key(org, T0));

        assertThat(store.findByFingerprint(mine.fingerprint())).containsExactlyInAnyOrder(mine, theirs);
        assertThat(store.findByFingerprint("SHA256:nothing")).isEmpty();
    }

    @Test
    void list_pages_newestFirstWithoutGapsOrRepeats() {
        var inserted = new ArrayList<SshKey>();
        for (int i = 0; i < 5; i++) {
            SshKey key = key(org, T0.plusSeconds(i % 3));
            store.insert(key);
            inserted.add(key);
        }
        store.insert(key(newOrganization(), T0));

        var seen = new ArrayList<SshKey>();
        Page<SshKey> page = store.list(org, PageRequest.first(2));
        seen.addAll(page.items());
        while (page.next().isPresent()) {
            page = store.list(org, new PageRequest(2, page.next()));
            seen.addAll(page.items());
        }

        assertThat(seen).containsExactlyInAnyOrderElementsOf(inserted);
        assertThat(seen).isSortedAccordingTo((a, b) -> b.createdAt().compareTo(a.createdAt()));
    }

    @Test
    void newest_returnsTheLastRegisteredOrEmpty() {
        assertThat(store.newest(org)).isEmpty();
        store.insert(key(org, T0));
        SshKey newest = key(org, T0.plusSeconds(5));
        store.insert(newest);
        store.insert(key(org, T0.plusSeconds(1)));

        assertThat(store.newest(org)).contains(newest);
    }

    @Test
    void count_countsOnlyTheOrganizationsKeys() {
        store.insert(key(org, T0));
        store.insert(key(org, T0));
        store.insert(key(newOrganization(), T0));

        assertThat(store.count(org)).isEqualTo(2);
    }

    @Test
    void delete_ownKey_removesIt_otherOrganizations_changesNothing() {
        SshKey key = key(org, T0);
        store.insert(key);

        assertThat(store.delete(newOrganization(), key.id())).isFalse();
        assertThat(store.find(org, key.id())).isPresent();
        assertThat(store.delete(org, key.id())).isTrue();
        assertThat(store.find(org, key.id())).isEmpty();
        assertThat(store.findByFingerprint(key.fingerprint())).isEmpty();
        assertThat(store.delete(org, key.id())).isFalse();
    }

    private static SshKey key(OrganizationId organization, Instant createdAt) {
        SshPublicKey publicKey = SshKeys.ed25519();
        return SshKey.of(SshKeyId.random(), organization, "laptop " + RandomIds.lowerAlphanumeric(4), publicKey,
                createdAt);
    }

    private OrganizationId newOrganization() {
        String slug = "org-" + RandomIds.lowerAlphanumeric(12);
        var organization = new Organization(OrganizationId.random(), "Org " + slug, slug, Tier.FREE, false, T0);
        organizations.insert(organization);
        return organization.id();
    }
}
