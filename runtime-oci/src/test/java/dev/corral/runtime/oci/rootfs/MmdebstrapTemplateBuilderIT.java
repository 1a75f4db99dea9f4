package dev.corral.runtime.oci.rootfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.runtime.oci.TestRuntime;
import dev.corral.runtime.oci.bundle.IdMapping;
import dev.corral.runtime.oci.process.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds the base template into the shared test cache when it is not there yet (about 30 s, once per machine), and
 * once more into a directory of its own to see an outdated template replaced while a sandbox still uses it.
 */
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
        assertThat(List.of("bin/bash", "usr/bin/python3", "usr/bin/git", "usr/bin/curl", "bin/ps",
                "usr/bin/inotifywait"))
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
    void isBuilt_templateRecordedAsBuiltFromOtherPackages_isNot(@TempDir Path templatesDir) throws Exception {
        var builder = new MmdebstrapTemplateBuilder(templatesDir, new ProcessRunner(Duration.ofSeconds(60)),
                IdMapping.DEFAULT);
        Files.createDirectories(templatesDir.resolve("base/rootfs"));

        boolean withoutRecord = builder.isBuilt(MmdebstrapTemplateBuilder.BASE);
        Files.writeString(templatesDir.resolve("base/rootfs.packages"), "bookworm\nbash\n");
        boolean withOtherPackages = builder.isBuilt(MmdebstrapTemplateBuilder.BASE);
        Files.writeString(templatesDir.resolve("base/rootfs.packages"), MmdebstrapTemplateBuilder.record());
        boolean withThesePackages = builder.isBuilt(MmdebstrapTemplateBuilder.BASE);

        assertThat(withoutRecord).isFalse();
        assertThat(withOtherPackages).isFalse();
        assertThat(withThesePackages).isTrue();
    }

    @Test
    void ensureBuilt_outdatedTemplateASandboxUses_isReplacedButKeptForThatSandbox() throws Exception {
        var runner = new ProcessRunner(Duration.ofSeconds(60));
        Path templatesDir = Files.createTempDirectory(Path.of("/var/tmp"), "corral-template-it-");
        var builder = new MmdebstrapTemplateBuilder(templatesDir, runner, IdMapping.DEFAULT);
        Path rootfs = templatesDir.resolve("base/rootfs");
        Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(rootfs.resolve("etc/debian_version"), "11.0\n");
        Files.writeString(templatesDir.resolve("base/rootfs.packages"), "bookworm\nbash\n");
        Path sandbox = Files.createDirectories(templatesDir.resolve("sandbox"));
        for (String dir : List.of("upper", "work", "rootfs")) {
            Files.createDirectory(sandbox.resolve(dir));
        }
        runner.check(List.of("mount", "-t", "overlay", "overlay", "-o", "lowerdir=" + rootfs + ",upperdir="
                + sandbox.resolve("upper") + ",workdir=" + sandbox.resolve("work"), sandbox.resolve("rootfs")
                .toString()));
        try {
            builder.ensureBuilt(MmdebstrapTemplateBuilder.BASE, line -> { });

            assertThat(builder.isBuilt(MmdebstrapTemplateBuilder.BASE)).isTrue();
            assertThat(rootfs.resolve("etc/debian_version")).content().startsWith("12.");
            assertThat(rootfs.resolve("usr/bin/inotifywait")).isExecutable();
            assertThat(templatesDir.resolve("base/rootfs.packages")).content()
                    .isEqualTo(MmdebstrapTemplateBuilder.record());
            try (var entries = Files.list(templatesDir.resolve("base"))) {
                assertThat(entries.map(p -> p.getFileName().toString()).toList())
                        .as("the sandbox still runs on the old one").anyMatch(n -> n.startsWith("rootfs.outdated-"))
                        .noneMatch(n -> n.startsWith("rootfs.building-"));
            }
            assertThat(sandbox.resolve("rootfs/etc/debian_version")).content().isEqualTo("11.0\n");
        } finally {
            runner.check(List.of("umount", sandbox.resolve("rootfs").toString()));
            runner.check(List.of("rm", "-rf", "--one-file-system", "--", templatesDir.toString()));
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
