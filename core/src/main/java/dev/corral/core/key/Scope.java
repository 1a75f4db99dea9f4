package dev.corral.core.key;

import dev.corral.core.error.CorralException;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A permission an API key carries, in RunTools' NEW vocabulary ({@code sandbox:create}, {@code files:*}, {@code *}).
 * The DEV names ({@code sandboxes}, {@code agents}, ...) are accepted as aliases and stored in the NEW form.
 * A wildcard grants every action of its resource; {@code *} grants everything.
 */
public record Scope(String value) {
    public static final Scope ALL = new Scope("*");

    private static final Set<String> KNOWN = Set.of(
            "*",
            "sandbox:create", "sandbox:read", "sandbox:write", "sandbox:*",
            "agent:run", "agent:read", "agent:write", "agent:*",
            "files:read", "files:write", "files:*",
            "template:read", "template:write", "template:*",
            "tool:read", "tool:execute", "tool:write", "tool:*",
            "workflow:*", "ssh-key:*",
            "org:read", "org:write", "org:members", "org:*",
            "admin:resources", "admin:*");

    private static final Map<String, String> DEV_ALIASES = Map.of(
            "sandboxes", "sandbox:*",
            "sandboxes:read", "sandbox:read",
            "agents", "agent:*",
            "templates", "template:*",
            "tools", "tool:*");

    /**
     * The scope named by {@code text} (NEW name or DEV alias); {@code validation_failed} on {@code field} when
     * Corral does not know it.
     */
    public static Scope parse(String field, String text) {
        String canonical = DEV_ALIASES.getOrDefault(text, text);
        if (!KNOWN.contains(canonical)) {
            throw CorralException.invalid(field, "unknown scope '" + text + "'");
        }
        return new Scope(canonical);
    }

    /** Every scope Corral knows, in the NEW vocabulary. */
    public static Set<Scope> known() {
        return KNOWN.stream().map(Scope::new).collect(Collectors.toUnmodifiableSet());
    }

    /** Whether a key holding this scope may do what {@code required} names. */
    public boolean grants(Scope required) {
        if (value.equals("*") || value.equals(required.value)) {
            return true;
        }
        if (value.endsWith(":*")) {
            String resource = value.substring(0, value.length() - 1);
            return required.value.startsWith(resource);
        }
        return false;
    }

    @Override
    public String toString() {
        return value;
    }
}
