package dev.corral.core.sandbox.ports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.key.ApiKeyService;
import dev.corral.core.key.CreateApiKey;
import dev.corral.core.key.KeyUsageRecorder;
import dev.corral.core.key.Principal;
import dev.corral.core.key.Scope;
import dev.corral.core.org.Tier;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.SandboxStatus;
import dev.corral.core.sandbox.SandboxTestBed;
import dev.corral.core.sandbox.lifecycle.CreateSandbox;
import dev.corral.core.sandbox.lifecycle.RequestedNetwork;
import dev.corral.testkit.fake.InMemoryApiKeyStore;
import dev.corral.testkit.fake.InMemoryPublicPortStore;
import dev.corral.testkit.fake.Principals;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SandboxPortsTest {
    private final SandboxTestBed bed = new SandboxTestBed();
    private final InMemoryApiKeyStore keyStore = new InMemoryApiKeyStore();
    private final ApiKeyService keys = new ApiKeyService(keyStore, bed.organizations,
            new KeyUsageRecorder(keyStore), bed.clock);
    private final InMemoryPublicPortStore publicPorts = new InMemoryPublicPortStore();
    private final SandboxPorts ports = new SandboxPorts(bed.service, bed.runtime, bed.work,
            new PortTokens(new byte[32]), publicPorts, keys, bed.clock);
    private final Principal caller = keyed(bed.caller(Tier.FREE));

    @AfterEach
    void close() {
        bed.close();
    }

    @Test
    void open_runningSandbox_givesItsAddressAndCountsWorkUntilClosed() {
        Sandbox sandbox = bed.running(caller);

        try (PortConnection connection = ports.open(caller, sandbox.id().value(), 8000)) {
            assertThat(connection.address()).isEqualTo(InetAddress.getLoopbackAddress());
            assertThat(connection.port()).isEqualTo(8000);
            assertThat(bed.work.isBusy(sandbox.id())).isTrue();
        }
        assertThat(bed.work.isBusy(sandbox.id())).isFalse();
    }

    @Test
    void open_closed_recordsActivity() {
        Sandbox sandbox = bed.running(caller);
        bed.clock.advance(Duration.ofMinutes(5));

        ports.open(caller, sandbox.id().value(), 8000).close();

        assertThat(bed.stored(sandbox).lastActivity()).isEqualTo(bed.clock.instant());
    }

    @Test
    void open_pausedSandbox_resumesIt() {
        Sandbox sandbox = bed.running(caller);
        bed.service.pause(caller, sandbox.id().value());

        ports.open(caller, sandbox.id().value(), 8000).close();

        assertThat(bed.stored(sandbox).status()).isEqualTo(SandboxStatus.RUNNING);
    }

    @Test
    void open_portOutOfRange_isValidationFailed() {
        Sandbox sandbox = bed.running(caller);

        assertCode(() -> ports.open(caller, sandbox.id().value(), 0), ErrorCode.VALIDATION_FAILED);
        assertCode(() -> ports.open(caller, sandbox.id().value(), 65_536), ErrorCode.VALIDATION_FAILED);
        assertCode(() -> SandboxPorts.parse("http"), ErrorCode.VALIDATION_FAILED);
        assertThat(SandboxPorts.parse("65535")).isEqualTo(65_535);
    }

    @Test
    void open_anotherOrganizationsSandbox_isNotFound() {
        Sandbox sandbox = bed.running(caller);

        assertCode(() -> ports.open(bed.caller(Tier.FREE), sandbox.id().value(), 8000), ErrorCode.NOT_FOUND);
    }

    @Test
    void open_sandboxWithoutNetwork_isInvalidStateNamingWhy() {
        Sandbox sandbox = bed.running(caller, new CreateSandbox("base", Optional.empty(), List.of(), Map.of(),
                Map.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                List.of(), Optional.of(RequestedNetwork.named("none"))));

        assertThatThrownBy(() -> ports.open(caller, sandbox.id().value(), 8000))
                .isInstanceOfSatisfying(CorralException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_STATE);
                    assertThat(e.getMessage()).contains("network \"none\"");
                });
    }

    @Test
    void open_keyWithoutWriteScope_isForbidden() {
        Sandbox sandbox = bed.running(caller);
        Principal reader = Principals.of(caller.organization(), "sandbox:read");

        assertCode(() -> ports.open(reader, sandbox.id().value(), 8000), ErrorCode.FORBIDDEN);
    }

    @Test
    void url_redeemed_standsForTheCallerUntilItExpires() {
        Sandbox sandbox = bed.running(caller);

        SandboxPorts.PortUrl url = ports.url(caller, sandbox.id().value(), 3000);
        String token = url.path().substring(url.path().indexOf("?token=") + 7);

        assertThat(url.path()).startsWith("/v1/sandboxes/" + sandbox.id() + "/ports/3000/?token=");
        assertThat(url.expiresAt()).isEqualTo(bed.clock.instant().plus(SandboxPorts.URL_LIFETIME));
        assertThat(ports.redeem(token, sandbox.id().value(), 3000).key().id()).isEqualTo(caller.key().id());
        assertCode(() -> ports.redeem(token, sandbox.id().value(), 3001), ErrorCode.INVALID_TOKEN);
        bed.clock.advance(SandboxPorts.URL_LIFETIME);
        assertCode(() -> ports.redeem(token, sandbox.id().value(), 3000), ErrorCode.TOKEN_EXPIRED);
    }

    @Test
    void url_keyRevoked_tokenNoLongerHolds() {
        Sandbox sandbox = bed.running(caller);
        SandboxPorts.PortUrl url = ports.url(caller, sandbox.id().value(), 3000);
        String token = url.path().substring(url.path().indexOf("?token=") + 7);

        keys.revoke(caller, caller.key().id());

        assertCode(() -> ports.redeem(token, sandbox.id().value(), 3000), ErrorCode.INVALID_TOKEN);
    }

    @Test
    void url_sandboxWithoutNetworkOrOtherOrganization_isRefused() {
        Sandbox sandbox = bed.running(caller);

        assertCode(() -> ports.url(keyed(bed.caller(Tier.FREE)), sandbox.id().value(), 3000), ErrorCode.NOT_FOUND);
        assertCode(() -> ports.url(caller, sandbox.id().value(), 70_000), ErrorCode.VALIDATION_FAILED);
    }

    @Test
    void listening_pausedSandbox_answersWhatListensWithoutResuming() {
        Sandbox sandbox = bed.running(caller);
        bed.runtime.listen(sandbox.id(), 8000, "0.0.0.0");
        bed.runtime.listen(sandbox.id(), 53, "127.0.0.1");
        bed.service.pause(caller, sandbox.id().value());

        ports.makePublic(caller, sandbox.id().value(), 8000);

        assertThat(ports.listening(caller, sandbox.id().value())).containsExactly(
                new SandboxPorts.ListedPort(53, "127.0.0.1", false), new SandboxPorts.ListedPort(8000, "0.0.0.0", true));
        assertThat(bed.stored(sandbox).status()).isEqualTo(SandboxStatus.PAUSED);
        assertCode(() -> ports.listening(keyed(bed.caller(Tier.FREE)), sandbox.id().value()), ErrorCode.NOT_FOUND);
    }

    @Test
    void makePublic_portOpensWithoutCredentialsAsTheKeyThatOpenedIt() {
        Sandbox sandbox = bed.running(caller);

        PublicPort opened = ports.makePublic(caller, sandbox.id().value(), 3000);

        assertThat(opened).isEqualTo(new PublicPort(sandbox.id(), 3000, caller.organizationId(), caller.key().id(),
                bed.clock.instant()));
        assertThat(ports.publicCaller(sandbox.id().value(), 3000)).get()
                .extracting(principal -> principal.key().id()).isEqualTo(caller.key().id());
        assertThat(ports.publicCaller(sandbox.id().value(), 3001)).isEmpty();
        assertThat(ports.publicCaller("not-an-id", 3000)).isEmpty();
    }

    @Test
    void makePrivate_publicPort_needsCredentialsAgainAndTwiceIsFine() {
        Sandbox sandbox = bed.running(caller);
        ports.makePublic(caller, sandbox.id().value(), 3000);

        ports.makePrivate(caller, sandbox.id().value(), 3000);
        ports.makePrivate(caller, sandbox.id().value(), 3000);

        assertThat(ports.publicCaller(sandbox.id().value(), 3000)).isEmpty();
    }

    @Test
    void publicCaller_keyThatOpenedItRevoked_portIsClosed() {
        Sandbox sandbox = bed.running(caller);
        ports.makePublic(caller, sandbox.id().value(), 3000);

        keys.revoke(caller, caller.key().id());

        assertThat(ports.publicCaller(sandbox.id().value(), 3000)).isEmpty();
    }

    @Test
    void makePublic_pastTheBound_isQuotaExceededButReopeningOneIsNot() {
        Sandbox sandbox = bed.running(caller);
        for (int port = 1; port <= SandboxPorts.MAX_PUBLIC_PORTS; port++) {
            ports.makePublic(caller, sandbox.id().value(), 3000 + port);
        }

        assertCode(() -> ports.makePublic(caller, sandbox.id().value(), 9000), ErrorCode.QUOTA_EXCEEDED);
        assertThat(ports.makePublic(caller, sandbox.id().value(), 3001).port()).isEqualTo(3001);
    }

    @Test
    void makePublic_readOnlyKeyOrOtherOrganizationOrNoNetwork_isRefused() {
        Sandbox sandbox = bed.running(caller);
        Sandbox offline = bed.running(caller, new CreateSandbox("base", Optional.empty(), List.of(), Map.of(),
                Map.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                List.of(), Optional.of(RequestedNetwork.named("none"))));

        assertCode(() -> ports.makePublic(Principals.of(caller.organization(), "sandbox:read"),
                sandbox.id().value(), 3000), ErrorCode.FORBIDDEN);
        assertCode(() -> ports.makePrivate(Principals.of(caller.organization(), "sandbox:read"),
                sandbox.id().value(), 3000), ErrorCode.FORBIDDEN);
        assertCode(() -> ports.makePublic(keyed(bed.caller(Tier.FREE)), sandbox.id().value(), 3000),
                ErrorCode.NOT_FOUND);
        assertCode(() -> ports.makePublic(caller, offline.id().value(), 3000), ErrorCode.INVALID_STATE);
    }

    /** A caller as authenticated by a key the key service issued (a port URL's token names a stored key). */
    private Principal keyed(Principal unstored) {
        return keys.authenticate(keys.issue(unstored.organizationId(), new CreateApiKey("test",
                List.of(Scope.parse("scopes", "*")), Optional.empty(), false)).secret().reveal());
    }

    private static void assertCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(CorralException.class, e -> assertThat(e.code())
                .isEqualTo(code));
    }
}
