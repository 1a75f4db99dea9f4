package dev.corral.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretBoxTest {
    private final SecretBox box = SecretBox.withKey(SecretBox.newKey());

    @Test
    void open_sealedValue_givesItBack() {
        String sealed = box.seal("hunter2 ünïcode", "place");

        assertThat(sealed).startsWith("v1:").doesNotContain("hunter2");
        assertThat(box.open(sealed, "place")).isEqualTo("hunter2 ünïcode");
    }

    @Test
    void seal_sameValueTwice_differsByItsNonce() {
        String first = box.seal("same", "place");
        String second = box.seal("same", "place");

        assertThat(first).isNotEqualTo(second);
        assertThat(Base64.getDecoder().decode(first.substring(3)))
                .hasSize(12 + "same".length() + 16);
    }

    @Test
    void open_valueWithoutPrefix_isPlaintextFromBeforeEncryption() {
        assertThat(box.open("plain value", "place")).isEqualTo("plain value");
    }

    @Test
    void open_withAnotherKey_fails() {
        String sealed = box.seal("secret", "place");

        assertThatThrownBy(() -> SecretBox.withKey(SecretBox.newKey()).open(sealed, "place"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("another key");
    }

    @Test
    void open_atAnotherPlace_fails() {
        String sealed = box.seal("secret", "sandbox-a\u0000TOKEN");

        assertThatThrownBy(() -> box.open(sealed, "sandbox-b\u0000TOKEN")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void open_tamperedValue_fails() {
        byte[] raw = Base64.getDecoder().decode(box.seal("secret", "place").substring(3));
        raw[raw.length - 1] ^= 1;

        assertThatThrownBy(() -> box.open("v1:" + Base64.getEncoder().encodeToString(raw), "place"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void open_truncatedOrGarbledValue_fails() {
        assertThatThrownBy(() -> box.open("v1:AAAA", "place")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> box.open("v1:not base64!", "place")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void withKey_notThirtyTwoBytes_isRefused() {
        assertThatThrownBy(() -> SecretBox.withKey(new byte[16])).isInstanceOf(IllegalArgumentException.class);
    }
}
