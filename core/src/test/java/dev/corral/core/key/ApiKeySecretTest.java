package dev.corral.core.key;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiKeySecretTest {
    @Test
    void generate_hasTheRunToolsShape() {
        assertThat(ApiKeySecret.generate(false).reveal()).matches("rt_live_[A-Za-z0-9]{32}");
        assertThat(ApiKeySecret.generate(true).reveal()).matches("rt_test_[A-Za-z0-9]{32}");
    }

    @Test
    void isWellFormed_rejectsOtherShapes() {
        assertThat(ApiKeySecret.isWellFormed("rt_live_" + "a".repeat(31))).isFalse();
        assertThat(ApiKeySecret.isWellFormed("rt_prod_" + "a".repeat(32))).isFalse();
        assertThat(ApiKeySecret.isWellFormed("rt_live_" + "a".repeat(31) + "-")).isFalse();
        assertThat(ApiKeySecret.isWellFormed(null)).isFalse();
    }

    @Test
    void sha256_isTheHexDigestOfTheWholeKey() {
        var secret = ApiKeySecret.of("rt_test_" + "0".repeat(32));

        assertThat(secret.sha256()).hasSize(64).matches("[0-9a-f]+");
        assertThat(secret.sha256()).isEqualTo(ApiKeySecret.of(secret.reveal()).sha256());
        assertThat(secret.toString()).doesNotContain("0".repeat(32));
    }
}
