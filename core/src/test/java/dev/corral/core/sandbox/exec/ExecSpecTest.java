package dev.corral.core.sandbox.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecSpecTest {
    @Test
    void of_command_usesTheApiDefaults() {
        ExecSpec spec = ExecSpec.of("ls");

        assertThat(spec.cwd()).isEqualTo("/workspace");
        assertThat(spec.env()).isEmpty();
        assertThat(spec.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(spec.maxOutputBytes()).isEqualTo(1L << 20);
    }

    @Test
    void new_relativeCwd_isRefused() {
        assertThatThrownBy(() -> ExecSpec.of("ls").withCwd("workspace")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void new_blankCommand_isRefused() {
        assertThatThrownBy(() -> ExecSpec.of("  ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void new_envNameAShellCannotExport_isRefused() {
        assertThatThrownBy(() -> ExecSpec.of("env").withEnv(Map.of("A=B", "c")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("A=B");
    }

    @Test
    void withArguments_keepsTheRestAndCopiesTheList() {
        var arguments = new java.util.ArrayList<>(java.util.List.of("a b", "$(c)"));
        ExecSpec spec = ExecSpec.of("printf %s \"$1\"").withTimeout(Duration.ofSeconds(5)).withArguments(arguments);
        arguments.clear();

        assertThat(spec.arguments()).containsExactly("a b", "$(c)");
        assertThat(spec.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(ExecSpec.of("ls").arguments()).isEmpty();
    }

    @Test
    void new_argumentWithNulByte_isRefused() {
        assertThatThrownBy(() -> ExecSpec.of("ls").withArguments(java.util.List.of("a\0b")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void new_zeroTimeout_isRefused() {
        assertThatThrownBy(() -> ExecSpec.of("ls").withTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
