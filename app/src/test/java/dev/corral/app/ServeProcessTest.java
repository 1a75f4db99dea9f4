package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.ApiClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Runs {@code corral serve} as its own process, as a user does, and stops it with SIGTERM. */
class ServeProcessTest {
    private static final Pattern READY = Pattern.compile("Corral is ready at (http://\\S+)");
    private static final Pattern KEY = Pattern.compile("^\\s+(rt_live_[A-Za-z0-9]{32})$");

    private final Path dataDir = TestCorral.searchableTempDir().resolve("data");

    private static Process corral(List<String> args, Path dataDir, Map<String, String> env) throws IOException {
        return CorralProcess.start(args, dataDir, env);
    }

    @Test
    void serve_firstStart_printsAdminKeyOnceSavesItPrivatelyAndStopsOnSigterm() throws Exception {
        Process process = corral(List.of("serve", "--port", "0"), dataDir, Map.of());
        var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String url = null;
        String key = null;
        for (String line = reader.readLine(); line != null && (url == null || key == null); line = reader.readLine()) {
            var ready = READY.matcher(line);
            var secret = KEY.matcher(line);
            if (ready.find()) {
                url = ready.group(1);
            } else if (secret.find()) {
                key = secret.group(1);
            }
        }
        try {
            assertThat(url).isNotNull();
            assertThat(key).isNotNull();
            Path keyFile = dataDir.resolve("admin.key");
            assertThat(Files.readString(keyFile).strip()).isEqualTo(key);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
            var client = new ApiClient(URI.create(url + "/"), key);
            assertThat(client.get("v1/me").status()).isEqualTo(200);
            assertThat(client.withoutKey().send(client.request("v1/me").header("X-API-Key", key)).status())
                    .isEqualTo(200);
        } finally {
            process.destroy();
        }
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isIn(0, 143);
        assertThat(Files.exists(dataDir.resolve("corral.db"))).isTrue();
    }

    @Test
    void serve_invalidBootstrapKey_isRefusedWithAClearMessage() throws Exception {
        Process refused = corral(List.of("serve", "--port", "0"), dataDir,
                Map.of("CORRAL_BOOTSTRAP_KEY", "rt_test_short"));

        String output = new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(refused.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(refused.exitValue()).isEqualTo(2);
        assertThat(output).contains("bootstrap-key").contains("rt_live_ or rt_test_").doesNotContain("Exception")
                .doesNotContain("\tat ");
    }
}
