package dev.corral.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SandboxNetworkTest {
    @Test
    void toText_eachForm_readsBackTheSame() {
        var own = SandboxNetwork.withPolicy(new EgressPolicy(false, List.of(Ipv4Subnet.parse("198.51.100.0/24"),
                Ipv4Subnet.parse("10.0.0.5/32")), List.of(Ipv4Subnet.parse("198.51.100.9/32"))));

        assertThat(SandboxNetwork.NONE.toText()).isEqualTo("none");
        assertThat(SandboxNetwork.DEFAULT.toText()).isEqualTo("default");
        assertThat(own.toText()).isEqualTo("deny;198.51.100.0/24,10.0.0.5/32;198.51.100.9/32");
        for (SandboxNetwork network : List.of(SandboxNetwork.NONE, SandboxNetwork.DEFAULT, own)) {
            assertThat(SandboxNetwork.parse(network.toText())).isEqualTo(network);
        }
    }

    @Test
    void parse_anythingElse_isRefused() {
        for (String text : List.of("", "allow", "maybe;;", "allow;10.0.0.1/8;", "allow;;;")) {
            assertThatThrownBy(() -> SandboxNetwork.parse(text)).as(text)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void loopbackOnly_onlyForNone() {
        assertThat(SandboxNetwork.NONE.loopbackOnly()).isTrue();
        assertThat(SandboxNetwork.DEFAULT.loopbackOnly()).isFalse();
    }
}
