package dev.corral.runtime.oci.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.sandbox.Ipv4Subnet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AddressAllocatorTest {
    private final Ipv4Subnet subnet = Ipv4Subnet.parse("10.89.0.0/29");
    private final AddressAllocator allocator = new AddressAllocator(subnet);

    @Test
    void allocate_nothingHeld_givesTheAddressAfterTheBridge() {
        assertThat(Ipv4Subnet.text(allocator.allocate(Set.of()))).isEqualTo("10.89.0.2");
    }

    @Test
    void allocate_someHeld_givesTheLowestFreeOne() {
        int held = allocator.allocate(Set.of());

        int next = allocator.allocate(Set.of(held, subnet.address(4)));

        assertThat(Ipv4Subnet.text(next)).isEqualTo("10.89.0.3");
    }

    @Test
    void allocate_everyHostHeld_isRuntimeUnavailableAndNeverTheBroadcast() {
        Set<Integer> held = Set.of(subnet.address(2), subnet.address(3), subnet.address(4), subnet.address(5),
                subnet.address(6));

        assertThatThrownBy(() -> allocator.allocate(held)).isInstanceOfSatisfying(CorralException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.RUNTIME_UNAVAILABLE))
                .hasMessageContaining("10.89.0.0/29");
    }
}
