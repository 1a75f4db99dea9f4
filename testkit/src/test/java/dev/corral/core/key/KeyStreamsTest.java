package dev.corral.core.key;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.org.Organization;
import dev.corral.core.org.Tier;
import dev.corral.testkit.ManualClock;
import dev.corral.testkit.fake.InMemoryApiKeyStore;
import dev.corral.testkit.fake.InMemoryOrganizationStore;
import dev.corral.testkit.fake.Principals;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class KeyStreamsTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final InMemoryApiKeyStore keys = new InMemoryApiKeyStore();
    private final InMemoryOrganizationStore organizations = new InMemoryOrganizationStore();
    private final ApiKeyService service = new ApiKeyService(keys, organizations, new KeyUsageRecorder(keys), clock);
    private final KeyStreams streams = service.streams();
    private final Organization organization = Principals.organization(Tier.PRO);
    private final Principal admin = Principals.of(organization);
    private final List<ErrorCode> ended = new CopyOnWriteArrayList<>();

    KeyStreamsTest() {
        organizations.insert(organization);
    }

    @Test
    void revoke_ofAKeyWithStreamsOpen_endsEachOnceWithInvalidToken() {
        Principal caller = authenticated(Optional.empty());
        KeyStreams.Opened first = streams.open(caller, this::record);
        streams.open(caller, this::record);

        service.revoke(admin, caller.key().id());
        service.revoke(admin, caller.key().id());

        assertThat(ended).containsExactly(ErrorCode.INVALID_TOKEN, ErrorCode.INVALID_TOKEN);
        assertThat(first.endedBy()).hasValueSatisfying(e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TOKEN));
        assertThat(streams.openUnder(caller.key().id())).isZero();
    }

    @Test
    void sweep_afterTheKeyExpired_endsItsStreamsWithTokenExpired() {
        Principal caller = authenticated(Optional.of(Duration.ofHours(1)));
        streams.open(caller, this::record);
        streams.sweep();
        assertThat(ended).isEmpty();

        clock.advance(Duration.ofHours(1));
        streams.sweep();

        assertThat(ended).containsExactly(ErrorCode.TOKEN_EXPIRED);
    }

    @Test
    void sweep_keyRevokedInTheStoreByAnotherServer_endsItsStreams() {
        Principal caller = authenticated(Optional.empty());
        streams.open(caller, this::record);

        keys.revoke(organization.id(), caller.key().id(), clock.instant());
        streams.sweep();

        assertThat(ended).containsExactly(ErrorCode.INVALID_TOKEN);
    }

    @Test
    void revoke_afterTheStreamClosed_endsNothing() {
        Principal caller = authenticated(Optional.empty());
        Principal other = authenticated(Optional.empty());
        streams.open(caller, this::record).close();
        KeyStreams.Opened untouched = streams.open(other, this::record);

        service.revoke(admin, caller.key().id());

        assertThat(ended).isEmpty();
        assertThat(untouched.endedBy()).isEmpty();
        assertThat(streams.openUnder(other.key().id())).isEqualTo(1);
    }

    private Principal authenticated(Optional<Duration> expiresIn) {
        IssuedKey issued = service.issue(organization.id(), new CreateApiKey("stream", List.of(), expiresIn, false));
        return service.authenticate(issued.secret().reveal());
    }

    private void record(CorralException e) {
        ended.add(e.code());
    }
}
