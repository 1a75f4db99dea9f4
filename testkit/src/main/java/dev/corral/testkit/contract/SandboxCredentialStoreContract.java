package dev.corral.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.org.OrganizationId;
import dev.corral.core.org.OrganizationStore;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxStore;
import dev.corral.core.ssh.PasswordHash;
import dev.corral.core.ssh.SandboxCredentialStore;
import dev.corral.core.ssh.SandboxCredentials;
import dev.corral.core.ssh.SshPublicKey;
import dev.corral.testkit.SshKeys;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link SandboxCredentialStore} must have: subclass it and supply the store, and the sandbox
 * and organization stores its sandboxes live in (a database's credentials belong to stored sandboxes). Every test
 * works on sandboxes of its own.
 */
public abstract class SandboxCredentialStoreContract {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    /** A hash of one iteration, well-formed, so that the contract spends no time hashing. */
    private static final PasswordHash HASH = PasswordHash.parse(
            "pbkdf2-sha256$1$c2FsdHNhbHRzYWx0c2FsdA$" + "A".repeat(42) + "Q");

    private SandboxCredentialStore store;
    private SandboxStore sandboxes;
    private OrganizationId org;

    protected abstract SandboxCredentialStore newStore();

    protected abstract SandboxStore sandboxStore();

    protected abstract OrganizationStore organizationStore();

    @BeforeEach
    void createStore() {
        store = newStore();
        sandboxes = sandboxStore();
        org = StoredSandboxes.organization(organizationStore(), T0);
    }

    @Test
    void insert_keysAndPassword_findReturnsThemInOrder() {
        SandboxId sandbox = newSandbox();
        List<SshPublicKey> keys = List.of(SshKeys.ed25519(), SshKeys.ed25519(), SshKeys.ed25519());
        var credentials = new SandboxCredentials(sandbox, org, keys, Optional.of(HASH));

        store.insert(credentials);

        assertThat(store.find(sandbox)).contains(credentials);
        assertThat(store.find(sandbox).orElseThrow().password().orElseThrow().encoded()).isEqualTo(HASH.encoded());
    }

    @Test
    void insert_keysOnly_findHasNoPassword() {
        SandboxId sandbox = newSandbox();
        var credentials = new SandboxCredentials(sandbox, org, List.of(SshKeys.ed25519()), Optional.empty());

        store.insert(credentials);

        assertThat(store.find(sandbox)).contains(credentials);
    }

    @Test
    void insert_passwordOnly_findHasNoKeys() {
        SandboxId sandbox = newSandbox();
        var credentials = new SandboxCredentials(sandbox, org, List.of(), Optional.of(HASH));

        store.insert(credentials);

        assertThat(store.find(sandbox).orElseThrow().keys()).isEmpty();
        assertThat(store.find(sandbox)).contains(credentials);
    }

    @Test
    void find_sandboxWithoutCredentials_isEmpty() {
        SandboxId sandbox = newSandbox();
        store.insert(new SandboxCredentials(newSandbox(), org, List.of(SshKeys.ed25519()), Optional.empty()));

        assertThat(store.find(sandbox)).isEmpty();
    }

    @Test
    void insert_sameSandboxTwice_throwsConflictAndKeepsTheFirst() {
        SandboxId sandbox = newSandbox();
        var first = new SandboxCredentials(sandbox, org, List.of(SshKeys.ed25519()), Optional.empty());
        store.insert(first);

        assertThatThrownBy(() -> store.insert(new SandboxCredentials(sandbox, org, List.of(), Optional.of(HASH))))
                .isInstanceOfSatisfying(CorralException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
        assertThat(store.find(sandbox)).contains(first);
    }

    private SandboxId newSandbox() {
        return StoredSandboxes.sandbox(sandboxes, org, T0);
    }
}
