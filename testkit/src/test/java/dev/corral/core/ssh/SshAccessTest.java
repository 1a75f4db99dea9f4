package dev.corral.core.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.key.Principal;
import dev.corral.core.org.Tier;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.SandboxTestBed;
import dev.corral.core.sandbox.exec.ExecResult;
import dev.corral.core.sandbox.exec.ExecStream;
import dev.corral.core.sandbox.terminal.Terminal;
import dev.corral.core.sandbox.terminal.TerminalLimits;
import dev.corral.core.sandbox.terminal.TerminalSize;
import dev.corral.core.sandbox.terminal.TerminalSpec;
import dev.corral.testkit.SshKeys;
import dev.corral.testkit.fake.InMemorySshKeyStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SshAccessTest {
    private final SandboxTestBed bed = new SandboxTestBed();
    private final InMemorySshKeyStore keys = new InMemorySshKeyStore();
    private final SshKeyService keyService = new SshKeyService(keys, bed.clock);
    private final SshAccess access = new SshAccess(bed.service, keys,
            Optional.of(new SshEndpoint("sandbox.example.com", 2222)));
    private final SshLogins logins = new SshLogins(bed.store, keys, bed.credentials, bed.organizations,
            bed.passwords);
    private final SshSessions sessions = new SshSessions(bed.executions, bed.service, bed.terminals, bed.work, 3, 2);
    private final Principal owner = bed.caller(Tier.PRO);

    @AfterEach
    void close() {
        bed.close();
    }

    @Test
    void connection_gatewayOn_givesCommandAndNewestKey() {
        Sandbox sandbox = bed.running(owner);
        keyService.add(owner, new NewSshKey("old", SshKeys.ed25519Text("a")));
        bed.clock.advance(java.time.Duration.ofSeconds(1));
        SshKey newest = keyService.add(owner, new NewSshKey("new", SshKeys.ed25519Text("b")));

        SshConnection connection = access.connection(owner, sandbox.id().toString());

        assertThat(connection).isEqualTo(new SshConnection("sandbox.example.com", 2222, sandbox.id().toString(),
                "ssh -p 2222 " + sandbox.id() + "@sandbox.example.com", Optional.of(newest.id())));
    }

    @Test
    void connection_gatewayOff_throwsConflict_unknownSandbox_throwsNotFound() {
        Sandbox sandbox = bed.running(owner);
        var off = new SshAccess(bed.service, keys, Optional.empty());

        assertCode(() -> off.connection(owner, sandbox.id().toString()), ErrorCode.CONFLICT);
        assertCode(() -> access.connection(bed.caller(Tier.PRO), sandbox.id().toString()), ErrorCode.NOT_FOUND);
        assertThat(access.connection(owner, sandbox.id().toString()).keyId()).isEmpty();
    }

    @Test
    void login_keyOfTheSandboxesOrganization_actsAsThatOrganizationWithExecScopesOnly() {
        Sandbox sandbox = bed.running(owner);
        SshKey key = keyService.add(owner, new NewSshKey("laptop", SshKeys.ed25519Text("a")));

        SshLogin login = logins.login(sandbox.id().toString(), key.fingerprint()).orElseThrow();

        assertThat(login.sandbox()).isEqualTo(sandbox.id());
        assertThat(login.credential()).isEqualTo("key " + key.id());
        assertThat(login.principal().organization()).isEqualTo(owner.organization());
        assertThat(login.principal().key().scopes()).extracting(Object::toString)
                .containsExactly("sandbox:read", "sandbox:write");
    }

    @Test
    void login_unknownKeyOtherOrganizationOrNotASandbox_isEmpty() {
        Sandbox sandbox = bed.running(owner);
        Principal stranger = bed.caller(Tier.PRO);
        SshKey strangersKey = keyService.add(stranger, new NewSshKey("theirs", SshKeys.ed25519Text("s")));
        SshKey mine = keyService.add(owner, new NewSshKey("mine", SshKeys.ed25519Text("m")));

        assertThat(logins.login(sandbox.id().toString(), "SHA256:unknown")).isEmpty();
        assertThat(logins.login(sandbox.id().toString(), strangersKey.fingerprint())).isEmpty();
        assertThat(logins.login("root", mine.fingerprint())).isEmpty();
        assertThat(logins.login("sandbox-000000000000", mine.fingerprint())).isEmpty();
    }

    @Test
    void login_keyRegisteredByBothOrganizations_entersOnlyAsTheSandboxesOwner() {
        Principal stranger = bed.caller(Tier.PRO);
        Sandbox theirs = bed.running(stranger);
        String text = SshKeys.ed25519Text("shared");
        keyService.add(owner, new NewSshKey("mine", text));
        keyService.add(stranger, new NewSshKey("theirs", text));

        SshLogin login = logins.login(theirs.id().toString(), SshPublicKey.parse("k", text).fingerprint())
                .orElseThrow();

        assertThat(login.principal().organizationId()).isEqualTo(stranger.organizationId());
    }

    @Test
    void sessionExec_streamsStdinThroughTheSandbox() throws InterruptedException {
        Sandbox sandbox = bed.running(owner);
        SshKey key = keyService.add(owner, new NewSshKey("laptop", SshKeys.ed25519Text("a")));
        SshLogin login = logins.login(sandbox.id().toString(), key.fingerprint()).orElseThrow();

        try (SshSessions.Session session = sessions.open(login);
             ExecStream stream = session.exec("cat", Map.of(),
                     new ByteArrayInputStream("typed".getBytes(StandardCharsets.UTF_8)))) {
            ExecResult result = ExecResult.drain(stream);

            assertThat(result.stdoutText()).isEqualTo("typed");
            assertThat(result.exitCode()).isZero();
            assertThat(bed.work.isBusy(sandbox.id())).isTrue();
        }
        assertThat(bed.work.isBusy(sandbox.id())).isFalse();
        assertThat(sessions.open()).isZero();
    }

    @Test
    void open_pastThePerSandboxOrServerLimit_refusesAtOnce() {
        SshLogin first = login(bed.running(owner));
        SshLogin second = login(bed.running(owner));
        SshSessions.Session a = sessions.open(first);
        SshSessions.Session b = sessions.open(first);

        assertCode(() -> sessions.open(first), ErrorCode.QUOTA_EXCEEDED);
        SshSessions.Session c = sessions.open(second);
        assertCode(() -> sessions.open(second), ErrorCode.RATE_LIMITED);

        a.close();
        a.close();
        assertThat(sessions.open()).isEqualTo(2);
        sessions.open(first).close();
        b.close();
        c.close();
        assertThat(sessions.open()).isZero();
    }

    @Test
    void sessionTerminal_countsWithTheSandboxesOtherTerminals() {
        Sandbox sandbox = bed.running(owner);
        var shell = new TerminalSpec(Optional.empty(), "/workspace", Map.of(), TerminalSize.DEFAULT);
        var open = new ArrayList<Terminal>();
        for (int i = 0; i < TerminalLimits.DEFAULTS.terminalsPerSandbox() - 1; i++) {
            open.add(bed.terminals.open(owner, sandbox.id().toString(), shell));
        }
        try (SshSessions.Session session = sessions.open(login(sandbox))) {
            open.add(session.terminal(shell));

            assertThat(bed.terminals.openTerminals()).isEqualTo(TerminalLimits.DEFAULTS.terminalsPerSandbox());
            assertCode(() -> session.terminal(shell), ErrorCode.QUOTA_EXCEEDED);
        } finally {
            open.forEach(Terminal::close);
        }
        assertThat(bed.terminals.openTerminals()).isZero();
    }

    private SshLogin login(Sandbox sandbox) {
        SshKey key = keys.newest(owner.organizationId()).orElseGet(() ->
                keyService.add(owner, new NewSshKey("laptop", SshKeys.ed25519Text("a"))));
        return logins.login(sandbox.id().toString(), key.fingerprint()).orElseThrow();
    }

    private static void assertCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(CorralException.class,
                e -> assertThat(e.code()).isEqualTo(code));
    }
}
