package dev.corral.http.sandboxes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.corral.core.sandbox.lifecycle.RequestedLogins;
import dev.corral.http.Json;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CreateSandboxRequestTest {
    @Test
    void toCommand_sshKeysAndRootPassword_becomeTheRequestedLogins() throws JsonProcessingException {
        CreateSandboxRequest body = read("""
                {"template": "base", "sshKeys": ["ssh-ed25519 AAAA a", "5f0c3a52-6b1e-4c43-9d55-0a4f2b8e9c11"],
                 "rootPassword": "correct horse battery"}""");

        assertThat(body.toCommand().logins()).isEqualTo(new RequestedLogins(
                List.of("ssh-ed25519 AAAA a", "5f0c3a52-6b1e-4c43-9d55-0a4f2b8e9c11"),
                Optional.of("correct horse battery")));
    }

    @Test
    void toCommand_passwordAsTheOlderSdkSentIt_isTheRootPassword() throws JsonProcessingException {
        CreateSandboxRequest body = read("""
                {"template": "base", "password": "correct horse battery"}""");

        assertThat(body.toCommand().logins().rootPassword()).contains("correct horse battery");
    }

    @Test
    void toCommand_noLogins_asksForNone() throws JsonProcessingException {
        assertThat(read("{\"template\": \"base\"}").toCommand().logins().isEmpty()).isTrue();
    }

    @Test
    void toString_neverShowsThePassword() throws JsonProcessingException {
        CreateSandboxRequest body = read("""
                {"template": "base", "rootPassword": "correct horse battery"}""");

        assertThat(body.toString()).doesNotContain("correct horse").contains("rootPassword=(set)");
        assertThat(body.toCommand().toString()).doesNotContain("correct horse");
    }

    private static CreateSandboxRequest read(String json) throws JsonProcessingException {
        return Json.mapper().readValue(json, CreateSandboxRequest.class);
    }
}
