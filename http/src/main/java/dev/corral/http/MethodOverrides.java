package dev.corral.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Set;

/**
 * Hides the method-override headers ({@code X-HTTP-Method-Override} and its cousins) from everything behind it:
 * Javalin routes a request by that header when present, so a GET carrying {@code X-HTTP-Method-Override: DELETE}
 * deleted what it named, from a link or an image tag. The method on the request line is the only method. A servlet
 * filter, stateless, run on the request's thread.
 */
final class MethodOverrides implements Filter {
    private static final Set<String> HIDDEN = Set.of("x-http-method-override", "x-http-method",
            "x-method-override");

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && carriesOverride(http)) {
            request = new WithoutOverrides(http);
        }
        chain.doFilter(request, response);
    }

    private static boolean carriesOverride(HttpServletRequest request) {
        for (String header : HIDDEN) {
            if (request.getHeader(header) != null) {
                return true;
            }
        }
        return false;
    }

    private static boolean hidden(String name) {
        return name != null && HIDDEN.contains(name.toLowerCase(Locale.ROOT));
    }

    private static final class WithoutOverrides extends HttpServletRequestWrapper {
        WithoutOverrides(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getHeader(String name) {
            return hidden(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return hidden(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            return Collections.enumeration(Collections.list(super.getHeaderNames()).stream()
                    .filter(name -> !hidden(name)).toList());
        }
    }
}
