package dev.corral.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.id.RandomIds;
import dev.corral.core.key.ApiKey;
import dev.corral.core.key.ApiKeyId;
import dev.corral.core.key.ApiKeySecret;
import dev.corral.core.key.ApiKeyStore;
import dev.corral.core.key.Scope;
import dev.corral.core.org.Organization;
import dev.corral.core.org.OrganizationId;
import dev.corral.core.org.OrganizationStore;
import dev.corral.core.org.Tier;
import dev.corral.core.page.Cursor;
import dev.corral.core.page.Page;
import dev.corral.core.page.PageRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ApiKeyStore} must have: subclass it, supply the store and the organization store its
 * keys' organizations live in, and the tests run against them. Every test works in organizations of its own, so
 * subclasses may share one database between tests. Stores keep instants to the millisecond, so the tests use
 * whole milliseconds.
 */
public abstract class ApiKeyStoreContract {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private ApiKeyStore store;
    private OrganizationStore organizations;
    private OrganizationId org;

    /** The store to test; called before each test. */
    protected abstract ApiKeyStore newStore();

    /** Where the organizations that keys belong to are made; called before each test, after {@link #newStore()}. */
    protected abstract OrganizationStore organizationStore();

    @BeforeEach
    void createStore() {
        store = newStore();
        organizations = organizationStore();
        org = newOrganization();
    }

    @Test
    void insert_fullKey_findReturnsEveryField() {
        ApiKeySecret secret = ApiKeySecret.generate(true);
        var key = new ApiKey(ApiKeyId.random(), org, "ci runner", secret.displayPrefix(), secret.sha256(),
                List.of(new Scope("sandbox:create"), new Scope("files:read")), true,
                Optional.of(T0.plusSeconds(3600)), Optional.of(T0.plusMillis(1)), Optional.of(T0.plusMillis(2)), T0);

        store.insert(key);

        assertThat(store.find(org, key.id())).contains(key);
    }

    @Test
    void insert_duplicateHash_throwsConflict() {
        ApiKey first = key(org, T0);
        store.insert(first);
        ApiKey sameSecret = new ApiKey(ApiKeyId.random(), org, "copy", first.prefix(), first.hash(), first.scopes(),
                false, Optional.empty(), Optional.empty(), Optional.empty(), T0);

        assertThatThrownBy(() -> store.insert(sameSecret))
                .isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
    }

    @Test
    void find_unknownId_isEmpty() {
        assertThat(store.find(org, ApiKeyId.random())).isEmpty();
    }

    @Test
    void find_otherOrganizationsKey_isEmpty() {
        ApiKey key = insertKey(org, T0);

        assertThat(store.find(newOrganization(), key.id())).isEmpty();
    }

    @Test
    void findByHash_knownHash_returnsKey() {
        ApiKey key = insertKey(org, T0);

        assertThat(store.findByHash(key.hash())).contains(key);
    }

    @Test
    void findByHash_revokedKey_returnsKey() {
        ApiKey key = insertKey(org, T0);
        store.revoke(org, key.id(), T0.plusSeconds(1));

        assertThat(store.findByHash(key.hash())).get().extracting(ApiKey::revokedAt)
                .isEqualTo(Optional.of(T0.plusSeconds(1)));
    }

    @Test
    void findByHash_unknownHash_isEmpty() {
        assertThat(store.findByHash(ApiKeySecret.generate(false).sha256())).isEmpty();
    }

    @Test
    void list_manyKeys_walksEveryKeyExactlyOnce() {
        List<ApiKey> keys = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            // Five keys share each creation time, so pages of 7 end inside a tie that only the id can break.
            keys.add(key(org, T0.plusSeconds(i / 5)));
        }
        List<ApiKey> insertionOrder = new ArrayList<>(keys);
        Collections.shuffle(insertionOrder, new Random(7));
        insertionOrder.forEach(store::insert);
        insertKey(newOrganization(), T0.plusSeconds(2));

        List<Page<ApiKey>> pages = walk(org, 7);

