package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sandbox API end to end, on real runc sandboxes made from the real base template. */
class SandboxApiIT {
    @RegisterExtension
    static final TestCorral corral = new TestCorral(Map.of("reaper-interval", "1s"));
    private static final ApiClient admin = corral.admin;
    private static String shared;

    @BeforeAll
    static void start() {
        shared = create(Map.of("template", "base", "name", "shared", "tags", List.of("ci", "shared"),
                "metadata", Map.of("team", "blue"), "env", Map.of("GREETING", "hello"),
                "resources", Map.of("vcpus", 1, "memory", "256MB", "disk", "256MB"))).path("id").asText();
    }

    static JsonNode create(Map<String, Object> body) {
        ApiResponse response = admin.post("v1/sandboxes?wait=true", body);
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        assertThat(response.data().path("status").asText()).as(response.toString()).isEqualTo("running");
        return response.data();
    }

    static JsonNode exec(String sandbox, Map<String, Object> body) {
        ApiResponse response = admin.post("v1/sandboxes/" + sandbox + "/exec", body);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.data();
    }

    static JsonNode exec(String sandbox, String command) {
        return exec(sandbox, Map.of("command", command));
    }

    @Test
    void create_withoutWait_answersCreatingThenRuns() {
        ApiResponse made = admin.post("v1/sandboxes", Map.of("template", "base",
                "resources", Map.of("memory", "128MB", "disk", "128MB")));

        assertThat(made.status()).isEqualTo(201);
        assertThat(made.data().path("status").asText()).isEqualTo("creating");
        String id = made.data().path("id").asText();
        assertThat(id).matches("sandbox-[a-z0-9]{12}");
        await().atMost(Duration.ofMinutes(2)).until(() ->
                admin.get("v1/sandboxes/" + id).data().path("status").asText().equals("running"));
        assertThat(admin.delete("v1/sandboxes/" + id).data().path("deleted").asBoolean()).isTrue();
    }

    @Test
    void create_networkNone_hasOnlyLoopbackAndShowsIt() {
        JsonNode made = create(Map.of("template", "base", "network", "none",
                "resources", Map.of("memory", "128MB", "disk", "128MB")));
        String id = made.path("id").asText();

        JsonNode interfaces = exec(id, "cat /proc/net/dev");

        assertThat(made.path("network").asText()).isEqualTo("none");
        assertThat(admin.get("v1/sandboxes/" + id).data().path("network").asText()).isEqualTo("none");
        assertThat(admin.get("v1/sandboxes/" + id).data().path("metrics").isNull()).isTrue();
        assertThat(interfaces.path("stdout").asText()).contains("lo:").doesNotContain("eth0");
        admin.delete("v1/sandboxes/" + id);
    }

    @Test
    void create_noNetwork_hasItsOwnWithEth0AndShowsDefault() {
        JsonNode interfaces = exec(shared, "cat /proc/net/dev; cat /proc/net/route");

        assertThat(admin.get("v1/sandboxes/" + shared).data().path("network").asText()).isEqualTo("default");
        assertThat(interfaces.path("stdout").asText()).contains("eth0:", "lo:").contains("eth0\t00000000\t");
    }

    @Test
    void get_aSandboxWithANetwork_showsTheBytesItCarriedAndMetricsTotalThem() {
        JsonNode before = admin.get("v1/sandboxes/" + shared).data().path("metrics");

        // A question to the forwarder on the bridge and its answer: bytes out, then in.
        exec(shared, "getent hosts corral.invalid; true");

        JsonNode after = admin.get("v1/sandboxes/" + shared).data().path("metrics");
        String metrics = admin.withoutKey().get("metrics").raw();
        assertThat(after.path("networkBytesIn").asLong()).isGreaterThan(before.path("networkBytesIn").asLong());
        assertThat(after.path("networkBytesOut").asLong()).isGreaterThan(before.path("networkBytesOut").asLong());
        assertThat(total(metrics, "in")).isGreaterThanOrEqualTo(after.path("networkBytesIn").asDouble());
        assertThat(total(metrics, "out")).isGreaterThanOrEqualTo(after.path("networkBytesOut").asDouble());
    }

    /** The value of {@code corral_sandbox_network_bytes_total} for {@code direction} in Prometheus' text. */
    private static double total(String metrics, String direction) {
        var line = java.util.regex.Pattern.compile("corral_sandbox_network_bytes_total\\{direction=\"" + direction
                + "\",?} (\\S+)\n").matcher(metrics);
        assertThat(line.find()).as(metrics).isTrue();
        return Double.parseDouble(line.group(1));
    }

