package dev.corral.runtime.oci.network.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.runtime.oci.network.dns.DomainPolicy.Egress;
import java.util.List;
import org.junit.jupiter.api.Test;

class DomainPolicyTest {

    private static List<String> name(String text) {
        return List.of(text.split("\\."));
    }

    @Test
    void allows_egressAllow_allowsAllButDenied() {
        DomainPolicy policy = DomainPolicy.of(Egress.ALLOW, List.of(), List.of("*.tracker.example"));

        assertThat(policy.allows(name("example.org"))).isTrue();
        assertThat(policy.allows(name("ads.tracker.example"))).isFalse();
        assertThat(policy.allows(name("tracker.example"))).isTrue();
    }

    @Test
    void allows_egressDeny_allowsOnlyTheAllowList() {
        DomainPolicy policy = DomainPolicy.of(Egress.DENY, List.of("example.org", "*.example.org"), List.of());

        assertThat(policy.allows(name("example.org"))).isTrue();
        assertThat(policy.allows(name("www.example.org"))).isTrue();
        assertThat(policy.allows(name("example.com"))).isFalse();
    }

    @Test
    void allows_nameBothAllowedAndDenied_denyWins() {
        DomainPolicy policy = DomainPolicy.of(Egress.DENY, List.of("*.example.org"), List.of("secret.example.org"));

        assertThat(policy.allows(name("www.example.org"))).isTrue();
        assertThat(policy.allows(name("secret.example.org"))).isFalse();
    }

    @Test
    void of_invalidRule_throwsNamingIt() {
        assertThatThrownBy(() -> DomainPolicy.of(Egress.DENY, List.of("ok.example", "*"), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'*'");
    }
}
