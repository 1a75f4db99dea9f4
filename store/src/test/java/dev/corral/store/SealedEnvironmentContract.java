package dev.corral.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.org.Organization;
import dev.corral.core.org.OrganizationId;
import dev.corral.core.org.Tier;
import dev.corral.core.sandbox.Resources;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sandbox environment values at rest, on either database: sealed in the table, opened when read, plaintext rows
 * from before encryption still read and sealed at start, and a wrong key refused at start.
 */
abstract class SealedEnvironmentContract {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final SecretBox secrets = SecretBox.withKey(SecretBox.newKey());
    private JdbiSandboxStore store;
    private OrganizationId org;

    protected abstract Database database();

    @BeforeEach
    void createStore() {
        // Each test seals with a key of its own; PostgreSQL keeps one schema for the class, so earlier tests' values
        // (and their keys, now gone) would be found by the start-up pass.
        database().jdbi().useHandle(handle -> handle.createUpdate("DELETE FROM sandbox_env").execute());
        store = new JdbiSandboxStore(database().jdbi(), secrets);
        org = OrganizationId.random();
        new JdbiOrganizationStore(database().jdbi()).insert(new Organization(org, "Acme", org.toString(), Tier.FREE,
                false, T0));
    }

    @Test
    void insert_withEnv_keepsTheValuesSealedInTheTable() {
        Sandbox sandbox = insert(Map.of("API_TOKEN", "tok-secret-123", "EMPTY", ""));

        assertThat(storedValue(sandbox.id(), "API_TOKEN")).startsWith("v1:").doesNotContain("tok-secret-123");
        assertThat(storedValue(sandbox.id(), "EMPTY")).startsWith("v1:");
        assertThat(store.find(org, sandbox.id()).orElseThrow().env())
                .isEqualTo(Map.of("API_TOKEN", "tok-secret-123", "EMPTY", ""));
    }

    @Test
    void find_plaintextRowFromBeforeEncryption_readsAsItIs() {
        Sandbox sandbox = insert(Map.of("OLD", "x"));
        writeStoredValue(sandbox.id(), "OLD", "written-in-clear");

        assertThat(store.find(org, sandbox.id()).orElseThrow().env()).isEqualTo(Map.of("OLD", "written-in-clear"));
    }

    @Test
    void sealPlaintextEnv_plaintextRows_sealsThemAndTheyReadTheSame() {
        Sandbox sandbox = insert(Map.of("OLD", "x", "NEW", "sealed-already"));
        writeStoredValue(sandbox.id(), "OLD", "written-in-clear");

        assertThat(store.sealPlaintextEnv()).isEqualTo(1);

        assertThat(storedValue(sandbox.id(), "OLD")).startsWith("v1:").doesNotContain("written-in-clear");
        assertThat(store.find(org, sandbox.id()).orElseThrow().env())
                .isEqualTo(Map.of("OLD", "written-in-clear", "NEW", "sealed-already"));
        assertThat(store.sealPlaintextEnv()).isZero();
    }

    @Test
    void sealPlaintextEnv_valuesSealedWithAnotherKey_failsBeforeTouchingThem() {
        Sandbox sandbox = insert(Map.of("TOKEN", "t"));
        String sealed = storedValue(sandbox.id(), "TOKEN");
        var otherKey = new JdbiSandboxStore(database().jdbi(), SecretBox.withKey(SecretBox.newKey()));

        assertThatThrownBy(otherKey::sealPlaintextEnv).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("another key");
        assertThat(storedValue(sandbox.id(), "TOKEN")).isEqualTo(sealed);
    }

    @Test
    void find_sealedValueCopiedFromAnotherSandbox_doesNotOpen() {
        Sandbox source = insert(Map.of("TOKEN", "theirs"));
        Sandbox target = insert(Map.of("TOKEN", "mine"));
        writeStoredValue(target.id(), "TOKEN", storedValue(source.id(), "TOKEN"));

        assertThatThrownBy(() -> store.find(org, target.id())).isInstanceOf(IllegalStateException.class);
    }

    private Sandbox insert(Map<String, String> env) {
        var sandbox = new Sandbox(SandboxId.random(), org, Optional.empty(), "base", SandboxStatus.RUNNING, List.of(),
                Map.of(), env, List.of(), Resources.of(1, "512MB", "1GB"), Duration.ofMinutes(5), Duration.ZERO,
                Optional.empty(), T0, T0, Optional.empty(), Optional.empty(), false);
        store.insert(sandbox);
        return sandbox;
    }

    private String storedValue(SandboxId id, String name) {
        return database().jdbi().withHandle(handle -> handle
                .createQuery("SELECT value FROM sandbox_env WHERE sandbox_id = :id AND name = :name")
                .bind("id", id.toString()).bind("name", name).mapTo(String.class).one());
    }

    private void writeStoredValue(SandboxId id, String name, String value) {
        database().jdbi().useHandle(handle -> handle
                .createUpdate("UPDATE sandbox_env SET value = :value WHERE sandbox_id = :id AND name = :name")
                .bind("id", id.toString()).bind("name", name).bind("value", value).execute());
    }
}
