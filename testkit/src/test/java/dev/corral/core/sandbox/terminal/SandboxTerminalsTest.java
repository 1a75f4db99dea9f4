package dev.corral.core.sandbox.terminal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.key.Principal;
import dev.corral.core.org.Tier;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.SandboxState;
import dev.corral.core.sandbox.SandboxStatus;
import dev.corral.core.sandbox.SandboxTestBed;
import dev.corral.testkit.fake.FakeTerminal;
import dev.corral.testkit.fake.Principals;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SandboxTerminalsTest {
    private static final TerminalSpec SHELL = new TerminalSpec(Optional.empty(), "/workspace", Map.of(),
            TerminalSize.DEFAULT);

    private final SandboxTestBed bed = new SandboxTestBed();
    private final SandboxTerminals terminals = bed.terminals;
    private final Principal caller = bed.caller(Tier.FREE);
    private final Sandbox sandbox = bed.running(caller);
    private final String id = sandbox.id().value();

    @AfterEach
    void close() {
        bed.close();
    }

    @Test
    void createSession_ownSandbox_isARandomUuidThatExpiresInSixtySeconds() {
        TerminalSession session = terminals.createSession(caller, id);
        TerminalSession another = terminals.createSession(caller, id);

        assertThat(UUID.fromString(session.id()).version()).isEqualTo(4);
        assertThat(session.id()).isNotEqualTo(another.id());
        assertThat(session.sandboxId()).isEqualTo(sandbox.id());
        assertThat(session.expiresAt()).isEqualTo(bed.clock.instant().plusSeconds(60));
    }

    @Test
    void redeemSession_once_standsForTheCallerWhoMintedItAndOnlyOnce() {
        TerminalSession session = terminals.createSession(caller, id);

        SandboxTerminals.Claim claim = terminals.redeemSession(session.id());

        assertThat(claim.caller()).isEqualTo(caller);
        assertThat(claim.sandbox()).isEqualTo(sandbox.id());
        assertCode(() -> terminals.redeemSession(session.id()), ErrorCode.NOT_FOUND);
    }

    @Test
    void redeemSession_afterSixtySeconds_isNotFound() {
        TerminalSession session = terminals.createSession(caller, id);

        bed.clock.advance(Duration.ofSeconds(60));

        assertCode(() -> terminals.redeemSession(session.id()), ErrorCode.NOT_FOUND);
    }

    @Test
    void redeemSession_unknownOrMissingId_isNotFound() {
        assertCode(() -> terminals.redeemSession(UUID.randomUUID().toString()), ErrorCode.NOT_FOUND);
        assertCode(() -> terminals.redeemSession(null), ErrorCode.NOT_FOUND);
    }

    @Test
    void createSession_anotherOrganizationsSandbox_isNotFound() {
        Principal stranger = bed.caller(Tier.FREE);

        assertCode(() -> terminals.createSession(stranger, id), ErrorCode.NOT_FOUND);
        assertCode(() -> terminals.open(stranger, id, SHELL), ErrorCode.NOT_FOUND);
    }

    @Test
    void createSessionAndOpen_keyWithoutSandboxWrite_areForbidden() {
        Principal reader = Principals.of(caller.organization(), "sandbox:read", "files:write");

        assertCode(() -> terminals.createSession(reader, id), ErrorCode.FORBIDDEN);
        assertCode(() -> terminals.open(reader, id, SHELL), ErrorCode.FORBIDDEN);
    }

    @Test
    void createSession_pastTheOrganizationsUnusedSessions_isRateLimitedUntilOneIsUsedOrExpires() {
        List<TerminalSession> minted = new ArrayList<>();
        for (int i = 0; i < TerminalLimits.DEFAULTS.sessionsPerOrganization(); i++) {
            minted.add(terminals.createSession(caller, id));
        }

        assertCode(() -> terminals.createSession(caller, id), ErrorCode.RATE_LIMITED);
        Principal other = bed.caller(Tier.FREE);
        terminals.createSession(other, bed.running(other).id().value());

        terminals.redeemSession(minted.getFirst().id());
        terminals.createSession(caller, id);
        assertCode(() -> terminals.createSession(caller, id), ErrorCode.RATE_LIMITED);
        bed.clock.advance(Duration.ofSeconds(61));
        terminals.createSession(caller, id);
    }

    @Test
    void open_typedLine_isEchoedAnsweredAndExitEndsWithItsCode() throws Exception {
        try (Terminal terminal = terminals.open(caller, id, SHELL)) {
            var screen = new TerminalScreen(terminal);
            screen.awaitText(FakeTerminal.PROMPT);

            type(terminal, "echo hi\r");
            screen.awaitText("echo hi\r\nhi\r\n");
            type(terminal, "exit 3\r");
            screen.awaitEnd();

            assertThat(terminal.exitCode()).hasValue(3);
        }
    }

    @Test
    void open_resize_isWhatTheCommandSees() throws Exception {
        try (Terminal terminal = terminals.open(caller, id, SHELL)) {
            var screen = new TerminalScreen(terminal);

            terminal.resize(new TerminalSize(132, 40));
            type(terminal, "stty size\r");

            screen.awaitText("40 132\r\n");
        }
    }

    @Test
    void open_pausedSandbox_resumesIt() {
        bed.service.pause(caller, id);

        try (Terminal terminal = terminals.open(caller, id, SHELL)) {
            assertThat(bed.stored(sandbox).status()).isEqualTo(SandboxStatus.RUNNING);
            assertThat(bed.runtime.state(sandbox.id())).isEqualTo(SandboxState.RUNNING);
        }
    }

    @Test
    void open_pastTheSandboxsTerminals_isQuotaExceededUntilOneCloses() {
        List<Terminal> open = new ArrayList<>();
        try {
            for (int i = 0; i < TerminalLimits.DEFAULTS.terminalsPerSandbox(); i++) {
                open.add(terminals.open(caller, id, SHELL));
            }

            assertCode(() -> terminals.open(caller, id, SHELL), ErrorCode.QUOTA_EXCEEDED);
            Sandbox another = bed.running(caller);
            open.add(terminals.open(caller, another.id().value(), SHELL));

            open.removeFirst().close();
            open.add(terminals.open(caller, id, SHELL));
            assertThat(terminals.openTerminals()).isEqualTo(TerminalLimits.DEFAULTS.terminalsPerSandbox() + 1);
        } finally {
            open.forEach(Terminal::close);
        }
        assertThat(terminals.openTerminals()).isZero();
    }

    @Test
    void open_whileOpen_countsAsWorkAndTrafficAsActivityAtMostOncePerInterval() throws Exception {
        Instant opened = bed.clock.instant();
        try (Terminal terminal = terminals.open(caller, id, SHELL)) {
            assertThat(bed.work.isBusy(sandbox.id())).isTrue();

            bed.clock.advance(Duration.ofSeconds(2));
            type(terminal, "e");
            assertThat(bed.stored(sandbox).lastActivity()).isEqualTo(opened);

            bed.clock.advance(Duration.ofSeconds(4));
            type(terminal, "c");
            assertThat(bed.stored(sandbox).lastActivity()).isEqualTo(opened.plusSeconds(6));

            bed.clock.advance(Duration.ofMinutes(1));
        }

        assertThat(bed.work.isBusy(sandbox.id())).isFalse();
        assertThat(bed.stored(sandbox).lastActivity()).isEqualTo(opened.plusSeconds(66));
    }

    @Test
    void delete_sandboxWithATerminal_endsItWithoutAnExitCode() throws Exception {
        Terminal terminal = terminals.open(caller, id, SHELL);
        var screen = new TerminalScreen(terminal);

        bed.service.delete(caller, id);

        screen.awaitEnd();
        assertThat(terminal.exitCode()).isEmpty();
        assertThat(terminals.openTerminals()).isZero();
    }

    @Test
    void open_stoppedSandbox_isInvalidStateAndHoldsNoPlace() {
        bed.service.delete(caller, id);

        assertCode(() -> terminals.open(caller, id, SHELL), ErrorCode.INVALID_STATE);
        assertThat(terminals.openTerminals()).isZero();
        assertThat(bed.work.isBusy(sandbox.id())).isFalse();
    }

    @Test
    void open_aCommand_runsItAndEndsWithItsStatus() throws Exception {
        var spec = new TerminalSpec(Optional.of("echo once; exit 4"), "/workspace", Map.of(), TerminalSize.DEFAULT);
        try (Terminal terminal = terminals.open(caller, id, spec)) {
            var screen = new TerminalScreen(terminal);
            screen.awaitEnd();

            assertThat(screen.text()).isEqualTo("once\r\n");
            assertThat(terminal.exitCode()).hasValue(4);
        }
    }

    private static void type(Terminal terminal, String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        terminal.write(bytes, 0, bytes.length);
    }

    private static void assertCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.code())
                .isEqualTo(code));
    }
}
