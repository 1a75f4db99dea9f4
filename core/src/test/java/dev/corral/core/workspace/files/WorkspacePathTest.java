package dev.corral.core.workspace.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkspacePathTest {
    @Test
    void parse_slashesAndDots_normalizeToOneForm() {
        assertThat(WorkspacePath.parse("p", "/src//./index.ts/").toString()).isEqualTo("/src/index.ts");
        assertThat(WorkspacePath.parse("p", "src/index.ts").names()).containsExactly("src", "index.ts");
        assertThat(WorkspacePath.parse("p", "/").isRoot()).isTrue();
        assertThat(WorkspacePath.parse("p", "/.").isRoot()).isTrue();
    }

    @Test
    void parse_anythingThatCouldLeaveTheRoot_isRefusedNamingTheField() {
        for (String bad : List.of("..", "/a/../b", "a/..", "/a/b/../../..", "", " ", "a\0b", "/" + "x".repeat(256))) {
            assertThatThrownBy(() -> WorkspacePath.parse("target", bad)).as(bad)
                    .isInstanceOfSatisfying(CorralException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
                        assertThat(e.details()).extracting(p -> p.field()).containsExactly("target");
                    });
        }
    }

    @Test
    void parentNameResolveContains_walkTheTree() {
        WorkspacePath file = WorkspacePath.parse("p", "/a/b/c.txt");

        assertThat(file.name()).isEqualTo("c.txt");
        assertThat(file.parent()).isEqualTo(WorkspacePath.parse("p", "/a/b"));
        assertThat(WorkspacePath.ROOT.parent()).isEqualTo(WorkspacePath.ROOT);
        assertThat(file.parent().resolve("d")).hasToString("/a/b/d");
        assertThat(WorkspacePath.parse("p", "/a").contains(file)).isTrue();
        assertThat(WorkspacePath.parse("p", "/ab").contains(WorkspacePath.parse("p", "/abc"))).isFalse();
        assertThat(WorkspacePath.ROOT.contains(file)).isTrue();
    }

    @Test
    void validName_refusesSeparatorsAndDotNames() {
        assertThat(WorkspacePath.validName("name", "report.pdf")).isEqualTo("report.pdf");
        for (String bad : List.of(".", "..", "a/b", "", "x".repeat(256))) {
            assertThatThrownBy(() -> WorkspacePath.validName("name", bad)).as(bad).isInstanceOf(CorralException.class);
        }
    }
}
