package dev.corral.runtime.oci.network.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class UpstreamSlotsTest {
    private static final InetAddress ONE = new InetSocketAddress("10.0.0.1", 0).getAddress();
    private static final InetAddress TWO = new InetSocketAddress("10.0.0.2", 0).getAddress();
    private static final InetAddress THREE = new InetSocketAddress("10.0.0.3", 0).getAddress();

    @Test
    void tryTake_pastTheClientsBound_refusedWhileOthersStillGetSlots() {
        UpstreamSlots slots = new UpstreamSlots(10, 2);

        assertThat(slots.tryTake(ONE)).isTrue();
        assertThat(slots.tryTake(ONE)).isTrue();
        assertThat(slots.tryTake(ONE)).isFalse();
        assertThat(slots.tryTake(TWO)).isTrue();
        slots.release(ONE);
        assertThat(slots.tryTake(ONE)).isTrue();
    }

    @Test
    void tryTake_pastTheTotal_refusedUntilOneIsReleased() {
        UpstreamSlots slots = new UpstreamSlots(2, 2);

        assertThat(slots.tryTake(ONE)).isTrue();
        assertThat(slots.tryTake(TWO)).isTrue();
        assertThat(slots.tryTake(THREE)).isFalse();
        slots.release(TWO);
        assertThat(slots.tryTake(THREE)).isTrue();
    }

    @Test
    void tryTake_refusedByTheClientsBound_doesNotKeepATotalSlot() {
        UpstreamSlots slots = new UpstreamSlots(2, 1);

        assertThat(slots.tryTake(ONE)).isTrue();
        assertThat(slots.tryTake(ONE)).isFalse();
        assertThat(slots.tryTake(TWO)).isTrue();
    }
}
