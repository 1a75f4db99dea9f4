package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.ApiResponse;
import dev.corral.testkit.PostgresTestSchema;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The whole server on PostgreSQL instead of SQLite: the same API, state kept across a restart. */
class PostgresServerIT {

    @Test
    void serverOnPostgres_servesTheApiAndKeepsStateAcrossARestart() throws Exception {
        var found = PostgresTestSchema.create();
        Assumptions.assumeTrue(found.isPresent(), PostgresTestSchema.MISSING);
        try (PostgresTestSchema schema = found.get()) {
            var flags = Map.of("database-url", schema.url(), "database-user", schema.user(),
                    "database-password", schema.password());
            var first = new TestCorral(flags);
            ApiResponse made = first.admin.post("v1/api-keys", Map.of("name", "on-postgres"));
            assertThat(made.status()).isEqualTo(201);
            first.stop();

            try (var second = new TestCorral(first.dataDir, flags)) {
                assertThat(second.admin.get("v1/api-keys?limit=100").data().findValuesAsText("id"))
                        .contains(made.data().path("id").asText());
                assertThat(second.admin.withKey(made.data().path("key").asText()).get("v1/me").status())
                        .isEqualTo(200);
                assertThat(second.admin.withoutKey().get("health").json().path("checks").path("database").asText())
                        .isEqualTo("ok");
            }
        }
    }
}