    @Test
    void create_anEgressPolicy_isKeptAndShown() {
        JsonNode made = create(Map.of("template", "base", "resources", Map.of("memory", "128MB", "disk", "128MB"),
                "network", Map.of("egress", "deny", "allow", List.of("198.51.100.0/24", "203.0.113.7"))));

        JsonNode shown = admin.get("v1/sandboxes/" + made.path("id").asText()).data().path("network");

        assertThat(shown.toString()).isEqualTo("{\"egress\":\"deny\",\"allow\":[\"198.51.100.0/24\","
                + "\"203.0.113.7/32\"],\"deny\":[]}");
        admin.delete("v1/sandboxes/" + made.path("id").asText());
    }

    @Test
    void patch_network_changesThePolicyAtOnceButNeverToOrFromNone() {
        JsonNode made = create(Map.of("template", "base", "resources", Map.of("memory", "128MB", "disk", "128MB")));
        String id = made.path("id").asText();
        JsonNode isolated = create(Map.of("template", "base", "network", "none",
                "resources", Map.of("memory", "128MB", "disk", "128MB")));

        ApiResponse changed = admin.patch("v1/sandboxes/" + id, Map.of("network", Map.of("egress", "deny",
                "allow", List.of("peer.test", "198.51.100.0/24"), "deny", List.of("*.ads.example"))));
        ApiResponse toNone = admin.patch("v1/sandboxes/" + id, Map.of("network", "none"));
        ApiResponse fromNone = admin.patch("v1/sandboxes/" + isolated.path("id").asText(),
                Map.of("network", "default"));
        ApiResponse badDomain = admin.patch("v1/sandboxes/" + id, Map.of("network", Map.of("allow",
                List.of("-bad.example"))));

        assertThat(changed.status()).isEqualTo(200);
        assertThat(admin.get("v1/sandboxes/" + id).data().path("network").toString()).isEqualTo("{\"egress\":"
                + "\"deny\",\"allow\":[\"198.51.100.0/24\",\"peer.test\"],\"deny\":[\"*.ads.example\"]}");
        assertThat(toNone.status()).isEqualTo(409);
        assertThat(toNone.toString()).contains("made at create");
        assertThat(fromNone.status()).isEqualTo(409);
        assertThat(badDomain.status()).isEqualTo(400);
        assertThat(badDomain.toString()).contains("network.allow[0]", "invalid domain rule");
        assertThat(exec(id, "timeout 3 bash -c 'exec 3<>/dev/tcp/203.0.113.80/80' && echo open || echo closed")
                .path("stdout").asText()).isEqualTo("closed\n");
        admin.delete("v1/sandboxes/" + id);
        admin.delete("v1/sandboxes/" + isolated.path("id").asText());
    }

