package dev.corral.core.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.key.Principal;
import dev.corral.core.org.Tier;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxTestBed;
import dev.corral.core.sandbox.lifecycle.RequestedLogins;
import dev.corral.testkit.SshKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Logins with the keys and passwords sandboxes were created with (registered keys: {@link SshAccessTest}). */
class SshLoginsTest {
    private static final String PASSWORD = "correct horse battery";

    private final SandboxTestBed bed = new SandboxTestBed();
    private final SshLogins logins = new SshLogins(bed.store, bed.sshKeys, bed.credentials, bed.organizations,
            bed.passwords);
    private final Principal owner = bed.caller(Tier.PRO);

    @AfterEach
    void close() {
        bed.close();
    }

    @Test
    void login_keyTheSandboxWasCreatedWith_entersItWithExecScopesOnly() {
        String text = SshKeys.ed25519Text("own");
        String fingerprint = SshPublicKey.parse("k", text).fingerprint();
        Sandbox sandbox = create(List.of(text), Optional.empty());

        SshLogin login = logins.login(sandbox.id().toString(), fingerprint).orElseThrow();

        assertThat(login.sandbox()).isEqualTo(sandbox.id());
        assertThat(login.credential()).isEqualTo("sandbox key " + fingerprint);
        assertThat(login.principal().organization()).isEqualTo(owner.organization());
        assertThat(login.principal().key().scopes()).extracting(Object::toString)
                .containsExactly("sandbox:read", "sandbox:write");
    }

    @Test
    void login_keyOfAnotherSandboxOfTheSameOrganization_isEmpty() {
        String text = SshKeys.ed25519Text("own");
        create(List.of(text), Optional.empty());
        Sandbox other = bed.running(owner);

        assertThat(logins.login(other.id().toString(), SshPublicKey.parse("k", text).fingerprint())).isEmpty();
    }

    @Test
    void loginWithPassword_theSandboxesPassword_entersIt() {
        Sandbox sandbox = create(List.of(), Optional.of(PASSWORD));

        SshLogin login = logins.loginWithPassword(sandbox.id().toString(), PASSWORD).orElseThrow();

        assertThat(login.sandbox()).isEqualTo(sandbox.id());
        assertThat(login.credential()).isEqualTo("root password");
        assertThat(login.principal().organizationId()).isEqualTo(owner.organizationId());
        assertThat(login.principal().key().hash()).doesNotContain(PASSWORD);
    }

    @Test
    void loginWithPassword_wrongPasswordNoPasswordOrNoSandbox_isEmptyAlike() {
        Sandbox withPassword = create(List.of(), Optional.of(PASSWORD));
        Sandbox keysOnly = create(List.of(SshKeys.ed25519Text("k")), Optional.empty());
        Sandbox nothing = bed.running(owner);

        assertThat(logins.loginWithPassword(withPassword.id().toString(), PASSWORD + "!")).isEmpty();
        assertThat(logins.loginWithPassword(keysOnly.id().toString(), PASSWORD)).isEmpty();
        assertThat(logins.loginWithPassword(nothing.id().toString(), PASSWORD)).isEmpty();
        assertThat(logins.loginWithPassword(SandboxId.random().toString(), PASSWORD)).isEmpty();
        assertThat(logins.loginWithPassword("root", PASSWORD)).isEmpty();
    }

    @Test
    void loginWithPassword_asManyChecksRunningAsAllowed_isEmptyUntilOneEnds() throws InterruptedException {
        Sandbox sandbox = create(List.of(), Optional.of(PASSWORD));
        var entered = new CountDownLatch(SshLogins.PASSWORD_CHECKS);
        var release = new CountDownLatch(1);
        SandboxCredentialStore held = new SandboxCredentialStore() {
            @Override
            public void insert(SandboxCredentials credentials) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Optional<SandboxCredentials> find(SandboxId id) {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return bed.credentials.find(id);
            }
        };
        var slow = new SshLogins(bed.store, bed.sshKeys, held, bed.organizations, bed.passwords);
        var checks = new ArrayList<Thread>();
        for (int i = 0; i < SshLogins.PASSWORD_CHECKS; i++) {
            checks.add(Thread.ofPlatform().start(() -> slow.loginWithPassword(sandbox.id().toString(), PASSWORD)));
        }
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(slow.loginWithPassword(sandbox.id().toString(), PASSWORD)).isEmpty();

        release.countDown();
        for (Thread check : checks) {
            check.join();
        }
        assertThat(entered.getCount()).isZero();
        assertThat(logins.loginWithPassword(sandbox.id().toString(), PASSWORD)).isPresent();
    }

    private Sandbox create(List<String> keys, Optional<String> password) {
        return bed.running(owner, SandboxTestBed.withLogins(new RequestedLogins(keys, password)));
    }
}
