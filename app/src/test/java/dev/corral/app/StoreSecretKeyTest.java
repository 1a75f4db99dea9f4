package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreSecretKeyTest {
    @TempDir
    Path dataDir;

    @Test
    void load_firstStart_makesAPrivateKeyFileAndKeepsIt() throws Exception {
        StoreSecretKey.load(config(Map.of()));
        Path file = dataDir.resolve(StoreSecretKey.FILE_NAME);
        String first = Files.readString(file);

        StoreSecretKey.load(config(Map.of()));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(StoreSecretKey.parse(first)).isPresent();
        assertThat(Files.readString(file)).isEqualTo(first);
        assertThat(dataDir.resolve(StoreSecretKey.FILE_NAME + ".new")).doesNotExist();
    }

    @Test
    void load_keyFileLeftReadableByOthers_isClosed() throws Exception {
        StoreSecretKey.load(config(Map.of()));
        Path file = dataDir.resolve(StoreSecretKey.FILE_NAME);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        StoreSecretKey.load(config(Map.of()));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void load_keyFromTheEnvironment_makesNoFile() {
        String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);

        StoreSecretKey.load(config(Map.of("CORRAL_SECRET_KEY", key)));

        assertThat(dataDir.resolve(StoreSecretKey.FILE_NAME)).doesNotExist();
    }

    @Test
    void load_damagedKeyFile_failsNamingTheFile() throws Exception {
        Files.writeString(dataDir.resolve(StoreSecretKey.FILE_NAME), "short\n");

        assertThatThrownBy(() -> StoreSecretKey.load(config(Map.of()))).isInstanceOf(ConfigException.class)
                .hasMessageContaining(StoreSecretKey.FILE_NAME);
    }

    private Config config(Map<String, String> env) {
        return ConfigLoader.load(env, Map.of("data-dir", dataDir.toString()));
    }
}
