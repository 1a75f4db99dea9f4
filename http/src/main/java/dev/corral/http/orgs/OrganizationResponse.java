package dev.corral.http.orgs;

import dev.corral.core.org.Organization;
import java.time.Instant;

/** An organization as the API shows it; {@code plan} repeats {@code tier} under the name RunTools' NEW docs use. */
public record OrganizationResponse(String id, String name, String slug, String tier, String plan, boolean operator,
                                   Instant createdAt) {
    public static OrganizationResponse of(Organization org) {
        return new OrganizationResponse(org.id().toString(), org.name(), org.slug(), org.tier().wire(),
                org.tier().wire(), org.operator(), org.createdAt());
    }
}
