package dev.corral.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code corral keys}: manage the API keys of the organization the calling key belongs to. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Create, list and revoke API keys.",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand {

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a key; its secret is shown once.")
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ApiOptions api;
        @Option(names = "--name", required = true, description = "A name to tell the key apart.")
        String name;
        @Option(names = "--scope", description = "A scope the key gets, e.g. sandbox:* (repeatable; default *).")
        List<String> scopes = List.of();
        @Option(names = "--expires-in", description = "Lifetime such as 30d, 12m, 1y (default: never).")
        String expiresIn;
        @Option(names = "--test", description = "Make an rt_test_ key (lower rate limits).")
        boolean test;

        @Override
        public Integer call() {
            var body = new LinkedHashMap<String, Object>();
            body.put("name", name);
            body.put("scopes", scopes);
            if (expiresIn != null) {
                body.put("expiresIn", expiresIn);
            }
            body.put("isTest", test);
            JsonNode key = api.connect().call("POST", "v1/api-keys", body).path("data");
            var out = spec.commandLine().getOut();
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
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys, revoked ones included.")
    static final class ListKeys implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ApiOptions api;

        @Override
        public Integer call() {
            JsonNode all = api.connect().listAll("v1/api-keys?limit=100");
            var out = spec.commandLine().getOut();
            if (api.json) {
                out.println(all.toPrettyString());
                out.flush();
            } else {
                Table.print(out, all, "id", "name", "keyPrefix", "scopes", "status", "lastUsedAt", "expiresAt");
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key; it stops working at once.")
    static final class Revoke implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ApiOptions api;
        @Parameters(paramLabel = "ID", description = "The key's id (from 'corral keys list').")
        String id;

        @Override
        public Integer call() {
            JsonNode key = api.connect().call("DELETE", "v1/api-keys/" + id, null).path("data");
            api.report(spec, key.toPrettyString(), "Revoked key " + key.path("id").asText() + ".");
            return 0;
        }
    }
}
