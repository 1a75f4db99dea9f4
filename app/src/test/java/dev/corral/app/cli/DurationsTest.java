package dev.corral.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DurationsTest {
    private final SandboxCommand.Durations durations = new SandboxCommand.Durations();

    @Test
    void convert_unitsAndBareMilliseconds_areMilliseconds() {
        assertThat(durations.convert("30s")).isEqualTo(30_000L);
        assertThat(durations.convert("5m")).isEqualTo(300_000L);
        assertThat(durations.convert("1h")).isEqualTo(3_600_000L);
        assertThat(durations.convert("250ms")).isEqualTo(250L);
        assertThat(durations.convert("1500")).isEqualTo(1_500L);
    }

    @Test
    void convert_notADuration_isAConversionErrorNamingTheForms() {
        assertThatThrownBy(() -> durations.convert("soon")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("30s, 5m");
        assertThatThrownBy(() -> durations.convert("-5s")).isInstanceOf(IllegalArgumentException.class);
    }
}
