package dev.corral.http.workspaces;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Body of {@code POST /v1/workspaces}; the slug is made from the name when absent. */
public record CreateWorkspaceRequest(@JsonProperty(required = true) String name, String slug, Long quotaBytes) {
}
