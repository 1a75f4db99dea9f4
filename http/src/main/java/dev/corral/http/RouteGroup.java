package dev.corral.http;

import io.javalin.config.RoutesConfig;

/** The routes of one resource (API keys, organizations, ...), added to the server's route table at start. */
public interface RouteGroup {
    void register(RoutesConfig routes);
}
