package dev.corral.runtime.oci.network.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DnsForwarderSettingsTest {
    private static final List<InetSocketAddress> UPSTREAM = List.of(new InetSocketAddress("192.0.2.53", 53));

    @Test
    void pinFor_ttlOutsideTheRange_isClampedToIt() {
        DnsForwarderSettings settings = DnsForwarderSettings.defaults(UPSTREAM);

        assertThat(settings.pinFor(Duration.ZERO)).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.pinFor(Duration.ofMinutes(5))).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.pinFor(Duration.ofDays(2))).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void create_noUpstream_throws() {
        assertThatThrownBy(() -> DnsForwarderSettings.defaults(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one upstream");
    }

    @Test
    void withQueryRate_zero_throwsNamingTheKey() {
        assertThatThrownBy(() -> DnsForwarderSettings.defaults(UPSTREAM).withQueryRate(0, 10))
                .hasMessage("queriesPerSecond must be at least 1");
    }

    @Test
    void withUpstreamTimeout_zero_throwsNamingTheKey() {
        assertThatThrownBy(() -> DnsForwarderSettings.defaults(UPSTREAM).withUpstreamTimeout(Duration.ZERO))
                .hasMessage("upstreamTimeout must be a positive duration");
    }
}
