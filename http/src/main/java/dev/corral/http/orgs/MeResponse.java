package dev.corral.http.orgs;

import java.util.List;

/**
 * The answer of {@code GET /v1/me}. Corral has no user accounts: the caller is an API key, so this describes the
 * key and its organization.
 */
public record MeResponse(String id, String type, String name, String keyPrefix, List<String> scopes,
                         boolean isAdmin, boolean accessGranted, OrganizationResponse organization) {
}
