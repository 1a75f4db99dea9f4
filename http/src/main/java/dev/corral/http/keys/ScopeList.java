package dev.corral.http.keys;

import dev.corral.core.error.CorralException;
import dev.corral.core.key.Scope;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the scopes a client asks a key to have; which of them the calling key may grant is the core's decision
 * ({@link dev.corral.core.policy.AccessPolicy#requireGrantable}).
 */
final class ScopeList {
    private ScopeList() {
    }

    static List<Scope> parse(List<String> requested) {
        var scopes = new ArrayList<Scope>();
        for (int i = 0; i < requested.size(); i++) {
            String field = "scopes[" + i + "]";
            String text = requested.get(i);
            if (text == null) {
                throw CorralException.invalid(field, "must be a string");
            }
            scopes.add(Scope.parse(field, text));
        }
        return scopes;
    }
}
