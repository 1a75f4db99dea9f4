package dev.corral.core.id;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import org.junit.jupiter.api.Test;

class SlugsTest {
    @Test
    void of_displayName_lowersAndJoinsWithDashes() {
        assertThat(Slugs.of("  Shared Data (v2)! ", "x")).isEqualTo("shared-data-v2");
    }

    @Test
    void of_noLetterOrDigit_returnsFallback() {
        assertThat(Slugs.of("!!!", "workspace")).isEqualTo("workspace");
    }

    @Test
    void of_longName_cutsToSixtyFourWithoutTrailingDash() {
        String slug = Slugs.of("a".repeat(63) + " b", "x");

        assertThat(slug).isEqualTo("a".repeat(63));
        assertThat(Slugs.isSlug(slug)).isTrue();
    }

    @Test
    void requireValid_badSlug_failsNamingTheField() {
        assertThatThrownBy(() -> Slugs.requireValid("slug", "-bad"))
                .isInstanceOfSatisfying(CorralException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
                    assertThat(e.details().getFirst().field()).isEqualTo("slug");
                });
    }
}
