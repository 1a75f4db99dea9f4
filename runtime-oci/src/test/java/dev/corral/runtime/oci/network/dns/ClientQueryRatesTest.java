package dev.corral.runtime.oci.network.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.ManualClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ClientQueryRatesTest {
    private static final InetAddress ONE = new InetSocketAddress("10.0.0.1", 0).getAddress();
    private static final InetAddress TWO = new InetSocketAddress("10.0.0.2", 0).getAddress();

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void tryTake_burstSpent_refusedUntilTheRateRefills() {
        ClientQueryRates rates = new ClientQueryRates(clock, 2, 2, 10);

        assertThat(rates.tryTake(ONE)).isTrue();
        assertThat(rates.tryTake(ONE)).isTrue();
        assertThat(rates.tryTake(ONE)).isFalse();
        assertThat(rates.tryTake(TWO)).isTrue();
        clock.advance(Duration.ofMillis(500));
        assertThat(rates.tryTake(ONE)).isTrue();
        assertThat(rates.tryTake(ONE)).isFalse();
    }

    @Test
    void tryTake_longIdle_refillsNoMoreThanTheBurst() {
        ClientQueryRates rates = new ClientQueryRates(clock, 1, 2, 10);
        rates.tryTake(ONE);
        clock.advance(Duration.ofHours(1));

        assertThat(rates.tryTake(ONE)).isTrue();
        assertThat(rates.tryTake(ONE)).isTrue();
        assertThat(rates.tryTake(ONE)).isFalse();
    }

    @Test
    void forget_client_startsAgainWithAFullBurst() {
        ClientQueryRates rates = new ClientQueryRates(clock, 1, 1, 10);
        rates.tryTake(ONE);

        rates.forget(ONE);

        assertThat(rates.tryTake(ONE)).isTrue();
    }
}
