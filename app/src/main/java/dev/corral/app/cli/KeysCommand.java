package dev.corral.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.app.cli.Command.Option;
import dev.corral.app.cli.Command.Positional;
import java.util.LinkedHashMap;

/** {@code corral keys}: manage the API keys of the organization the calling key belongs to. */
final class KeysCommand {
    private KeysCommand() {
    }

    static Command command() {
        return Command.group("keys", "Create, list and revoke API keys.", create(), list(), revoke());
    }

    private static Command create() {
        return ApiOptions.leaf("create", "Create a key; its secret is shown once.", KeysCommand::create)
                .withOptions(Option.value("name", "NAME", "A name to tell the key apart.").asRequired(),
                        Option.value("scope", "SCOPE", "A scope the key gets, e.g. sandbox:* (repeatable; "
                                + "default *).").asRepeatable(),
                        Option.value("expires-in", "DURATION", "Lifetime such as 30d, 12m, 1y (default: never)."),
                        Option.flag("test", "Make an rt_test_ key (lower rate limits)."));
    }

    private static int create(Invocation call) {
        var body = new LinkedHashMap<String, Object>();
        body.put("name", call.value("name"));
        body.put("scopes", call.values("scope"));
        if (call.value("expires-in") != null) {
            body.put("expiresIn", call.value("expires-in"));
        }
        body.put("isTest", call.flag("test"));
        ApiOptions api = call.api();
        JsonNode key = api.connect().call("POST", "v1/api-keys", body).path("data");
        var out = call.out();
        if (api.json) {
            out.println(key.toPrettyString());
        } else {
            out.println("Created key " + key.path("id").asText() + " (" + key.path("name").asText() + ").");
            out.println("Secret, shown only now:");
            out.println("    " + key.path("key").asText());
        }
        out.flush();
        return 0;
    }

    private static Command list() {
        return ApiOptions.leaf("list", "List keys, revoked ones included.", call -> {
            ApiOptions api = call.api();
            JsonNode all = api.connect().listAll("v1/api-keys?limit=100");
            api.print(all, out -> Table.print(out, all, "id", "name", "keyPrefix", "scopes", "status",
                    "lastUsedAt", "expiresAt"));
            return 0;
        });
    }

    private static Command revoke() {
        return ApiOptions.leaf("revoke", "Revoke a key; it stops working at once.", call -> {
            ApiOptions api = call.api();
            JsonNode key = api.connect().call("DELETE", "v1/api-keys/" + call.positional("ID"), null).path("data");
            api.report(key.toPrettyString(), "Revoked key " + key.path("id").asText() + ".");
            return 0;
        }).withPositionals(Positional.one("ID", "The key's id (from 'corral keys list')."));
    }
}
