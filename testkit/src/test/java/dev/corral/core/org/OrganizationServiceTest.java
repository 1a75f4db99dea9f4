package dev.corral.core.org;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.key.ApiKeySecret;
import dev.corral.core.key.ApiKeyService;
import dev.corral.core.key.IssuedKey;
import dev.corral.core.key.KeyUsageRecorder;
import dev.corral.core.key.Principal;
import dev.corral.core.policy.AccessPolicy;
import dev.corral.core.key.Scope;
import dev.corral.testkit.ManualClock;
import dev.corral.testkit.fake.InMemoryApiKeyStore;
import dev.corral.testkit.fake.InMemoryOrganizationStore;
import dev.corral.testkit.fake.Principals;
import java.time.Instant;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class OrganizationServiceTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final InMemoryOrganizationStore organizations = new InMemoryOrganizationStore();
    private final InMemoryApiKeyStore keys = new InMemoryApiKeyStore();
    private final ApiKeyService keyService = new ApiKeyService(keys, organizations, new KeyUsageRecorder(keys),
            clock);
    private final OrganizationService service = new OrganizationService(organizations, keys, keyService, clock);

    @Test
    void bootstrap_firstStart_makesTheOperatorOrganizationWithAnAdminKeyShownOnce() {
        IssuedKey admin = service.bootstrap(Optional.empty()).orElseThrow();

        Principal caller = keyService.authenticate(admin.secret().reveal());
        assertThat(caller.organization().slug()).isEqualTo(OrganizationService.OPERATOR_SLUG);
        assertThat(caller.organization().tier()).isEqualTo(Tier.ENTERPRISE);
        assertThat(AccessPolicy.isOperatorAdmin(caller)).isTrue();
        assertThat(service.bootstrap(Optional.empty())).isEmpty();
    }

    @Test
    void bootstrap_givenSecret_isTheAdminKeyAndIsAddedOnceOnLaterStarts() {
        service.bootstrap(Optional.empty());
        ApiKeySecret given = ApiKeySecret.generate(false);

        Optional<IssuedKey> added = service.bootstrap(Optional.of(given));
        Optional<IssuedKey> again = service.bootstrap(Optional.of(given));

        assertThat(added).get().extracting(IssuedKey::secret).isEqualTo(given);
        assertThat(again).isEmpty();
        assertThat(AccessPolicy.isOperatorAdmin(keyService.authenticate(given.reveal()))).isTrue();
    }

    @Test
    void create_byAnOperatorAdmin_makesTheOrganizationWithItsOwnAdminKey() {
        Principal operator = operatorAdmin();

        NewOrganization made = service.create(operator, " Acme Labs ", Optional.empty(), Tier.TEAM);

        assertThat(made.organization()).extracting(Organization::name, Organization::slug, Organization::tier,
                Organization::operator).containsExactly("Acme Labs", "acme-labs", Tier.TEAM, false);
        Principal acme = keyService.authenticate(made.adminKey().secret().reveal());
        assertThat(acme.organizationId()).isEqualTo(made.organization().id());
        assertThat(acme.key().grants(new Scope("sandbox:create"))).isTrue();
        assertThat(AccessPolicy.isOperatorAdmin(acme)).isFalse();
    }

    @Test
    void create_byAnyoneElse_throwsForbidden() {
        Principal member = Principals.inNewOrganization(Tier.TEAM);
        Principal operatorReader = Principals.of(operatorAdmin().organization(), "org:read");

        assertCode(() -> service.create(member, "Acme", Optional.empty(), Tier.FREE), ErrorCode.FORBIDDEN);
        assertCode(() -> service.create(operatorReader, "Acme", Optional.empty(), Tier.FREE), ErrorCode.FORBIDDEN);
        assertThat(organizations.findBySlug("acme")).isEmpty();
    }

    @Test
    void create_takenSlugOrBadName_throwsConflictOrValidationFailed() {
        Principal operator = operatorAdmin();
        service.create(operator, "Acme", Optional.empty(), Tier.FREE);

        assertCode(() -> service.create(operator, "Other", Optional.of("acme"), Tier.FREE), ErrorCode.CONFLICT);
        assertCode(() -> service.create(operator, " ", Optional.empty(), Tier.FREE), ErrorCode.VALIDATION_FAILED);
        assertCode(() -> service.create(operator, "Ok", Optional.of("Bad Slug"), Tier.FREE),
                ErrorCode.VALIDATION_FAILED);
    }

    @Test
    void get_ownOrganization_isFoundAndAnotherIsNotFoundExceptForTheOperator() {
        Principal operator = operatorAdmin();
        Organization acme = service.create(operator, "Acme", Optional.empty(), Tier.FREE).organization();
        Principal member = Principals.of(acme, "org:read");
        Organization other = service.create(operator, "Other", Optional.empty(), Tier.FREE).organization();

        assertThat(service.get(member, acme.id())).isEqualTo(acme);
        assertCode(() -> service.get(member, other.id()), ErrorCode.NOT_FOUND);
        assertThat(service.get(operator, other.id())).isEqualTo(other);
        assertCode(() -> service.get(operator, OrganizationId.random()), ErrorCode.NOT_FOUND);
    }

    @Test
    void setTier_byAnOperatorAdmin_changesItAndByAMemberIsForbidden() {
        Principal operator = operatorAdmin();
        Organization acme = service.create(operator, "Acme", Optional.empty(), Tier.FREE).organization();

        assertThat(service.setTier(operator, acme.id(), Tier.PRO).tier()).isEqualTo(Tier.PRO);
        assertCode(() -> service.setTier(Principals.of(acme), acme.id(), Tier.ENTERPRISE), ErrorCode.FORBIDDEN);
        assertThat(organizations.find(acme.id())).get().extracting(Organization::tier).isEqualTo(Tier.PRO);
    }

    @Test
    void setTier_ofAnOrganizationWhoseKeyJustAuthenticated_isItsKeysTierAtOnce() {
        Principal operator = operatorAdmin();
        NewOrganization acme = service.create(operator, "Acme", Optional.empty(), Tier.FREE);
        String secret = acme.adminKey().secret().reveal();
        assertThat(keyService.authenticate(secret).organization().tier()).isEqualTo(Tier.FREE);

        service.setTier(operator, acme.organization().id(), Tier.PRO);

        assertThat(keyService.authenticate(secret).organization().tier()).isEqualTo(Tier.PRO);
    }

    /** The operator admin of a bootstrapped server. */
    private Principal operatorAdmin() {
        return keyService.authenticate(service.bootstrap(Optional.empty()).map(key -> key.secret().reveal())
                .orElseThrow());
    }

    private static void assertCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.code())
                .isEqualTo(code));
    }
}
