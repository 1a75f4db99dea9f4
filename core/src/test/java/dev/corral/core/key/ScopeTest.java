package dev.corral.core.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import org.junit.jupiter.api.Test;

class ScopeTest {
    @Test
    void parse_devAlias_becomesNewName() {
        assertThat(Scope.parse("s", "sandboxes").value()).isEqualTo("sandbox:*");
        assertThat(Scope.parse("s", "sandboxes:read").value()).isEqualTo("sandbox:read");
        assertThat(Scope.parse("s", "templates").value()).isEqualTo("template:*");
    }

    @Test
    void parse_unknown_isValidationFailedOnTheField() {
        assertThatThrownBy(() -> Scope.parse("scopes[3]", "sandbox:destroy"))
                .isInstanceOfSatisfying(CorralException.class, e ->
                        assertThat(e.details().getFirst().field()).isEqualTo("scopes[3]"));
    }

    @Test
    void grants_wildcardsCoverTheirResourceOnly() {
        assertThat(Scope.ALL.grants(new Scope("admin:*"))).isTrue();
        assertThat(new Scope("sandbox:*").grants(new Scope("sandbox:create"))).isTrue();
        assertThat(new Scope("sandbox:*").grants(new Scope("files:read"))).isFalse();
        assertThat(new Scope("sandbox:read").grants(new Scope("sandbox:write"))).isFalse();
        assertThat(new Scope("org:read").grants(new Scope("org:read"))).isTrue();
    }
}
