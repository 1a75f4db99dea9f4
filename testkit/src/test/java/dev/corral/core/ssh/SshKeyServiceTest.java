package dev.corral.core.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.key.Principal;
import dev.corral.core.org.Tier;
import dev.corral.core.page.PageRequest;
import dev.corral.testkit.ManualClock;
import dev.corral.testkit.SshKeys;
import dev.corral.testkit.fake.InMemorySshKeyStore;
import dev.corral.testkit.fake.Principals;
import java.time.Instant;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class SshKeyServiceTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final InMemorySshKeyStore keys = new InMemorySshKeyStore();
    private final SshKeyService service = new SshKeyService(keys, clock);
    private final Principal caller = Principals.inNewOrganization(Tier.PRO);

    @Test
    void add_validKey_storesItWithFingerprintAndTime() {
        String text = SshKeys.ed25519Text("alice@laptop");

        SshKey key = service.add(caller, new NewSshKey("  laptop ", text));

        assertThat(key.name()).isEqualTo("laptop");
        assertThat(key.organizationId()).isEqualTo(caller.organizationId());
        assertThat(key.fingerprint()).isEqualTo(SshPublicKey.parse("k", text).fingerprint());
        assertThat(key.createdAt()).isEqualTo(clock.instant());
        assertThat(service.get(caller, key.id())).isEqualTo(key);
    }

    @Test
    void add_badKeyOrName_throwsValidationFailed() {
        assertCode(() -> service.add(caller, new NewSshKey("laptop", "ssh-ed25519 AAAA")), ErrorCode.VALIDATION_FAILED);
        assertCode(() -> service.add(caller, new NewSshKey(" ", SshKeys.ed25519Text("x"))),
                ErrorCode.VALIDATION_FAILED);
    }

    @Test
    void add_sameKeyTwice_throwsConflict_butAnotherOrganizationMayAddIt() {
        String text = SshKeys.ed25519Text("shared");
        service.add(caller, new NewSshKey("one", text));

        assertCode(() -> service.add(caller, new NewSshKey("two", text)), ErrorCode.CONFLICT);
        assertThat(service.add(Principals.inNewOrganization(Tier.FREE), new NewSshKey("theirs", text))).isNotNull();
    }

    @Test
    void add_pastTheLimit_throwsQuotaExceeded() {
        for (int i = 0; i < SshKeyService.MAX_KEYS_PER_ORGANIZATION; i++) {
            service.add(caller, new NewSshKey("k" + i, SshKeys.ed25519Text("k")));
        }

        assertCode(() -> service.add(caller, new NewSshKey("one more", SshKeys.ed25519Text("k"))),
                ErrorCode.QUOTA_EXCEEDED);
    }

    @Test
    void getAndDelete_anotherOrganizationsKey_throwsNotFound() {
        SshKey key = service.add(caller, new NewSshKey("laptop", SshKeys.ed25519Text("a")));
        Principal stranger = Principals.inNewOrganization(Tier.PRO);

        assertCode(() -> service.get(stranger, key.id()), ErrorCode.NOT_FOUND);
        assertCode(() -> service.delete(stranger, key.id()), ErrorCode.NOT_FOUND);
        assertThat(service.list(stranger, PageRequest.first(10)).items()).isEmpty();
        assertThat(service.get(caller, key.id())).isEqualTo(key);
    }

    @Test
    void delete_ownKey_removesIt() {
        SshKey key = service.add(caller, new NewSshKey("laptop", SshKeys.ed25519Text("a")));

        service.delete(caller, key.id());

        assertThat(service.list(caller, PageRequest.first(10)).items()).isEmpty();
        assertCode(() -> service.delete(caller, key.id()), ErrorCode.NOT_FOUND);
    }

    @Test
    void everyOperation_keyWithoutTheScope_throwsForbidden() {
        Principal sandboxesOnly = Principals.of(caller.organization(), "sandbox:*");
        Principal reader = Principals.of(caller.organization(), "org:read");
        SshKey key = service.add(caller, new NewSshKey("laptop", SshKeys.ed25519Text("a")));

        assertCode(() -> service.list(sandboxesOnly, PageRequest.first(10)), ErrorCode.FORBIDDEN);
        assertCode(() -> service.add(reader, new NewSshKey("x", SshKeys.ed25519Text("x"))), ErrorCode.FORBIDDEN);
        assertCode(() -> service.delete(reader, key.id()), ErrorCode.FORBIDDEN);
        assertThat(service.get(reader, key.id())).isEqualTo(key);
        assertThat(service.add(Principals.of(caller.organization(), "ssh-key:*"),
                new NewSshKey("y", SshKeys.ed25519Text("y")))).isNotNull();
    }

    private static void assertCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(CorralException.class,
                e -> assertThat(e.code()).isEqualTo(code));
    }
}
