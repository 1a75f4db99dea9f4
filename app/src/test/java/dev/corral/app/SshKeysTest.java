package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import dev.corral.testkit.SshKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /v1/ssh-keys} over HTTP: register, list, get, delete, each in the envelope and within the organization. */
class SshKeysTest {
    @RegisterExtension
    static final TestCorral corral = new TestCorral();

    @Test
    void create_openSshKey_answersItWithFingerprintAndWithoutComment() {
        String text = SshKeys.ed25519Text("alice@laptop");

        ApiResponse made = corral.admin.post("v1/ssh-keys", Map.of("name", "laptop", "publicKey", text));

        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        JsonNode key = made.data();
        assertThat(key.path("name").asText()).isEqualTo("laptop");
        assertThat(key.path("publicKey").asText()).isEqualTo(text.substring(0, text.lastIndexOf(' ')));
        assertThat(key.path("algorithm").asText()).isEqualTo("ssh-ed25519");
        assertThat(key.path("bits").asInt()).isEqualTo(256);
        assertThat(key.path("fingerprint").asText()).startsWith("SHA256:");
        assertThat(corral.admin.get("v1/ssh-keys/" + key.path("id").asText()).data()).isEqualTo(key);
    }

    @Test
    void create_snakeCaseField_isAccepted() {
        ApiResponse made = corral.admin.post("v1/ssh-keys", Map.of("name", "desk",
                "public_key", SshKeys.ed25519Text("desk")));

        assertThat(made.status()).as(made.toString()).isEqualTo(201);
    }

    @Test
    void create_badOrMissingFields_isValidationFailedNamingThem() {
        assertInvalid(corral.admin.post("v1/ssh-keys", Map.of("name", "x", "publicKey", "ssh-rsa AAAA")),
                "publicKey");
        assertInvalid(corral.admin.post("v1/ssh-keys", Map.of("name", "", "publicKey",
                SshKeys.ed25519Text("x"))), "name");
        assertInvalid(corral.admin.post("v1/ssh-keys", Map.of("name", "x")), "publicKey");
    }

    @Test
    void create_sameKeyTwice_isConflict() {
        String text = SshKeys.ed25519Text("twice");
        corral.admin.post("v1/ssh-keys", Map.of("name", "first", "publicKey", text));

        ApiResponse again = corral.admin.post("v1/ssh-keys", Map.of("name", "second", "publicKey", text));

        assertThat(again.status()).isEqualTo(409);
        assertThat(again.error().path("code").asText()).isEqualTo("conflict");
    }

    @Test
    void list_pagesNewestFirst_andOnlyTheOrganizationsKeys() {
        ApiClient team = corral.newOrganization("team");
        var made = new ArrayList<String>();
        for (int i = 0; i < 3; i++) {
            made.add(team.post("v1/ssh-keys", Map.of("name", "k" + i, "publicKey", SshKeys.ed25519Text("k")))
                    .data().path("id").asText());
        }

        ApiResponse first = team.get("v1/ssh-keys?limit=2");
        ApiResponse second = team.get("v1/ssh-keys?limit=2&cursor=" + first.json().path("nextCursor").asText());

        assertThat(first.json().path("hasMore").asBoolean()).isTrue();
        var seen = new ArrayList<String>();
        first.data().forEach(key -> seen.add(key.path("id").asText()));
        second.data().forEach(key -> seen.add(key.path("id").asText()));
        assertThat(seen).containsExactlyInAnyOrderElementsOf(made);
        assertThat(second.json().path("hasMore").asBoolean()).isFalse();
    }

    @Test
    void getAndDelete_anotherOrganizationsKeyOrNoUuid_isNotFound() {
        String id = corral.admin.post("v1/ssh-keys", Map.of("name", "mine", "publicKey",
                SshKeys.ed25519Text("mine"))).data().path("id").asText();
        ApiClient stranger = corral.newOrganization("pro");

        for (String path : List.of("v1/ssh-keys/" + id, "v1/ssh-keys/" + UUID.randomUUID(), "v1/ssh-keys/nope")) {
            assertThat(stranger.get(path).status()).as(path).isEqualTo(404);
            assertThat(stranger.delete(path).error().path("code").asText()).as(path).isEqualTo("not_found");
        }
        assertThat(corral.admin.get("v1/ssh-keys/" + id).status()).isEqualTo(200);
    }

    @Test
    void delete_ownKey_answersSuccessAndItIsGone() {
        String id = corral.admin.post("v1/ssh-keys", Map.of("name", "old", "publicKey",
                SshKeys.ed25519Text("old"))).data().path("id").asText();

        ApiResponse deleted = corral.admin.delete("v1/ssh-keys/" + id);

        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.data().path("success").asBoolean()).isTrue();
        assertThat(corral.admin.get("v1/ssh-keys/" + id).status()).isEqualTo(404);
    }

    @Test
    void sshEndpoint_unknownSandbox_isNotFound() {
        ApiResponse response = corral.admin.get("v1/sandboxes/sandbox-000000000000/ssh");

        assertThat(response.status()).isEqualTo(404);
    }

    private static void assertInvalid(ApiResponse response, String field) {
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.error().path("code").asText()).isEqualTo("validation_failed");
        assertThat(response.error().path("details").findValuesAsText("field")).contains(field);
    }
}