    @Test
    void create_anInvalidDomainRule_isValidationFailedWithTheParsersMessage() {
        ApiResponse response = admin.post("v1/sandboxes", Map.of("template", "base",
                "network", Map.of("egress", "deny", "allow", List.of("*.example.org", "*"))));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.toString()).contains("validation_failed", "network.allow[1]",
                "a wildcard needs a domain after '*.'").doesNotContain("network.allow[0]");
    }

    @Test
    void create_unknownNetwork_isValidationFailedNamingWhatIsAccepted() {
        ApiResponse response = admin.post("v1/sandboxes", Map.of("template", "base", "network", "host"));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.toString()).contains("validation_failed", "network", "none", "default");
    }

    @Test
    void get_byIdAndByName_showsTheSandbox() {
        JsonNode byId = admin.get("v1/sandboxes/" + shared).data();
        JsonNode byName = admin.get("v1/sandboxes/shared").data();

        assertThat(byName.path("id").asText()).isEqualTo(shared);
        assertThat(byId.path("resources").toString()).isEqualTo("{\"vcpus\":1,\"memory\":\"256MB\",\"disk\":\"256MB\"}");
        assertThat(byId.path("tags").toString()).isEqualTo("[\"ci\",\"shared\"]");
        assertThat(byId.path("metadata").path("team").asText()).isEqualTo("blue");
        assertThat(byId.path("idleTimeout").asLong()).isEqualTo(600);
    }

    @Test
    void list_filters_byTagStatusTemplateAndMetadata() {
        assertThat(ids(admin.get("v1/sandboxes?tag=ci&tag=shared"))).contains(shared);
        assertThat(ids(admin.get("v1/sandboxes?tag=ci&tag=nope"))).doesNotContain(shared);
        assertThat(ids(admin.get("v1/sandboxes?status=running&template=base"))).contains(shared);
        assertThat(ids(admin.get("v1/sandboxes?metadata.team=blue"))).contains(shared);
        assertThat(ids(admin.get("v1/sandboxes?metadata.team=red"))).doesNotContain(shared);
        assertThat(admin.get("v1/sandboxes?status=sleeping").status()).isEqualTo(400);
    }

    private static List<String> ids(ApiResponse list) {
        assertThat(list.status()).isEqualTo(200);
        return list.data().findValuesAsText("id");
    }

    @Test
    void exec_simpleCommand_returnsOutputExitCodeAndBothTimes() {
        JsonNode result = exec(shared, "echo out; echo err >&2; exit 3");

        assertThat(result.path("stdout").asText()).isEqualTo("out\n");
        assertThat(result.path("stderr").asText()).isEqualTo("err\n");
        assertThat(result.path("exitCode").asInt()).isEqualTo(3);
        assertThat(result.path("executionTime").asLong()).isEqualTo(result.path("durationMs").asLong());
        assertThat(result.path("timedOut").asBoolean()).isFalse();
        assertThat(result.path("truncated").asBoolean()).isFalse();
    }

    @Test
    void exec_envAndCwd_mergeOverTheSandboxDefaults() {
        assertThat(exec(shared, "pwd; echo $GREETING").path("stdout").asText()).isEqualTo("/workspace\nhello\n");
        assertThat(exec(shared, Map.of("command", "pwd; echo $GREETING", "cwd", "/tmp/new/dir",
                "env", Map.of("GREETING", "hi"))).path("stdout").asText()).isEqualTo("/tmp/new/dir\nhi\n");
    }

    @Test
    void exec_timeout_killsTheWholeProcessGroup() {
        JsonNode result = exec(shared, Map.of("command", "sleep 300 & sleep 301; echo never", "timeout", 1000));

        assertThat(result.path("timedOut").asBoolean()).isTrue();
        assertThat(result.path("durationMs").asLong()).isBetween(900L, 15_000L);
        assertThat(result.path("stdout").asText()).doesNotContain("never");
        assertThat(exec(shared, "ps -eo args | grep -c '^sleep 30[01]' || true").path("stdout").asText().strip())
                .isEqualTo("0");
    }

    @Test
    void exec_largeOutput_comesBackWhole() {
        JsonNode result = exec(shared, "head -c 1048576 /dev/zero | tr '\\0' 'x'");

        assertThat(result.path("stdout").asText()).hasSize(1 << 20).matches("x+");
    }

    @Test
    void exec_binaryOutputAsBase64_isByteExact() {
        JsonNode result = exec(shared, Map.of("command", "printf '\\000\\001\\377\\376abc'", "encoding", "base64"));

        assertThat(result.path("encoding").asText()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(result.path("stdout").asText()))
                .containsExactly(0, 1, 0xff, 0xfe, 'a', 'b', 'c');
        assertThat(exec(shared, "printf 'ok\\377'").path("stdout").asText()).isEqualTo("ok\uFFFD");
    }

    @Test
    void exec_stdin_reachesTheCommandAsTextOrBase64() {
        JsonNode text = exec(shared, Map.of("command", "cat", "stdin", "line one\nline two ü\n"));
        byte[] bytes = {0, 1, 2, (byte) 0xff, '\n'};
        JsonNode binary = exec(shared, Map.of("command", "cat", "encoding", "base64",
                "stdin", Base64.getEncoder().encodeToString(bytes)));
        JsonNode none = exec(shared, Map.of("command", "cat; echo end"));

        assertThat(text.path("stdout").asText()).isEqualTo("line one\nline two ü\n");
        assertThat(Base64.getDecoder().decode(binary.path("stdout").asText())).isEqualTo(bytes);
        assertThat(none.path("stdout").asText()).isEqualTo("end\n");
    }

    @Test
    void exec_stdinNotBase64_isValidationFailed() {
        ApiResponse response = admin.post("v1/sandboxes/" + shared + "/exec",
                Map.of("command", "cat", "encoding", "base64", "stdin", "not base64!"));

        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.error().path("details").findValuesAsText("field")).containsExactly("stdin");
    }

    @Test
    void exec_manyConcurrentCommands_allSucceed() throws Exception {
        var threads = new java.util.ArrayList<Thread>();
        var outputs = new java.util.concurrent.ConcurrentLinkedQueue<String>();
        for (int i = 0; i < 16; i++) {
            int n = i;
            threads.add(Thread.ofVirtual().start(() -> outputs.add(exec(shared, "echo " + n).path("stdout").asText())));
        }
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(outputs).hasSize(16);
        assertThat(outputs.stream().map(String::strip).map(Integer::parseInt)).containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.range(0, 16).boxed().toList());
    }

    @Test
    void sandboxUser_isNotHostRootAndSeesNothingOfTheHost() {
        String uidMap = exec(shared, "cat /proc/self/uid_map").path("stdout").asText().strip();
        String processes = exec(shared, "ps -e -o pid= | wc -l").path("stdout").asText().strip();
        String hostPaths = exec(shared, "ls " + corral.dataDir + " /work 2>&1; echo done").path("stdout").asText();
        String hostname = exec(shared, "hostname").path("stdout").asText().strip();

        assertThat(uidMap).matches("0\\s+100000\\s+65536");
        assertThat(Integer.parseInt(processes)).isLessThan(10);
        assertThat(hostPaths).contains("No such file or directory").endsWith("done\n");
        assertThat(hostname).isEqualTo(shared);
        assertThat(exec(shared, "mount -t tmpfs none /mnt").path("exitCode").asInt()).isNotZero();
    }
}
