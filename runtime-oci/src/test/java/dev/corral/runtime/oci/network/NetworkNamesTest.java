package dev.corral.runtime.oci.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.sandbox.Ipv4Subnet;
import dev.corral.core.sandbox.SandboxId;
import org.junit.jupiter.api.Test;

class NetworkNamesTest {
    private final int address = Ipv4Subnet.parse("10.89.255.254/32").network();

    @Test
    void ofSandbox_derivesBothNamesFromTheId() {
        SandboxId id = SandboxId.random();
        String suffix = id.value().substring(id.value().indexOf('-') + 1);

        NetworkNames names = NetworkNames.ofSandbox("corral0", id);

        assertThat(names).isEqualTo(new NetworkNames("corral0-" + suffix, "cr" + suffix));
    }

    @Test
    void ofSlot_namesTheBridgeAndTheAddress_withinTheKernelsFifteenCharacters() {
        NetworkNames names = NetworkNames.ofSlot("corral0", address);

        assertThat(names.namespace()).isEqualTo("corral0-slot-0a59fffe");
        assertThat(names.veth()).startsWith("cs").endsWith("0a59fffe").hasSizeLessThanOrEqualTo(15);
    }

    @Test
    void ofSlot_otherBridgesOrAddresses_neverShareAName() {
        NetworkNames one = NetworkNames.ofSlot("corral0", address);
        NetworkNames otherBridge = NetworkNames.ofSlot("corralb0", address);
        NetworkNames otherAddress = NetworkNames.ofSlot("corral0", address - 1);

        assertThat(otherBridge.namespace()).isNotEqualTo(one.namespace());
        assertThat(otherBridge.veth()).isNotEqualTo(one.veth());
        assertThat(otherAddress.namespace()).isNotEqualTo(one.namespace());
        assertThat(otherAddress.veth()).isNotEqualTo(one.veth());
    }

    @Test
    void ofSlotNamespace_aSlotOfTheBridge_givesItsNames() {
        NetworkNames slot = NetworkNames.ofSlot("corral0", address);

        assertThat(NetworkNames.ofSlotNamespace("corral0", slot.namespace())).contains(slot);
    }

    @Test
    void ofSlotNamespace_aSandboxsOrAnotherBridgesNamespace_isNoSlot() {
        assertThat(NetworkNames.ofSlotNamespace("corral0", NetworkNames.ofSandbox("corral0", SandboxId.random())
                .namespace())).isEmpty();
        assertThat(NetworkNames.ofSlotNamespace("corral0", NetworkNames.ofSlot("corral00", address).namespace()))
                .isEmpty();
        assertThat(NetworkNames.ofSlotNamespace("corral0", "corral0-slot-0A59FFFE")).isEmpty();
        assertThat(NetworkNames.ofSlotNamespace("corral0", "corral0-slot-xyz12345")).isEmpty();
    }

    @Test
    void parse_whatToTextWrote_givesTheSameNames() {
        NetworkNames names = NetworkNames.ofSlot("corral0", address);

        assertThat(NetworkNames.parse(names.toText())).isEqualTo(names);
    }

    @Test
    void parse_somethingElse_isRefused() {
        assertThatThrownBy(() -> NetworkNames.parse("corral0-abc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NetworkNames.parse("../etc cr1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NetworkNames.parse("ns averyveryverylongveth"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
