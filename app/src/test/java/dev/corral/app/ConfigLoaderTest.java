package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.plan.EnterpriseLimits;
import dev.corral.runtime.oci.bundle.KernelLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
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
    void load_networkName_namesTheTableAndIsCheckedAsABridgeName() {
        assertThat(ConfigLoader.load(Map.of(), Map.of()).networkName()).isEqualTo("corral");
        assertThat(ConfigLoader.load(Map.of("CORRAL_NETWORK_NAME", "ci2"), Map.of()).networkName()).isEqualTo("ci2");
        for (String bad : new String[] {"Corral", "corral-b", "toolong7", "9lives", ""}) {
            assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("network-name", bad))).as(bad)
                    .isInstanceOf(ConfigException.class).hasMessageContaining("network-name:");
        }
    }

    @Test
    void load_networkSubnet_defaultsTo10_89AndTakesAnother() {
        assertThat(ConfigLoader.load(Map.of(), Map.of()).networkSubnet().toString()).isEqualTo("10.89.0.0/16");
        assertThat(ConfigLoader.load(Map.of("CORRAL_NETWORK_SUBNET", "172.31.8.0/22"), Map.of()).networkSubnet()
                .toString()).isEqualTo("172.31.8.0/22");
    }

    @Test
    void load_badNetworkSubnets_areRefusedNamingTheKey() {
        for (String bad : new String[] {"10.89.0.0", "10.89.0.1/16", "10.89.0.0/31", "10.0.0.0/7", "fd00::/64", ""}) {
            assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("network-subnet", bad))).as(bad)
                    .isInstanceOf(ConfigException.class).hasMessageContaining("network-subnet:");
        }
    }

    @Test
    void load_dnsUpstreams_emptyForTheHostsOrAddressesWithPorts() {
        assertThat(ConfigLoader.load(Map.of(), Map.of()).dnsUpstreams()).isEmpty();
        assertThat(ConfigLoader.load(Map.of("CORRAL_DNS_UPSTREAMS", "192.0.2.1, 127.0.0.1:5353"), Map.of())
                .dnsUpstreams()).containsExactly(new InetSocketAddress("192.0.2.1", 53),
                new InetSocketAddress("127.0.0.1", 5353));
    }

    @Test
    void load_badDnsUpstreams_areRefusedNamingTheKey() {
        for (String bad : new String[] {"resolver.example", "192.0.2.1:0", "192.0.2.1:53:1", "2001:db8::1"}) {
            assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("dns-upstreams", bad))).as(bad)
                    .isInstanceOf(ConfigException.class).hasMessageContaining("dns-upstreams:");
        }
    }

    @Test
    void load_previewDomain_offByDefaultLowerCasedWhenGiven() {
        assertThat(ConfigLoader.load(Map.of(), Map.of()).previewDomain()).isEmpty();
        assertThat(ConfigLoader.load(Map.of("CORRAL_PREVIEW_DOMAIN", "Sandboxes.Example.com"), Map.of())
                .previewDomain()).contains("sandboxes.example.com");
    }

    @Test
    void load_badPreviewDomain_isRefusedNamingTheKey() {
        for (String bad : new String[] {"localhost", "*.example.com", "example.com/x", "-a.example.com", "a..b"}) {
            assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("preview-domain", bad))).as(bad)
                    .isInstanceOf(ConfigException.class).hasMessageContaining("preview-domain:");
        }
    }

    @Test
    void load_noSshPort_gatewayIsOff() {
        assertThat(ConfigLoader.load(Map.of(), Map.of()).ssh()).isEmpty();
    }

    @Test
    void load_sshPort_gatewayOnWithHostAndLimit() {
        Config config = ConfigLoader.load(Map.of("CORRAL_SSH_PORT", "2222"), Map.of("ssh-max-sessions", "8"));

        assertThat(config.ssh()).contains(new SshConfig(2222, "127.0.0.1", 8));
        assertThat(ConfigLoader.load(Map.of(), Map.of("ssh-port", "0", "host", "0.0.0.0")).ssh().orElseThrow().host())
                .isEqualTo("localhost");
        assertThat(ConfigLoader.load(Map.of(), Map.of("ssh-port", "22", "ssh-host", "sandboxes.example.com"))
                .ssh().orElseThrow().host()).isEqualTo("sandboxes.example.com");
    }

    @Test
    void load_badSshValues_refusedNamingEachKey() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("ssh-port", "70000", "ssh-host", "a b",
                "ssh-max-sessions", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ssh-port:")
                .hasMessageContaining("ssh-host:")
                .hasMessageContaining("ssh-max-sessions:");
    }

    @Test
    void load_nothingGiven_enterpriseLimitsAndHostCapAreFinite() {
        Config config = ConfigLoader.load(Map.of(), Map.of());

        assertThat(config.enterprise()).isEqualTo(EnterpriseLimits.DEFAULTS);
        assertThat(config.enterprise().maxRuntime()).isEqualTo(Duration.ofDays(7));
        assertThat(config.enterprise().maxStorageBytes()).isEqualTo(1L << 40);
        assertThat(config.maxSandboxes()).isEqualTo(ConfigLoader.autoMaxSandboxes())
                .isGreaterThanOrEqualTo(ConfigLoader.AUTO_MIN_SANDBOXES);
    }

    @Test
    void load_enterpriseKeys_setEveryConfigurableLimit() {
        Config config = ConfigLoader.load(Map.of("CORRAL_ENTERPRISE_CONCURRENT_REQUESTS", "40",
                "CORRAL_ENTERPRISE_WEBSOCKETS", "41", "CORRAL_ENTERPRISE_STREAMS", "42",
                "CORRAL_ENTERPRISE_SANDBOXES", "43", "CORRAL_ENTERPRISE_MAX_RUNTIME", "2d",
                "CORRAL_ENTERPRISE_MAX_IDLE_TIMEOUT", "90m", "CORRAL_ENTERPRISE_MAX_UPLOAD_SIZE", "3GB"),
                Map.of("enterprise-multipart-parts", "44", "enterprise-storage", "2TB", "max-sandboxes", "45",
                        "enterprise-requests-per-minute", "46", "enterprise-burst", "47"));

        assertThat(config.enterprise()).isEqualTo(new EnterpriseLimits(46, 47, 40, 41, 42, 43, Duration.ofDays(2),
                Duration.ofMinutes(90), 3L << 30, 44, 2L << 40));
        assertThat(config.maxSandboxes()).isEqualTo(45);
    }

    @Test
    void load_zeroLimits_refusedNamingEveryKey() {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("CORRAL_ENTERPRISE_MAX_RUNTIME", "0",
                "CORRAL_ENTERPRISE_SANDBOXES", "0"), Map.of("max-sandboxes", "0", "enterprise-storage", "0",
                "enterprise-max-idle-timeout", "soon", "enterprise-streams", "-1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("enterprise-max-runtime:")
                .hasMessageContaining("enterprise-sandboxes:")
                .hasMessageContaining("max-sandboxes:")
                .hasMessageContaining("enterprise-storage:")
                .hasMessageContaining("enterprise-max-idle-timeout:")
                .hasMessageContaining("enterprise-streams:");
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
    void load_sandboxKernelLimits_defaultOrGivenAndRefusedBelowTheirMinimum() {
        assertThat(ConfigLoader.load(Map.of(), Map.of()).sandboxKernelLimits()).isEqualTo(KernelLimits.DEFAULTS);
        assertThat(ConfigLoader.load(Map.of("CORRAL_SANDBOX_PTYS", "16"), Map.of("sandbox-open-files", "4096",
                "sandbox-pending-signals", "300", "sandbox-message-queue-size", "1MB",
                "sandbox-inotify-watches", "500", "sandbox-inotify-instances", "8")).sandboxKernelLimits())
                .isEqualTo(new KernelLimits(4096, 300, 1 << 20, 16, 500, 8));
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Map.of("sandbox-open-files", "10", "sandbox-ptys", "0",
                "sandbox-message-queue-size", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sandbox-open-files: must be a whole number from 64")
                .hasMessageContaining("sandbox-ptys:")
                .hasMessageContaining("sandbox-message-queue-size:");
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
        String secretKey = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        Config config = ConfigLoader.load(Map.of("CORRAL_DATABASE_PASSWORD", "hunter2",
                "CORRAL_BOOTSTRAP_KEY", TestCorral.ADMIN_KEY, "CORRAL_DATABASE_URL", "jdbc:postgresql://db/corral",
                "CORRAL_SECRET_KEY", secretKey), Map.of());

        assertThat(config.secretKey()).contains(secretKey);
        assertThat(config.toString()).doesNotContain("hunter2").doesNotContain(TestCorral.ADMIN_KEY)
                .doesNotContain(secretKey);
    }

    @Test
    void load_secretKeyNotTheBase64OfThirtyTwoBytes_isRefused() {
        for (String bad : List.of("not base64!", java.util.Base64.getEncoder().encodeToString(new byte[16]))) {
            assertThatThrownBy(() -> ConfigLoader.load(Map.of("CORRAL_SECRET_KEY", bad), Map.of()))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("secret-key");
        }
    }

    @Test
    void configurationDoc_documentsEveryKeyAndItsVariable() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "configuration.md"));

        for (var entry : ConfigLoader.DEFAULTS.entrySet()) {
            String key = entry.getKey();
            assertThat(doc).as("docs/configuration.md documents " + key)
                    .contains("`" + key + "`").contains("`" + ConfigLoader.envName(key) + "`");
            if (!entry.getValue().isEmpty()) {
                String row = doc.lines().filter(line -> line.startsWith("| `" + key + "` |")).findFirst().orElse("");
                assertThat(row).as("docs/configuration.md gives the default of " + key)
                        .contains("| `" + entry.getValue() + "` |");
            }
        }
    }
}
