package dev.corral.runtime.oci.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciRuntimeCliTest {
    private static OciRuntimeCli cli(String binary) {
        return new OciRuntimeCli(binary, Path.of("/nonexistent/runc-state"), new ProcessRunner(Duration.ofSeconds(5)),
                new ObjectMapper(), Duration.ofSeconds(5));
    }

    @Test
    void installed_nameOnThePath_isTrue() {
        assertThat(cli("sh").installed()).isTrue();
    }

    @Test
    void installed_nameOnNoDirectoryOfThePath_isFalse() {
        assertThat(cli("corral-no-such-runtime").installed()).isFalse();
    }

    @Test
    void installed_absolutePath_isWhetherThatFileIsExecutable(@TempDir Path dir) throws Exception {
        Path plain = Files.createFile(dir.resolve("runc"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-r--r--")));

        assertThat(cli("/bin/sh").installed()).isTrue();
        assertThat(cli(dir.resolve("missing").toString()).installed()).isFalse();
        assertThat(cli(plain.toString()).installed()).isFalse();
    }
}
