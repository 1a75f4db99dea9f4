package dev.corral.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DomainRuleTest {

    private static List<String> name(String text) {
        return List.of(text.split("\\."));
    }

    @Test
    void parse_mixedCaseAndTrailingDot_isCanonical() {
        assertThat(DomainRule.parse(" Example.ORG. ").toString()).isEqualTo("example.org");
        assertThat(DomainRule.parse("*.Example.org.").toString()).isEqualTo("*.example.org");
        assertThat(DomainRule.parse("_dmarc.example.org").labels()).containsExactly("_dmarc", "example", "org");
    }

    @Test
    void matches_exactRule_matchesOnlyThatName() {
        DomainRule rule = DomainRule.parse("example.org");

        assertThat(rule.matches(name("example.org"))).isTrue();
        assertThat(rule.matches(name("www.example.org"))).isFalse();
        assertThat(rule.matches(name("badexample.org"))).isFalse();
        assertThat(rule.matches(name("org"))).isFalse();
    }

    @Test
    void matches_wildcard_matchesSubdomainsButNotTheApex() {
        DomainRule rule = DomainRule.parse("*.example.org");

        assertThat(rule.matches(name("www.example.org"))).isTrue();
        assertThat(rule.matches(name("a.b.example.org"))).isTrue();
        assertThat(rule.matches(name("example.org"))).isFalse();
        assertThat(rule.matches(name("www.badexample.org"))).isFalse();
    }

    @Test
    void matches_labelHoldingADot_isNotTwoLabels() {
        DomainRule rule = DomainRule.parse("*.example.org");

        assertThat(rule.matches(List.of("x.example", "org"))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "*", "*.", "*.*.example.org", "a.*.example.org", "ex*ample.org", "192.168.1.1",
            "10.0.0.0", "::1", "2001:db8::1", "a..example.org", ".example.org", "-a.example.org", "a-.example.org",
            "exa mple.org", "bücher.example", "a/b.example.org"})
    void parse_invalidText_throwsWithReason(String text) {
        assertThatThrownBy(() -> DomainRule.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid domain rule '" + text + "': ");
    }

    @Test
    void parse_overLongLabelOrName_throws() {
        assertThatThrownBy(() -> DomainRule.parse("a".repeat(64) + ".example.org"))
                .hasMessageContaining("longer than 63 characters");
        String longName = (("a".repeat(60) + ".").repeat(5)) + "org";
        assertThatThrownBy(() -> DomainRule.parse(longName)).hasMessageContaining("at most 253 characters");
    }

    @Test
    void parse_labelOf63Characters_isAccepted() {
        assertThat(DomainRule.parse("a".repeat(63) + ".example.org").labels()).hasSize(3);
    }
}
