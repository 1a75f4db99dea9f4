package dev.corral.runtime.oci.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.plan.Bandwidth;
import dev.corral.core.sandbox.Ipv4Subnet;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NetworkSlotsTest {
    private final Ipv4Subnet subnet = Ipv4Subnet.parse("10.89.0.0/29");
    private final Bandwidth rate = Bandwidth.ofMegabits(50);

    @Test
    void reserve_takesAddressesDownwardsFromTheTop_neverTheBroadcastOrHeldOnes() {
        var slots = new NetworkSlots(subnet, "corral0", 2);

        int first = slots.reserve(Set.of(subnet.address(6)));
        int second = slots.reserve(Set.of());

        assertThat(Ipv4Subnet.text(first)).isEqualTo("10.89.0.5");
        assertThat(Ipv4Subnet.text(second)).isEqualTo("10.89.0.4");
        assertThat(slots.addresses()).containsExactlyInAnyOrder(first, second);
        assertThat(slots.all()).containsEntry(first, NetworkNames.ofSlot("corral0", first));
    }

    @Test
    void reserve_beyondTheCapacity_isRefused() {
        var slots = new NetworkSlots(subnet, "corral0", 1);
        slots.reserve(Set.of());

        assertThat(slots.wanted()).isFalse();
        assertThatThrownBy(() -> slots.reserve(Set.of())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void reserve_anAddressGivenBack_isNotGivenAgainBeforeTheOthers() {
        var slots = new NetworkSlots(subnet, "corral0", 1);
        int first = slots.reserve(Set.of());
        slots.drop(first);

        int second = slots.reserve(Set.of());

        assertThat(second).isNotEqualTo(first);
    }

    @Test
    void reserve_everyAddressHeld_isARuntimeUnavailable() {
        var slots = new NetworkSlots(subnet, "corral0", 1);
        var held = new HashSet<Integer>();
        for (long offset = 2; offset < subnet.size() - 1; offset++) {
            held.add(subnet.address(offset));
        }

        assertThatThrownBy(() -> slots.reserve(held)).isInstanceOfSatisfying(CorralException.class, e ->
                assertThat(e.code()).isEqualTo(ErrorCode.RUNTIME_UNAVAILABLE));
    }

    @Test
    void allocate_withSlotsHeld_givesSandboxesOtherAddresses() {
        var slots = new NetworkSlots(subnet, "corral0", 4);
        for (int i = 0; i < 4; i++) {
            slots.reserve(Set.of());
        }

        int sandbox = new AddressAllocator(subnet).allocate(slots.addresses());

        assertThat(Ipv4Subnet.text(sandbox)).isEqualTo("10.89.0.2");
        assertThat(slots.addresses()).doesNotContain(sandbox);
    }

    @Test
    void claim_nothingReady_isEmpty_andAReservedSlotIsNotClaimed() {
        var slots = new NetworkSlots(subnet, "corral0", 2);
        slots.reserve(Set.of());

        assertThat(slots.claim()).isEmpty();
    }

    @Test
    void claim_readySlots_givesTheFirstMadeWithItsRate_andWantsAnother() {
        var slots = new NetworkSlots(subnet, "corral0", 2);
        int first = slots.reserve(Set.of());
        int second = slots.reserve(Set.of());
        slots.ready(second, rate);
        slots.ready(first, rate);

        NetworkSlots.Slot claimed = slots.claim().orElseThrow();

        assertThat(claimed).isEqualTo(new NetworkSlots.Slot(second, NetworkNames.ofSlot("corral0", second), rate));
        assertThat(slots.addresses()).containsExactly(first);
        assertThat(slots.wanted()).isTrue();
    }

    @Test
    void ready_anAddressNotReserved_isRefused() {
        var slots = new NetworkSlots(subnet, "corral0", 2);

        assertThatThrownBy(() -> slots.ready(subnet.address(3), rate)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void drop_aReadySlot_forgetsIt() {
        var slots = new NetworkSlots(subnet, "corral0", 1);
        int address = slots.reserve(Set.of());
        slots.ready(address, rate);

        slots.drop(address);

        assertThat(slots.claim()).isEmpty();
        assertThat(slots.addresses()).isEmpty();
        assertThat(slots.wanted()).isTrue();
    }
}
