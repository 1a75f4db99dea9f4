package dev.corral.http;

import io.javalin.config.RoutesConfig;
import jakarta.servlet.Filter;
import java.util.List;

/** The routes of one resource (API keys, organizations, ...), added to the server's route table at start. */
public interface RouteGroup {
    void register(RoutesConfig routes);

    /**
     * Servlet filters the group needs before any routing (such as one that turns another form of its requests
     * into its routes' form); none by default.
     */
    default List<Filter> filters() {
        return List.of();
    }
}
