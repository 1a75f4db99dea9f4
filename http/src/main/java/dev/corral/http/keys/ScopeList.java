package dev.corral.http.keys;

import dev.corral.core.error.CorralException;
import dev.corral.core.key.Principal;
import dev.corral.core.key.Scope;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the scopes a client asks a key to have, and refuses any the calling key does not hold itself: a key
 * cannot mint a key more powerful than it is.
 */
final class ScopeList {
    private ScopeList() {
    }

    static List<Scope> parseGrantable(Principal caller, List<String> requested) {
        var scopes = new ArrayList<Scope>();
        for (int i = 0; i < requested.size(); i++) {
            String field = "scopes[" + i + "]";
            String text = requested.get(i);
            if (text == null) {
                throw CorralException.invalid(field, "must be a string");
            }
            Scope scope = Scope.parse(field, text);
            if (!caller.key().grants(scope)) {
                throw CorralException.forbidden("This API key cannot grant the scope '" + scope
                        + "', which it does not hold");
            }
            scopes.add(scope);
        }
        if (scopes.isEmpty() && !caller.key().grants(Scope.ALL)) {
            throw CorralException.forbidden("Only a key with scope '*' can create a key with every scope; "
                    + "name the scopes");
        }
        return scopes;
    }
}
