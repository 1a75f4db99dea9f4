package dev.corral.core.sandbox.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import org.junit.jupiter.api.Test;

class SandboxPathTest {
    @Test
    void of_relativePath_isUnderWorkspace() {
        assertThat(SandboxPath.of("path", "notes/a.txt").value()).isEqualTo("/workspace/notes/a.txt");
        assertThat(SandboxPath.of("path", "../etc").value()).isEqualTo("/workspace/../etc");
    }

    @Test
    void of_trailingSlashes_areDroppedButTheRootStays() {
        assertThat(SandboxPath.of("path", "/tmp/dir//").value()).isEqualTo("/tmp/dir");
        assertThat(SandboxPath.of("path", "/").value()).isEqualTo("/");
        assertThat(SandboxPath.of("path", "///").value()).isEqualTo("/");
    }

    @Test
    void of_emptyMissingNulOrTooLong_isValidationFailedOnTheField() {
        for (String bad : new String[] {"", null, "/a\0b", "/" + "x".repeat(4095)}) {
            assertThatThrownBy(() -> SandboxPath.of("from", bad)).isInstanceOfSatisfying(CorralException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
                assertThat(e.details().getFirst().field()).isEqualTo("from");
            });
        }
    }

    @Test
    void parentAndName_splitAtTheLastSlash() {
        SandboxPath path = SandboxPath.of("path", "/workspace/a/b.txt");

        assertThat(path.parent().value()).isEqualTo("/workspace/a");
        assertThat(path.name()).isEqualTo("b.txt");
        assertThat(SandboxPath.of("path", "/top").parent().value()).isEqualTo("/");
        assertThat(SandboxPath.of("path", "/").parent().value()).isEqualTo("/");
        assertThat(SandboxPath.of("path", "/").name()).isEqualTo("/");
    }

    @Test
    void child_relativeNames_goBelowTheDirectory() {
        assertThat(SandboxPath.of("path", "/up").child("f", "sub/c.txt").value()).isEqualTo("/up/sub/c.txt");
        assertThat(SandboxPath.of("path", "/").child("f", "c.txt").value()).isEqualTo("/c.txt");
    }

    @Test
    void child_climbingAbsoluteOrEmptyParts_isRefused() {
        SandboxPath dir = SandboxPath.of("path", "/up");
        for (String bad : new String[] {"../x", "a/../../x", "/etc/passwd", "", "a//b", "./a", "a/", "."}) {
            assertThatThrownBy(() -> dir.child("files[0]", bad)).as(bad).isInstanceOf(CorralException.class);
        }
    }
}
