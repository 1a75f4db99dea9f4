package dev.corral.http.ports;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The path and query the proxy asks the sandbox for, cut from the caller's raw request URI: what follows
 * {@code /ports/{port}} (or {@code /} when nothing does), escapes kept as the caller wrote them, and the query
 * without the parameters that carry Corral credentials ({@code api_key}, {@code token}), which the sandbox never
 * sees.
 */
public final class ProxiedTarget {
    private static final Set<String> CREDENTIAL_PARAMETERS = Set.of("api_key", "token");
    /** The slashes of {@code /v1/sandboxes/{id}/ports/{port}/}, the last one the proxied path's first. */
    private static final int PREFIX_SLASHES = 6;

    private ProxiedTarget() {
    }

    /**
     * @param rawUri   the request URI, undecoded, without its query: {@code /v1/sandboxes/{id}/ports/{port}...}
     * @param rawQuery the query string, undecoded, or null
     */
    public static String of(String rawUri, String rawQuery) {
        // Neither an id nor a port holds a slash, so the sixth one ends the route's own part.
        int at = 0;
        for (int slash = 1; slash < PREFIX_SLASHES && at >= 0; slash++) {
            at = rawUri.indexOf('/', at + 1);
        }
        String path = at < 0 ? "/" : rawUri.substring(at);
        String query = rawQuery == null ? "" : Arrays.stream(rawQuery.split("&"))
                .filter(pair -> !pair.isEmpty() && !CREDENTIAL_PARAMETERS.contains(name(pair)))
                .collect(Collectors.joining("&"));
        return query.isEmpty() ? path : path + "?" + query;
    }

    private static String name(String pair) {
        int equals = pair.indexOf('=');
        return URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
    }
}
