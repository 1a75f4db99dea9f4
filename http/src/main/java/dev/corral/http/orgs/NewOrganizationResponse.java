package dev.corral.http.orgs;

import dev.corral.http.keys.ApiKeyResponse;

/** An organization just made and its first admin key, whose secret is shown only here. */
public record NewOrganizationResponse(OrganizationResponse organization, ApiKeyResponse adminKey) {
}
