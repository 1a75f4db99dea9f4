package dev.corral.core.org;

import dev.corral.core.key.IssuedKey;

/** An organization just made, with its first admin key. */
public record NewOrganization(Organization organization, IssuedKey adminKey) {
}
