package dev.corral.http.ports;

import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.ports.SandboxPorts;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Preview URLs by host name: a request to {@code {port}-{sandboxId}.<preview domain>} goes to that port of that
 * sandbox whatever its path, as {@code /v1/sandboxes/{sandboxId}/ports/{port}{path}} does. This filter turns the
 * first into the second before routing, so that both forms pass the same authentication, rate limits, checks and
 * proxy; the request remembers that it came by host ({@link #isPreview}), which the routes that share the path
 * form's prefix ({@code .../ports/{port}/public}) use to pass such requests to the proxy instead. A dev server's
 * pages want the host form: their absolute links ({@code /assets/app.js}) stay on the sandbox's host.
 *
 * <p>A servlet filter, stateless, run on the request's thread.
 */
public final class PreviewHosts implements Filter {
    /** Set on a request that came by a preview host: its path as it was sent (undecoded). */
    public static final String SENT_PATH = "corral.preview.path";

    private final String domain;
    private final Pattern host;

    /** @param domain the preview domain, such as {@code sandboxes.example.com} */
    public PreviewHosts(String domain) {
        this.domain = domain.toLowerCase(Locale.ROOT);
        this.host = Pattern.compile("(\\d{1,5})-([a-z0-9-]+)\\." + Pattern.quote(this.domain) + "(:\\d{1,5})?");
    }

    /** The host of {@code port} of {@code sandbox}: {@code {port}-{sandboxId}.<preview domain>}. */
    public String hostOf(SandboxId sandbox, int port) {
        return port + "-" + sandbox.value() + "." + domain;
    }

    /** Whether the request came by a preview host (and was turned into the path form). */
    public static boolean isPreview(HttpServletRequest request) {
        return request.getAttribute(SENT_PATH) != null;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest http) || http.getHeader("Host") == null) {
            chain.doFilter(request, response);
            return;
        }
        Matcher target = host.matcher(http.getHeader("Host").toLowerCase(Locale.ROOT));
        if (!target.matches()) {
            chain.doFilter(request, response);
            return;
        }
        String sent = http.getRequestURI();
        if (!SandboxId.isId(target.group(2)) || !isPort(target.group(1)) || !sent.startsWith("/")) {
            ((HttpServletResponse) response).sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        http.setAttribute(SENT_PATH, sent);
        chain.doFilter(new ForPort(http, "/v1/sandboxes/" + target.group(2) + "/ports/" + target.group(1) + sent),
                response);
    }

    private static boolean isPort(String digits) {
        int port = Integer.parseInt(digits);
        return port >= SandboxPorts.MIN_PORT && port <= SandboxPorts.MAX_PORT;
    }

    /** The request as if sent to the path form. */
    private static final class ForPort extends HttpServletRequestWrapper {
        private final String uri;

        ForPort(HttpServletRequest request, String uri) {
            super(request);
            this.uri = uri;
        }

        @Override
        public String getRequestURI() {
            return uri;
        }

        @Override
        public StringBuffer getRequestURL() {
            return new StringBuffer(getScheme()).append("://").append(getHeader("Host")).append(uri);
        }

        @Override
        public String getServletPath() {
            return uri;
        }

        @Override
        public String getPathInfo() {
            return null;
        }
    }
}
