package dev.corral.runtime.oci.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.sandbox.Resources;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContainerConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SandboxId ID = new SandboxId("sandbox-abcdef123456");
    /** For tests that do not look at the resources. */
    private static final Resources ANY = new Resources(1, 256L << 20, 256L << 20, Resources.DEFAULT_PIDS);

    private final ContainerConfig config = new ContainerConfig(JSON, IdMapping.DEFAULT,
            Path.of("/usr/bin/tini-static"), SeccompProfile.load(JSON, "amd64"),
            workspace -> Path.of("/data/workspaces", workspace.toString(), "files"));

    @Test
    void forSandbox_resources_becomeCgroupLimitsWithoutSwap() {
        JsonNode resources = generate(new Resources(2, 512L << 20, 1L << 30, 256), Map.of())
                .path("linux").path("resources");

        assertThat(resources.path("cpu").path("quota").asLong()).isEqualTo(200_000);
        assertThat(resources.path("cpu").path("period").asLong()).isEqualTo(100_000);
        assertThat(resources.path("memory").path("limit").asLong()).isEqualTo(512L << 20);
        assertThat(resources.path("memory").path("swap").asLong()).isEqualTo(512L << 20);
        assertThat(resources.path("pids").path("limit").asInt()).isEqualTo(256);
        assertThat(resources.path("devices").get(0).path("allow").asBoolean(true)).isFalse();
    }

    @Test
    void forSandbox_kernelLimits_becomeRlimitsAndTheCapOfItsOwnPtys() {
        var limited = new ContainerConfig(JSON, IdMapping.DEFAULT, Path.of("/usr/bin/tini-static"),
                SeccompProfile.load(JSON, "amd64"), workspace -> Path.of("/data/workspaces"), Optional.empty(),
                new KernelLimits(2048, 300, 100_000, 16, 500, 8));
        JsonNode spec = limited.forSandbox(new SandboxSpec(ID, "base", Map.of(), List.of(), ANY), "/corral/x");

        var rlimits = new ArrayList<String>();
        spec.path("process").path("rlimits").forEach(limit -> rlimits.add(limit.path("type").asText() + " "
                + limit.path("soft").asLong() + " " + limit.path("hard").asLong()));
        assertThat(rlimits).containsExactly("RLIMIT_NOFILE 2048 2048", "RLIMIT_SIGPENDING 300 300",
                "RLIMIT_MSGQUEUE 100000 100000");
        assertThat(texts(find(spec.path("mounts"), "destination", "/dev/pts").path("options")))
                .contains("newinstance", "ptmxmode=0666", "max=16");
    }

    @Test
    void forSandbox_anySandbox_isNamedByItsIdInItsOwnCgroup() {
        JsonNode spec = generate(ANY, Map.of());

        assertThat(spec.path("hostname").asText()).isEqualTo(ID.value());
        assertThat(spec.path("linux").path("cgroupsPath").asText()).isEqualTo("/corral/" + ID.value());
        assertThat(spec.path("root").path("path").asText()).isEqualTo("rootfs");
    }

    @Test
    void forSandbox_anySandbox_runsTiniAsInitFromAReadOnlyBind() {
        JsonNode spec = generate(ANY, Map.of());

        assertThat(texts(spec.path("process").path("args")))
                .containsExactly("/sbin/corral-init", "--", "sleep", "infinity");
        JsonNode init = find(spec.path("mounts"), "destination", "/sbin/corral-init");
        assertThat(init.path("source").asText()).isEqualTo("/usr/bin/tini-static");
        assertThat(texts(init.path("options"))).contains("bind", "ro");
    }

    @Test
    void forSandbox_withAnAgent_startsItBesideSleepUnderTiniAndBindsItsBinaryAndSocketDirectory() {
        var withAgent = new ContainerConfig(JSON, IdMapping.DEFAULT, Path.of("/usr/bin/tini-static"),
                SeccompProfile.load(JSON, "amd64"), workspace -> Path.of("/data/workspaces", workspace.toString()),
                Optional.of(Path.of("/opt/corral-guest")));
        JsonNode spec = withAgent.forSandbox(new SandboxSpec(ID, "base", Map.of(), List.of(), ANY),
                "/corral/" + ID.value(), Path.of("/data/runtime/guest"));

        assertThat(texts(spec.path("process").path("args"))).containsExactly("/sbin/corral-init", "--",
                "/.corral/bin/corral-guest", "--socket", "/.corral/run/agent-1.sock", "--nice", "10", "--then", "sleep",
                "infinity");
        assertThat(find(spec.path("mounts"), "destination", "/.corral/bin/corral-guest").path("source").asText())
                .isEqualTo("/opt/corral-guest");
        assertThat(find(spec.path("mounts"), "destination", "/.corral/run").path("source").asText())
                .isEqualTo("/data/runtime/guest");
    }

    @Test
    void forSandbox_withCorralsNetworkNamespace_namesNoneAndHasAnEmptyReadOnlySys() {
        JsonNode spec = config.forSandbox(new SandboxSpec(ID, "base", Map.of(), List.of(), ANY), "/corral/x",
                Path.of("/nonexistent"), Optional.of(Path.of("/run/netns/corral0-x")));

        var namespaces = new ArrayList<String>();
        spec.path("linux").path("namespaces").forEach(ns -> namespaces.add(ns.path("type").asText()));
        assertThat(namespaces).containsExactlyInAnyOrder("pid", "ipc", "uts", "mount", "user", "cgroup");
        JsonNode sys = find(spec.path("mounts"), "destination", "/sys");
        assertThat(sys.path("type").asText()).isEqualTo("tmpfs");
        assertThat(texts(sys.path("options"))).contains("ro", "nosuid", "noexec", "nodev");
        assertThat(find(spec.path("mounts"), "destination", "/sys/fs/cgroup").path("type").asText())
                .isEqualTo("cgroup");
    }

    @Test
    void forSandbox_withoutANetworkNamespace_getsANewOneAndSysfs() {
        JsonNode spec = generate(ANY, Map.of());

        assertThat(find(spec.path("linux").path("namespaces"), "type", "network").has("path")).isFalse();
        assertThat(find(spec.path("mounts"), "destination", "/sys").path("type").asText()).isEqualTo("sysfs");
    }

    @Test
    void forSandbox_env_comesAfterTheBaseEnvironmentAndOverridesIt() {
        JsonNode env = generate(ANY, Map.of("HOME", "/home/agent", "TOKEN", "x=y"))
                .path("process").path("env");

        assertThat(texts(env)).contains("HOME=/home/agent", "TOKEN=x=y", "LANG=C.UTF-8").doesNotContain("HOME=/root")
                .anyMatch(entry -> entry.startsWith("PATH=/usr/local/sbin:"));
    }

    @Test
    void forSandbox_anySandbox_isIsolatedByNamespacesAndAUserMapping() {
        JsonNode linux = generate(ANY, Map.of()).path("linux");

        List<String> namespaces = new ArrayList<>();
        linux.path("namespaces").forEach(ns -> namespaces.add(ns.path("type").asText()));
        assertThat(namespaces).containsExactlyInAnyOrder("pid", "network", "ipc", "uts", "mount", "user", "cgroup");
        for (String field : List.of("uidMappings", "gidMappings")) {
            JsonNode mapping = linux.path(field).get(0);
            assertThat(mapping.path("containerID").asInt()).isZero();
            assertThat(mapping.path("hostID").asInt()).isEqualTo(100_000);
            assertThat(mapping.path("size").asInt()).isEqualTo(65_536);
        }
    }

    @Test
    void forSandbox_anySandbox_dropsPrivileges() {
        JsonNode spec = generate(ANY, Map.of());
        JsonNode process = spec.path("process");

        assertThat(process.path("noNewPrivileges").asBoolean()).isTrue();
        assertThat(process.path("user").path("uid").asInt()).isZero();
        for (String set : List.of("bounding", "effective", "permitted")) {
            assertThat(texts(process.path("capabilities").path(set)))
                    .containsExactlyElementsOf(ContainerConfig.CAPABILITIES)
                    .doesNotContain("CAP_SYS_ADMIN", "CAP_NET_RAW", "CAP_MKNOD", "CAP_SYS_PTRACE");
        }
        assertThat(process.path("capabilities").has("inheritable")).isFalse();
        assertThat(process.path("capabilities").has("ambient")).isFalse();
        assertThat(texts(spec.path("linux").path("maskedPaths"))).contains("/proc/kcore", "/proc/keys",
                "/sys/firmware");
        assertThat(texts(spec.path("linux").path("readonlyPaths"))).contains("/proc/sys", "/proc/sysrq-trigger");
        assertThat(spec.path("linux").path("seccomp").path("defaultAction").asText()).isEqualTo("SCMP_ACT_ERRNO");
    }

    @Test
    void forSandbox_sysAndCgroupMounts_areReadOnly() {
        JsonNode mounts = generate(ANY, Map.of()).path("mounts");

        assertThat(texts(find(mounts, "destination", "/sys").path("options"))).contains("ro");
        assertThat(texts(find(mounts, "destination", "/sys/fs/cgroup").path("options"))).contains("ro");
    }

    @Test
    void forExec_sandboxConfig_keepsItsPrivilegesAndMergesTheEnv() {
        JsonNode sandbox = generate(ANY, Map.of("SHARED", "sandbox", "KEPT", "1"));

        JsonNode process = config.forExec(sandbox, List.of("/bin/sh", "-c", "id"), Map.of("SHARED", "exec"));

        assertThat(texts(process.path("args"))).containsExactly("/bin/sh", "-c", "id");
        assertThat(texts(process.path("env"))).contains("SHARED=exec", "KEPT=1", "HOME=/root")
                .doesNotContain("SHARED=sandbox");
        assertThat(process.path("noNewPrivileges").asBoolean()).isTrue();
        assertThat(process.path("capabilities")).isEqualTo(sandbox.path("process").path("capabilities"));
        assertThat(process.path("rlimits")).isEqualTo(sandbox.path("process").path("rlimits"));
        assertThat(texts(sandbox.path("process").path("args"))).startsWith("/sbin/corral-init");
    }

    private JsonNode generate(Resources resources, Map<String, String> env) {
        return config.forSandbox(new SandboxSpec(ID, "base", env, List.of(), resources), "/corral/" + ID.value());
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode element : array) {
            if (element.path(field).asText().equals(value)) {
                return element;
            }
        }
        throw new AssertionError("no element with " + field + "=" + value + " in " + array);
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(element -> texts.add(element.asText()));
        return texts;
    }
}
