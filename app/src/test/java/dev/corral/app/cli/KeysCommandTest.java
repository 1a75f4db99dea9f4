package dev.corral.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.app.ConfigLoader;
import dev.corral.app.CorralServer;
import dev.corral.app.TestNetworks;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KeysCommandTest {
    private static final String ADMIN = "rt_live_" + "C".repeat(32);
    private static CorralServer server;
    private static String url;

    @BeforeAll
    static void start() throws java.io.IOException {
        Path dataDir = java.nio.file.Files.createTempDirectory("corral-cli-",
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x")));
        server = CorralServer.start(ConfigLoader.load(Map.of(), TestNetworks.withNetwork(dataDir,
                Map.of("port", "0", "data-dir", dataDir.toString(), "bootstrap-key", ADMIN))));
        url = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Cli.Run corral(String... args) {
        return Cli.run(args);
    }

    @Test
    void createListRevoke_againstARunningServer_roundTrip() throws Exception {
        Cli.Run created = corral("keys", "create", "--name", "deploy-bot", "--scope", "sandbox:*", "--json",
                "--url", url, "--api-key", ADMIN);
        assertThat(created.exitCode()).as(created.err()).isZero();
        JsonNode key = new ObjectMapper().readTree(created.out());
        assertThat(key.path("key").asText()).startsWith("rt_live_");

        Cli.Run listed = corral("keys", "list", "--url", url, "--api-key", ADMIN);
        assertThat(listed.exitCode()).isZero();
        assertThat(listed.out()).contains("deploy-bot").contains("sandbox:*").contains("ID");

        Cli.Run revoked = corral("keys", "revoke", key.path("id").asText(), "--url", url, "--api-key", ADMIN);
        assertThat(revoked.exitCode()).isZero();
        assertThat(revoked.out()).contains("Revoked key " + key.path("id").asText());
        Cli.Run listedJson = corral("keys", "list", "--json", "--url", url + "/v1", "--api-key", ADMIN);
        assertThat(listedJson.out()).contains("\"revoked\"");
    }

    @Test
    void apiError_isOneLineWithTheCodeAndExitCodeOne() {
        Cli.Run run = corral("keys", "revoke", "not-an-id", "--url", url, "--api-key", ADMIN);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).startsWith("corral: not_found:").doesNotContain("\n");
    }

    @Test
    void unreachableServer_saysSoWithoutAStackTrace() {
        Cli.Run run = corral("keys", "list", "--url", "http://127.0.0.1:1", "--api-key", ADMIN);

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("cannot reach Corral").doesNotContain("Exception");
    }

    @Test
    void helpAndVersion_areThereForEveryCommand() {
        assertThat(corral("--help").out()).contains("serve").contains("keys");
        assertThat(corral("--version").out()).startsWith("corral ");
        assertThat(corral("keys", "create", "--help").out()).contains("--expires-in").contains("--json");
        assertThat(corral("serve", "--help").out()).contains("--data-dir").contains("--database-url")
                .contains("--runtime");
    }
}
