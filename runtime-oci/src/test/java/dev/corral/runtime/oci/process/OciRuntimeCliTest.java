package dev.corral.runtime.oci.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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

    @Test
    void execCommand_inCorralsNetworkNamespace_isEnteredThereByNsenter() {
        List<String> command = cli("runc").execCommand("sandbox-x", Path.of("/x/pid"), Path.of("/x/process.json"),
                Optional.empty(), Optional.of(Path.of("/run/netns/corral0-x")));

        assertThat(command.subList(0, 3)).containsExactly("nsenter", "--net=/run/netns/corral0-x", "--");
        assertThat(command.subList(3, command.size())).containsSequence("runc", "--root", "/nonexistent/runc-state",
                "exec").endsWith("sandbox-x");
    }

    @Test
    void execCommand_withoutOne_isRuncAsItWas() {
        assertThat(cli("runc").execCommand("sandbox-x", Path.of("/x/pid"), Path.of("/x/process.json"),
                Optional.empty(), Optional.empty())).doesNotContain("nsenter").first().isEqualTo("nice");
    }
}
