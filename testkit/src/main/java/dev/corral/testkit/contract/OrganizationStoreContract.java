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
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link OrganizationStore} must have: subclass it, supply the store, and the tests run
 * against it. Every test makes organizations with fresh ids and slugs, so subclasses may share one database
 * between tests. Stores keep instants to the millisecond, so the tests use whole milliseconds.
 */
public abstract class OrganizationStoreContract {
    private static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");

    private OrganizationStore store;

    /** The store to test; called before each test. */
    protected abstract OrganizationStore newStore();

    @BeforeEach
    void createStore() {
        store = newStore();
    }

    @Test
    void insert_newOrganization_findReturnsIt() {
        Organization organization = organization(uniqueSlug(), Tier.PRO, false);

        store.insert(organization);

        assertThat(store.find(organization.id())).contains(organization);
    }

    @Test
    void insert_operatorOrganization_keepsOperatorFlag() {
        Organization operator = organization(uniqueSlug(), Tier.ENTERPRISE, true);

        store.insert(operator);

        assertThat(store.find(operator.id())).get().extracting(Organization::operator).isEqualTo(true);
    }

    @Test
    void insert_duplicateSlug_throwsConflict() {
        String slug = uniqueSlug();
        store.insert(organization(slug, Tier.FREE, false));

        assertThatThrownBy(() -> store.insert(organization(slug, Tier.FREE, false)))
                .isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
    }

    @Test
    void insert_duplicateSlug_keepsFirstOrganization() {
        Organization first = organization(uniqueSlug(), Tier.FREE, false);
        Organization second = organization(first.slug(), Tier.TEAM, false);
        store.insert(first);

        assertThatThrownBy(() -> store.insert(second)).isInstanceOf(CorralException.class);

        assertThat(store.findBySlug(first.slug())).contains(first);
        assertThat(store.find(second.id())).isEmpty();
    }

    @Test
    void find_unknownId_isEmpty() {
        assertThat(store.find(OrganizationId.random())).isEmpty();
    }

    @Test
    void findBySlug_knownSlug_returnsOrganization() {
        Organization organization = organization(uniqueSlug(), Tier.TEAM, false);
        store.insert(organization);

        assertThat(store.findBySlug(organization.slug())).contains(organization);
    }

    @Test
    void findBySlug_unknownSlug_isEmpty() {
        assertThat(store.findBySlug(uniqueSlug())).isEmpty();
    }

    @Test
    void updateTier_existingOrganization_replacesTier() {
        Organization organization = organization(uniqueSlug(), Tier.FREE, false);
        store.insert(organization);

        store.updateTier(organization.id(), Tier.ENTERPRISE);

        assertThat(store.find(organization.id())).contains(organization.withTier(Tier.ENTERPRISE));
    }

    @Test
    void updateTier_unknownOrganization_createsNothing() {
        OrganizationId unknown = OrganizationId.random();

        store.updateTier(unknown, Tier.PRO);

        assertThat(store.find(unknown)).isEmpty();
    }

    private static Organization organization(String slug, Tier tier, boolean operator) {
        return new Organization(OrganizationId.random(), "Org " + slug, slug, tier, operator, CREATED);
    }

    private static String uniqueSlug() {
        return "org-" + RandomIds.lowerAlphanumeric(12);
    }
}
