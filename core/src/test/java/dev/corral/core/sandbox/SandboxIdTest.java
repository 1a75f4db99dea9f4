package dev.corral.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SandboxIdTest {
    @Test
    void random_anyTime_isPrefixedAndTwelveLowercaseCharacters() {
        assertThat(SandboxId.random().value()).matches("sandbox-[a-z0-9]{12}");
        assertThat(SandboxId.random()).isNotEqualTo(SandboxId.random());
    }

    @Test
    void parse_wellFormedId_returnsIt() {
        assertThat(SandboxId.parse("sandbox-abc123def456").value()).isEqualTo("sandbox-abc123def456");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sandbox-ABC123DEF456", "sandbox-abc", "sbx-abc123def456", "sandbox-abc123def456/x",
            "../sandbox-abc123def456"})
    void parse_malformedId_throwsNotFound(String text) {
        assertThatThrownBy(() -> SandboxId.parse(text)).isInstanceOfSatisfying(CorralException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(SandboxId.isId(text)).isFalse();
    }

    @Test
    void new_malformedValue_isAProgrammingError() {
        assertThatThrownBy(() -> new SandboxId("my-sandbox")).isInstanceOf(IllegalArgumentException.class);
    }
}
