package dev.corral.http.orgs;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Body of {@code POST /v1/organizations}; the tier defaults to {@code free}. */
public record CreateOrganizationRequest(@JsonProperty(required = true) String name, String slug, String tier) {
}
