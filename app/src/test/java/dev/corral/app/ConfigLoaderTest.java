package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @Test
    void load_nothingGiven_usesDefaults() {
        Config config = ConfigLoader.load(Map.of(), Map.of());

        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.dataDir()).isEqualTo(Path.of("corral-data").toAbsolutePath());
        assertThat(config.databaseUrl()).isEmpty();
        assertThat(config.maxBodyBytes()).isEqualTo(1 << 20);
        assertThat(config.shutdownGrace()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void load_fileThenEnvThenFlags_laterLayersWin(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("corral.properties");
        Files.writeString(file, "port=7000\nhost=0.0.0.0\nlog-format=json\n");

        Config config = ConfigLoader.load(Map.of("CORRAL_CONFIG", file.toString(), "CORRAL_PORT", "7001",
                "CORRAL_DATA_DIR", "/tmp/from-env"), Map.of("port", "7002"));

        assertThat(config.port()).isEqualTo(7002);
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.dataDir()).isEqualTo(Path.of("/tmp/from-env"));
        assertThat(config.logFormat()).isEqualTo("json");
    }

    @Test
    void load_badValues_refusedNamingEveryKey() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("CORRAL_PORT", "http"),
                Map.of("max-body-size", "lots", "database-url", "mysql://x", "bootstrap-key", "rt_live_x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("port:")
                .hasMessageContaining("max-body-size:")
                .hasMessageContaining("database-url:")
                .hasMessageContaining("bootstrap-key:");
    }

    @Test
    void load_unknownKeyInFile_isRefused(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("corral.properties");
        Files.writeString(file, "prot=1\n");

        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("config", file.toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown key 'prot'");
    }

    @Test
    void toString_redactsSecrets() {
        Config config = ConfigLoader.load(Map.of("CORRAL_DATABASE_PASSWORD", "hunter2",
                "CORRAL_BOOTSTRAP_KEY", TestCorral.ADMIN_KEY, "CORRAL_DATABASE_URL", "jdbc:postgresql://db/corral"),
                Map.of());

        assertThat(config.toString()).doesNotContain("hunter2").doesNotContain(TestCorral.ADMIN_KEY);
    }

    @Test
    void configurationDoc_documentsEveryKeyAndItsVariable() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "configuration.md"));

        for (String key : ConfigLoader.DEFAULTS.keySet()) {
            assertThat(doc).as("docs/configuration.md documents " + key)
                    .contains("`" + key + "`").contains("`" + ConfigLoader.envName(key) + "`");
        }
    }
}
