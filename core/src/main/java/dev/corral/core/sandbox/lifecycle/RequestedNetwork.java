package dev.corral.core.sandbox.lifecycle;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code network} of a create request as the client wrote it, unchecked: a name ({@code "none"},
 * {@code "default"}) or a policy object {@code {egress, allow, deny}}.
 *
 * @param name          the name, when the client gave one
 * @param egress        the policy's {@code egress}, absent for {@code allow}
 * @param allow         the policy's allowed entries, as written
 * @param deny          the policy's denied entries, as written
 * @param unknownFields fields of the policy object that are none of these, which are refused rather than ignored
 */
public record RequestedNetwork(Optional<String> name, Optional<String> egress, List<String> allow, List<String> deny,
                               List<String> unknownFields) {
    public RequestedNetwork {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(egress, "egress");
        // Entries may be null (a JSON null), which the rules refuse by place.
        allow = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(allow));
        deny = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(deny));
        unknownFields = List.copyOf(unknownFields);
    }

    /** {@code "none"}, {@code "default"} or anything else the client wrote in place of a policy. */
    public static RequestedNetwork named(String name) {
        return new RequestedNetwork(Optional.of(name), Optional.empty(), List.of(), List.of(), List.of());
    }

    /** A policy object. */
    public static RequestedNetwork policy(Optional<String> egress, List<String> allow, List<String> deny,
                                          List<String> unknownFields) {
        return new RequestedNetwork(Optional.empty(), egress, allow, deny, unknownFields);
    }
}
