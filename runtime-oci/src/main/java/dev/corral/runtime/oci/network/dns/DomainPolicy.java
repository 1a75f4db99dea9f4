package dev.corral.runtime.oci.network.dns;

import dev.corral.core.sandbox.DomainRule;
import java.util.List;

/**
 * What names one sandbox may resolve: the domain rules of its egress policy. A name on the deny list is refused
 * whatever else says; otherwise a name on the allow list is allowed; otherwise the default ({@code egress})
 * decides. The CIDR rules of the same policy are the nftables layer's business, not this one's.
 */
public record DomainPolicy(Egress egress, List<DomainRule> allow, List<DomainRule> deny) {

    /** The default for names that no rule names. */
    public enum Egress {
        ALLOW,
        DENY
    }

    public DomainPolicy {
        if (egress == null) {
            throw new IllegalArgumentException("a domain policy needs an egress default");
        }
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
    }

    /** Reads rules as written in a policy; throws {@link IllegalArgumentException} for the first invalid one. */
    public static DomainPolicy of(Egress egress, List<String> allow, List<String> deny) {
        return new DomainPolicy(egress, allow.stream().map(DomainRule::parse).toList(),
                deny.stream().map(DomainRule::parse).toList());
    }

    /** Whether the sandbox may resolve the name (lower-case labels, leftmost first). */
    public boolean allows(List<String> name) {
        if (denies(name)) {
            return false;
        }
        return egress == Egress.ALLOW || allow.stream().anyMatch(rule -> rule.matches(name));
    }

    /** Whether the deny list names the name: the one check a CNAME target must pass (see {@link DnsForwarder}). */
    public boolean denies(List<String> name) {
        return deny.stream().anyMatch(rule -> rule.matches(name));
    }
}
