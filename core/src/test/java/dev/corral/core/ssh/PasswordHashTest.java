package dev.corral.core.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hashes of few iterations, which behave as the slow ones do; one test pays for the real count. */
class PasswordHashTest {
    private static final int FEW = 1000;

    @Test
    void matches_samePassword_isTrue_anotherIsFalse() {
        PasswordHash hash = PasswordHash.of("correct horse", FEW);

        assertThat(hash.matches("correct horse")).isTrue();
        assertThat(hash.matches("correct horsE")).isFalse();
        assertThat(hash.matches("")).isFalse();
    }

    @Test
    void of_defaultCount_writesItAndStillMatches() {
        PasswordHash hash = PasswordHash.of("battery staple");

        assertThat(hash.encoded()).startsWith("pbkdf2-sha256$" + PasswordHash.ITERATIONS + "$");
        assertThat(hash.matches("battery staple")).isTrue();
    }

    @Test
    void of_samePasswordTwice_saltsEachDifferently() {
        PasswordHash first = PasswordHash.of("same password", FEW);
        PasswordHash second = PasswordHash.of("same password", FEW);

        assertThat(first).isNotEqualTo(second);
        assertThat(first.encoded()).isNotEqualTo(second.encoded());
    }

    @Test
    void encoded_isVersionedWithoutThePassword_andParsesBackEqual() {
        PasswordHash hash = PasswordHash.of("hunter2hunter2", FEW);

        String encoded = hash.encoded();

        assertThat(encoded).matches("pbkdf2-sha256\\$1000\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}")
                .doesNotContain("hunter2");
        PasswordHash parsed = PasswordHash.parse(encoded);
        assertThat(parsed).isEqualTo(hash);
        assertThat(parsed.matches("hunter2hunter2")).isTrue();
    }

    @Test
    void hasher_hashesWithItsCount_andTheStandardOneWithOwaspsCount() {
        PasswordHash hash = new PasswordHasher(FEW).hash("hunter2hunter2");

        assertThat(hash.encoded()).startsWith("pbkdf2-sha256$1000$");
        assertThat(hash.matches("hunter2hunter2")).isTrue();
        assertThat(PasswordHasher.STANDARD.iterations()).isEqualTo(600_000);
    }

    @Test
    void toString_showsNeitherHashNorSalt() {
        PasswordHash hash = PasswordHash.of("hunter2hunter2", FEW);

        assertThat(hash.toString()).isEqualTo("pbkdf2-sha256 (1000 iterations)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "plain", "bcrypt$10$salt$hash", "pbkdf2-sha256$0$c2FsdA$AAAA",
            "pbkdf2-sha256$1000$c2FsdA$AAAA", "pbkdf2-sha256$99999999$c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "pbkdf2-sha256$1000$$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})
    void parse_notAHashWeWrite_throws(String encoded) {
        assertThatThrownBy(() -> PasswordHash.parse(encoded)).isInstanceOf(IllegalArgumentException.class);
    }
}
