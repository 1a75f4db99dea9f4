package dev.corral.http.orgs;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Body of {@code PATCH /v1/organizations/{id}}: the operator sets an organization's tier. */
public record UpdateOrganizationRequest(@JsonProperty(required = true) String tier) {
}