        assertThat(pages).extracting(page -> page.items().size()).containsExactly(7, 7, 7, 4);
        assertThat(pages.stream().flatMap(page -> page.items().stream()).map(ApiKey::id))
                .containsExactlyElementsOf(newestFirst(keys));
    }

    @Test
    void list_exactlyOnePageOfKeys_hasNoNextCursor() {
        for (int i = 0; i < 3; i++) {
            insertKey(org, T0.plusSeconds(i));
        }

        Page<ApiKey> page = store.list(org, PageRequest.first(3));

        assertThat(page.items()).hasSize(3);
        assertThat(page.next()).isEmpty();
    }

    @Test
    void list_organizationWithoutKeys_isEmpty() {
        Page<ApiKey> page = store.list(org, PageRequest.first(10));

        assertThat(page.items()).isEmpty();
        assertThat(page.next()).isEmpty();
    }

    @Test
    void list_otherOrganizationsKeys_areNotListed() {
        ApiKey own = insertKey(org, T0);
        insertKey(newOrganization(), T0);

        assertThat(store.list(org, PageRequest.first(10)).items()).containsExactly(own);
    }

    @Test
    void list_revokedKey_isListed() {
        ApiKey key = insertKey(org, T0);
        store.revoke(org, key.id(), T0.plusSeconds(1));

        assertThat(store.list(org, PageRequest.first(10)).items()).extracting(ApiKey::id).containsExactly(key.id());
    }

    @Test
    void update_existingKey_replacesNameAndScopesOnly() {
        ApiKey key = insertKey(org, T0);
        List<Scope> scopes = List.of(new Scope("agent:run"), new Scope("tool:*"));

        boolean updated = store.update(org, key.id(), "renamed", scopes);

        assertThat(updated).isTrue();
        assertThat(store.find(org, key.id())).contains(new ApiKey(key.id(), org, "renamed", key.prefix(), key.hash(),
                scopes, key.test(), key.expiresAt(), key.lastUsedAt(), key.revokedAt(), key.createdAt()));
    }

    @Test
    void update_unknownKey_returnsFalse() {
        assertThat(store.update(org, ApiKeyId.random(), "name", List.of(Scope.ALL))).isFalse();
    }

    @Test
    void update_otherOrganizationsKey_returnsFalseAndChangesNothing() {
        ApiKey key = insertKey(org, T0);

        assertThat(store.update(newOrganization(), key.id(), "stolen", List.of(Scope.ALL))).isFalse();
        assertThat(store.find(org, key.id())).contains(key);
    }

    @Test
    void revoke_activeKey_recordsRevocationTime() {
        ApiKey key = insertKey(org, T0);

        assertThat(store.revoke(org, key.id(), T0.plusSeconds(5))).isTrue();
        assertThat(store.find(org, key.id())).get().extracting(ApiKey::revokedAt)
                .isEqualTo(Optional.of(T0.plusSeconds(5)));
    }

    @Test
    void revoke_revokedKey_returnsTrueAndKeepsFirstTime() {
        ApiKey key = insertKey(org, T0);
        store.revoke(org, key.id(), T0.plusSeconds(5));

        assertThat(store.revoke(org, key.id(), T0.plusSeconds(9))).isTrue();
        assertThat(store.find(org, key.id())).get().extracting(ApiKey::revokedAt)
                .isEqualTo(Optional.of(T0.plusSeconds(5)));
    }

    @Test
    void revoke_unknownKey_returnsFalse() {
        assertThat(store.revoke(org, ApiKeyId.random(), T0)).isFalse();
    }

    @Test
    void revoke_otherOrganizationsKey_returnsFalseAndKeepsKeyActive() {
        ApiKey key = insertKey(org, T0);

        assertThat(store.revoke(newOrganization(), key.id(), T0.plusSeconds(1))).isFalse();
        assertThat(store.find(org, key.id())).get().extracting(ApiKey::revokedAt).isEqualTo(Optional.empty());
    }

    @Test
    void recordLastUsed_laterTime_movesForward() {
        ApiKey key = insertKey(org, T0);
        store.recordLastUsed(Map.of(key.id(), T0.plusSeconds(1)));

        store.recordLastUsed(Map.of(key.id(), T0.plusSeconds(2)));

        assertThat(lastUsed(key)).contains(T0.plusSeconds(2));
    }

    @Test
    void recordLastUsed_earlierTime_keepsLaterTime() {
        ApiKey key = insertKey(org, T0);
        store.recordLastUsed(Map.of(key.id(), T0.plusSeconds(2)));

        store.recordLastUsed(Map.of(key.id(), T0.plusSeconds(1)));

        assertThat(lastUsed(key)).contains(T0.plusSeconds(2));
    }

    @Test
    void recordLastUsed_batchWithUnknownId_updatesKnownKeys() {
        ApiKey first = insertKey(org, T0);
        ApiKey second = insertKey(newOrganization(), T0);

        store.recordLastUsed(Map.of(
                first.id(), T0.plusSeconds(3),
                second.id(), T0.plusSeconds(4),
                ApiKeyId.random(), T0.plusSeconds(5)));

        assertThat(lastUsed(first)).contains(T0.plusSeconds(3));
        assertThat(lastUsed(second)).contains(T0.plusSeconds(4));
    }

    private List<Page<ApiKey>> walk(OrganizationId organization, int pageSize) {
        List<Page<ApiKey>> pages = new ArrayList<>();
        PageRequest request = PageRequest.first(pageSize);
        // Bounded so that a cursor that never advances fails the test instead of hanging it.
        for (int i = 0; i < 100; i++) {
            Page<ApiKey> page = store.list(organization, request);
            pages.add(page);
            if (page.next().isEmpty()) {
                return pages;
            }
            // Through the token a client would hold, so the cursor must survive encoding.
            request = new PageRequest(pageSize, Optional.of(Cursor.decode(page.next().get().encode())));
        }
        throw new AssertionError("listing did not end after 100 pages");
    }

    private static List<ApiKeyId> newestFirst(List<ApiKey> keys) {
        return keys.stream()
                .sorted(Comparator.comparing(ApiKey::createdAt).thenComparing(key -> key.id().toString()).reversed())
                .map(ApiKey::id)
                .toList();
    }

    private Optional<Instant> lastUsed(ApiKey key) {
        return store.findByHash(key.hash()).flatMap(ApiKey::lastUsedAt);
    }

    private ApiKey insertKey(OrganizationId organization, Instant createdAt) {
        ApiKey key = key(organization, createdAt);
        store.insert(key);
        return key;
    }

    private static ApiKey key(OrganizationId organization, Instant createdAt) {
        ApiKeySecret secret = ApiKeySecret.generate(false);
        return new ApiKey(ApiKeyId.random(), organization, "key", secret.displayPrefix(), secret.sha256(),
                List.of(Scope.ALL), false, Optional.empty(), Optional.empty(), Optional.empty(), createdAt);
    }

    private OrganizationId newOrganization() {
        String slug = "org-" + RandomIds.lowerAlphanumeric(12);
        var organization = new Organization(OrganizationId.random(), "Org " + slug, slug, Tier.FREE, false, T0);
        organizations.insert(organization);
        return organization.id();
    }
}
