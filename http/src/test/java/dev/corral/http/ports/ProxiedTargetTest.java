package dev.corral.http.ports;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProxiedTargetTest {

    @Test
    void of_pathAfterThePort_isKeptRawWithItsQuery() {
        assertThat(ProxiedTarget.of("/v1/sandboxes/sbx-1/ports/8000/a%20b/c/", "x=1&y=%2F"))
                .isEqualTo("/a%20b/c/?x=1&y=%2F");
    }

    @Test
    void of_nothingAfterThePort_isTheRoot() {
        assertThat(ProxiedTarget.of("/v1/sandboxes/sbx-1/ports/8000", null)).isEqualTo("/");
        assertThat(ProxiedTarget.of("/v1/sandboxes/sbx-1/ports/8000/", "")).isEqualTo("/");
    }

    @Test
    void of_credentialParameters_areDropped() {
        assertThat(ProxiedTarget.of("/v1/sandboxes/sbx-1/ports/80/p", "token=abc&q=1&api_key=rt_x&%74oken=z"))
                .isEqualTo("/p?q=1");
        assertThat(ProxiedTarget.of("/v1/sandboxes/sbx-1/ports/80/p", "token=abc")).isEqualTo("/p");
    }
}
