package dev.corral.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Builds the base template into the shared test cache when it is not there yet (about 30 s, once per machine). */
class MmdebstrapTemplateBuilderIT {
    private final MmdebstrapTemplateBuilder templates = new MmdebstrapTemplateBuilder(TestRuntime.TEMPLATE_CACHE,
            new ProcessRunner(Duration.ofSeconds(60)), IdMapping.DEFAULT);

    @Test
    void ensureBuilt_base_givesDebianOwnedByTheSandboxesRoot() throws Exception {
        List<String> progress = new ArrayList<>();

        templates.ensureBuilt(MmdebstrapTemplateBuilder.BASE, progress::add);

        Path rootfs = TestRuntime.TEMPLATE_CACHE.resolve("base/rootfs");
        assertThat(templates.isBuilt(MmdebstrapTemplateBuilder.BASE)).isTrue();
        assertThat(rootfs.resolve("etc/debian_version")).content().startsWith("12.");
        assertThat(List.of("bin/bash", "usr/bin/python3", "usr/bin/git", "usr/bin/curl", "bin/ps"))
                .allSatisfy(binary -> assertThat(rootfs.resolve(binary)).isExecutable());
        assertThat(Files.getAttribute(rootfs, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(100_000);
        assertThat(Files.getAttribute(rootfs.resolve("usr/bin/su"), "unix:mode")).isEqualTo(0104755);
        assertThat(rootfs.resolve("etc/hostname")).doesNotExist();
        try (var entries = Files.list(rootfs.getParent())) {
            assertThat(entries.map(p -> p.getFileName().toString()).toList())
                    .noneMatch(name -> name.startsWith("rootfs.building-"));
        }
    }

    @Test
    void ensureBuilt_unknownTemplate_throwsNotFound() {
        assertThatThrownBy(() -> templates.ensureBuilt("nodejs-99", line -> { }))
                .isInstanceOfSatisfying(CorralException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(templates.isBuilt("nodejs-99")).isFalse();
    }

    @Test
    void names_listsBase() {
        assertThat(templates.names()).containsExactly(MmdebstrapTemplateBuilder.BASE);
    }
}
