package dev.corral.core.key;

/** A key just made: what is stored, and the secret that is shown to the caller this once. */
public record IssuedKey(ApiKey key, ApiKeySecret secret) {
}
