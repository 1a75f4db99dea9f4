package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OrganizationsTest {
    @RegisterExtension
    static final TestCorral corral = new TestCorral();
    private static final ApiClient admin = corral.admin;

    @Test
    void current_operatorKey_isTheEnterpriseDefaultOrganization() {
        ApiResponse response = admin.get("v1/organizations/current");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.data().path("slug").asText()).isEqualTo("default");
        assertThat(response.data().path("tier").asText()).isEqualTo("enterprise");
        assertThat(response.data().path("operator").asBoolean()).isTrue();
    }

    @Test
    void create_byOperatorAdmin_returnsOrganizationWithWorkingAdminKey() {
        ApiResponse made = admin.post("v1/organizations", Map.of("name", "Blue Team", "tier", "pro"));

        assertThat(made.status()).isEqualTo(201);
        assertThat(made.data().path("organization").path("slug").asText()).isEqualTo("blue-team");
        ApiClient blue = admin.withKey(made.data().path("adminKey").path("key").asText());
        ApiResponse me = blue.get("v1/me");
        assertThat(me.data().path("organization").path("tier").asText()).isEqualTo("pro");
        assertThat(me.data().path("isAdmin").asBoolean()).isFalse();
    }

    @Test
    void create_duplicateSlug_isConflict() {
        admin.post("v1/organizations", Map.of("name", "Twins", "slug", "twins"));

        ApiResponse again = admin.post("v1/organizations", Map.of("name", "Twins again", "slug", "twins"));

        assertThat(again.status()).isEqualTo(409);
        assertThat(again.error().path("code").asText()).isEqualTo("conflict");
    }

    @Test
    void create_badSlug_isValidationFailed() {
        ApiResponse response = admin.post("v1/organizations", Map.of("name", "x", "slug", "-Bad Slug-"));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.error().path("details").get(0).path("field").asText()).isEqualTo("slug");
    }

    @Test
    void create_byAnotherOrganizationsAdmin_isForbidden() {
        ApiClient team = corral.newOrganization("team");

        ApiResponse response = team.post("v1/organizations", Map.of("name", "Sneaky"));

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.error().path("code").asText()).isEqualTo("forbidden");
    }

    @Test
    void create_byOperatorKeyWithoutAdminScope_isForbidden() {
        ApiClient limited = admin.withKey(corral.newKey(admin, "org:*"));

        assertThat(limited.post("v1/organizations", Map.of("name", "Nope")).status()).isEqualTo(403);
    }

    @Test
    void setTier_byOperatorAdmin_changesTheTier() {
        ApiClient team = corral.newOrganization("free");
        String id = team.get("v1/organizations/current").data().path("id").asText();

        ApiResponse response = admin.patch("v1/organizations/" + id, Map.of("tier", "team"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(team.get("v1/organizations/current").data().path("tier").asText()).isEqualTo("team");
        assertThat(team.patch("v1/organizations/" + id, Map.of("tier", "enterprise")).status()).isEqualTo(403);
    }

    @Test
    void get_anotherOrganization_isNotFoundUnlessOperator() {
        ApiClient red = corral.newOrganization("free");
        ApiClient green = corral.newOrganization("free");
        String redId = red.get("v1/organizations/current").data().path("id").asText();

        assertThat(green.get("v1/organizations/" + redId).status()).isEqualTo(404);
        assertThat(red.get("v1/organizations/" + redId).status()).isEqualTo(200);
        assertThat(admin.get("v1/organizations/" + redId).status()).isEqualTo(200);
    }
}
