package dev.corral.core.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.org.Organization;
import dev.corral.core.org.OrganizationId;
import dev.corral.core.org.Tier;
import dev.corral.core.page.Page;
import dev.corral.core.page.PageRequest;
import dev.corral.testkit.ManualClock;
import dev.corral.testkit.fake.InMemoryApiKeyStore;
import dev.corral.testkit.fake.InMemoryOrganizationStore;
import dev.corral.testkit.fake.Principals;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class ApiKeyServiceTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final InMemoryApiKeyStore keys = new InMemoryApiKeyStore();
    private final InMemoryOrganizationStore organizations = new InMemoryOrganizationStore();
    private final KeyUsageRecorder usage = new KeyUsageRecorder(keys);
    private final ApiKeyService service = new ApiKeyService(keys, organizations, usage, clock);
    private final Organization organization = stored(Principals.organization(Tier.PRO));
    private final OrganizationId org = organization.id();
    /** A key of the organization holding every scope, so it may manage its keys and grant any scope. */
    private final Principal caller = Principals.of(organization);

    @Test
    void issue_thenAuthenticate_givesTheCallerAndItsScopes() {
        IssuedKey issued = service.issue(org, request("ci", List.of(new Scope("sandbox:create")), Optional.empty()));

        Principal authenticated = service.authenticate(issued.secret().reveal());

        assertThat(authenticated.organization()).isEqualTo(organization);
        assertThat(authenticated.key().id()).isEqualTo(issued.key().id());
        assertThat(authenticated.key().grants(new Scope("sandbox:create"))).isTrue();
        assertThat(authenticated.key().grants(new Scope("sandbox:read"))).isFalse();
        assertThat(keys.findByHash(issued.secret().sha256())).isPresent();
    }

    @Test
    void issue_withoutScopes_grantsEverything() {
        IssuedKey issued = service.issue(org, request("all", List.of(), Optional.empty()));

        assertThat(issued.key().scopes()).containsExactly(Scope.ALL);
    }

    @Test
    void issue_blankOrLongName_throwsValidationFailed() {
        assertCode(() -> service.issue(org, request("  ", List.of(), Optional.empty())), ErrorCode.VALIDATION_FAILED);
        assertCode(() -> service.issue(org, request("n".repeat(101), List.of(), Optional.empty())),
                ErrorCode.VALIDATION_FAILED);
    }

    @Test
    void issue_chosenSecret_storesThatSecretsKind() {
        ApiKeySecret chosen = ApiKeySecret.generate(true);

        IssuedKey issued = service.issue(org, request("bootstrap", List.of(), Optional.empty()), chosen);

        assertThat(issued.key().test()).isTrue();
        assertThat(service.authenticate(chosen.reveal()).key().id()).isEqualTo(issued.key().id());
    }

    @Test
    void authenticate_recordsUsageThatAFlushWrites() {
        IssuedKey issued = service.issue(org, request("ci", List.of(), Optional.empty()));
        clock.advance(Duration.ofMinutes(1));

        service.authenticate(issued.secret().reveal());
        assertThat(service.get(caller, issued.key().id()).lastUsedAt()).isEmpty();
        usage.flush();

        assertThat(service.get(caller, issued.key().id()).lastUsedAt()).contains(clock.instant());
    }

    @Test
    void authenticate_malformedOrUnknown_throwsInvalidToken() {
        assertCode(() -> service.authenticate("not-a-key"), ErrorCode.INVALID_TOKEN);
        assertCode(() -> service.authenticate(ApiKeySecret.generate(false).reveal()), ErrorCode.INVALID_TOKEN);
    }

    @Test
    void authenticate_revokedKey_throwsInvalidToken() {
        IssuedKey issued = service.issue(org, request("ci", List.of(), Optional.empty()));

        service.revoke(caller, issued.key().id());

        assertCode(() -> service.authenticate(issued.secret().reveal()), ErrorCode.INVALID_TOKEN);
    }

    @Test
    void authenticate_whenItsTimeIsUp_throwsTokenExpired() {
        IssuedKey issued = service.issue(org, request("short", List.of(), Optional.of(Duration.ofHours(1))));
        clock.advance(Duration.ofMinutes(59));
        service.authenticate(issued.secret().reveal());

        clock.advance(Duration.ofMinutes(1));

        assertCode(() -> service.authenticate(issued.secret().reveal()), ErrorCode.TOKEN_EXPIRED);
        assertThat(service.get(caller, issued.key().id()).status(clock.instant())).isEqualTo("expired");
    }

    @Test
    void authenticate_keyOfAnOrganizationThatIsGone_throwsInvalidToken() {
        IssuedKey orphan = service.issue(OrganizationId.random(), request("ci", List.of(), Optional.empty()));

        assertCode(() -> service.authenticate(orphan.secret().reveal()), ErrorCode.INVALID_TOKEN);
    }

    @Test
    void authenticate_keyRevokedInTheStoreByAnotherServer_refusedOnceTheCachedPrincipalIsOld() {
        IssuedKey issued = service.issue(org, request("ci", List.of(), Optional.empty()));
        service.authenticate(issued.secret().reveal());

        keys.revoke(org, issued.key().id(), clock.instant());

        assertThat(service.authenticate(issued.secret().reveal()).key().id()).isEqualTo(issued.key().id());
        clock.advance(PrincipalCache.TIME_TO_LIVE);
        assertCode(() -> service.authenticate(issued.secret().reveal()), ErrorCode.INVALID_TOKEN);
    }

    @Test
    void authenticate_afterRevokeOrUpdateHere_seesTheChangeAtOnce() {
        IssuedKey issued = service.issue(org, request("ci", List.of(), Optional.empty()));
        service.authenticate(issued.secret().reveal());

        service.update(caller, issued.key().id(), Optional.empty(), Optional.of(List.of(new Scope("files:read"))));
        assertThat(service.authenticate(issued.secret().reveal()).key().grants(new Scope("sandbox:create")))
                .isFalse();

        service.revoke(caller, issued.key().id());
        assertCode(() -> service.authenticate(issued.secret().reveal()), ErrorCode.INVALID_TOKEN);
    }

    @Test
    void authenticate_cachedKeyWhoseTimeIsUp_throwsTokenExpired() {
        IssuedKey issued = service.issue(org, request("short", List.of(), Optional.of(Duration.ofSeconds(10))));
        clock.advance(Duration.ofMillis(9_500));
        service.authenticate(issued.secret().reveal());

        clock.advance(Duration.ofMillis(500));

        assertCode(() -> service.authenticate(issued.secret().reveal()), ErrorCode.TOKEN_EXPIRED);
    }

    @Test
    void authenticate_manyWrongKeysFromOneAddress_rateLimitedWithTheWait() {
        for (int i = 0; i < FailedAuthentications.BURST; i++) {
            assertCode(() -> service.authenticate(ApiKeySecret.generate(false).reveal(), "192.0.2.1"),
                    ErrorCode.INVALID_TOKEN);
        }

        assertThatThrownBy(() -> service.authenticate(ApiKeySecret.generate(false).reveal(), "192.0.2.1"))
                .isInstanceOfSatisfying(CorralException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
                    assertThat(e.retryAfter()).hasValueSatisfying(wait -> assertThat(wait)
                            .isPositive().isLessThanOrEqualTo(Duration.ofSeconds(3)));
                });
        assertCode(() -> service.authenticate("not-a-key", "192.0.2.1"), ErrorCode.RATE_LIMITED);
        assertCode(() -> service.authenticate("not-a-key", "192.0.2.2"), ErrorCode.INVALID_TOKEN);
        clock.advance(Duration.ofSeconds(3));
        assertCode(() -> service.authenticate("not-a-key", "192.0.2.1"), ErrorCode.INVALID_TOKEN);
    }

    @Test
    void authenticate_validKeyFromAThrottledAddress_stillAuthenticates() {
        IssuedKey issued = service.issue(org, request("ci", List.of(), Optional.empty()));
        for (int i = 0; i <= FailedAuthentications.BURST; i++) {
            try {
                service.authenticate("not-a-key", "192.0.2.1");
            } catch (CorralException expected) {
                // counted
            }
        }

        assertThat(service.authenticate(issued.secret().reveal(), "192.0.2.1").key().id())
                .isEqualTo(issued.key().id());
    }

    @Test
    void update_absentValuesKeepWhatIsStoredAndEmptyScopesMeanEverything() {
        IssuedKey issued = service.issue(org, request("ci", List.of(new Scope("files:read")), Optional.empty()));

        ApiKey renamed = service.update(caller, issued.key().id(), Optional.of(" renamed "), Optional.empty());
        ApiKey widened = service.update(caller, issued.key().id(), Optional.empty(), Optional.of(List.of()));

        assertThat(renamed.name()).isEqualTo("renamed");
        assertThat(renamed.scopes()).containsExactly(new Scope("files:read"));
        assertThat(widened.name()).isEqualTo("renamed");
        assertThat(widened.scopes()).containsExactly(Scope.ALL);
    }

    @Test
    void revoke_twice_keepsTheFirstTime() {
        IssuedKey issued = service.issue(org, request("ci", List.of(), Optional.empty()));
        Instant first = clock.instant();

        service.revoke(caller, issued.key().id());
        clock.advance(Duration.ofMinutes(5));
        ApiKey again = service.revoke(caller, issued.key().id());

        assertThat(again.revokedAt()).contains(first);
        assertThat(again.status(clock.instant())).isEqualTo("revoked");
    }

    @Test
    void getUpdateRevoke_anotherOrganizationsKey_throwNotFoundAndChangeNothing() {
        IssuedKey theirs = service.issue(org, request("theirs", List.of(), Optional.empty()));
        Principal other = Principals.of(stored(Principals.organization(Tier.FREE)));
        ApiKeyId id = theirs.key().id();

        assertCode(() -> service.get(other, id), ErrorCode.NOT_FOUND);
        assertCode(() -> service.update(other, id, Optional.of("stolen"), Optional.empty()), ErrorCode.NOT_FOUND);
        assertCode(() -> service.revoke(other, id), ErrorCode.NOT_FOUND);
        assertThat(service.authenticate(theirs.secret().reveal()).key().name()).isEqualTo("theirs");
    }

    @Test
    void list_inPages_newestFirstWithRevokedKeys() {
        IssuedKey oldest = service.issue(org, request("a", List.of(), Optional.empty()));
        clock.advance(Duration.ofSeconds(1));
        IssuedKey middle = service.issue(org, request("b", List.of(), Optional.empty()));
        clock.advance(Duration.ofSeconds(1));
        IssuedKey newest = service.issue(org, request("c", List.of(), Optional.empty()));
        service.revoke(caller, middle.key().id());

        Page<ApiKey> first = service.list(caller, PageRequest.first(2));
        Page<ApiKey> second = service.list(caller, new PageRequest(2, first.next()));

        assertThat(first.items()).extracting(ApiKey::id).containsExactly(newest.key().id(), middle.key().id());
        assertThat(second.items()).extracting(ApiKey::id).containsExactly(oldest.key().id());
    }

    private Organization stored(Organization organization) {
        organizations.insert(organization);
        return organization;
    }

    private static CreateApiKey request(String name, List<Scope> scopes, Optional<Duration> expiresIn) {
        return new CreateApiKey(name, scopes, expiresIn, false);
    }

    private static void assertCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.code())
                .isEqualTo(code));
    }
}
