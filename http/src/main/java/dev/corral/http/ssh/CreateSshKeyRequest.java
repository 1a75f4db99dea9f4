package dev.corral.http.ssh;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Body of {@code POST /v1/ssh-keys}; RunTools' auth service spells the key {@code public_key}, accepted too. */
public record CreateSshKeyRequest(
        @JsonProperty(required = true) String name,
        @JsonProperty(required = true) @JsonAlias("public_key") String publicKey) {
}
