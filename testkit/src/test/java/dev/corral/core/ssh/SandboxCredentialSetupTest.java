package dev.corral.core.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.core.error.FieldProblem;
import dev.corral.core.key.Principal;
import dev.corral.core.org.Tier;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.SandboxStatus;
import dev.corral.core.sandbox.SandboxTestBed;
import dev.corral.core.sandbox.lifecycle.CreateSandbox;
import dev.corral.core.sandbox.lifecycle.RequestedLogins;
import dev.corral.core.sandbox.lifecycle.SandboxLoginSetup;
import dev.corral.testkit.SshKeys;
import dev.corral.testkit.fake.Principals;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The SSH logins a create asks for, through {@code SandboxService.create} as the API reaches it. */
class SandboxCredentialSetupTest {
    private final SandboxTestBed bed = new SandboxTestBed();
    private final SshKeyService keyService = new SshKeyService(bed.sshKeys, bed.clock);
    private final Principal owner = bed.caller(Tier.PRO);

    @AfterEach
    void close() {
        bed.close();
    }

    @Test
    void create_keyTextsAndRegisteredId_keepsTheirKeysOnceEach() {
        String text = SshKeys.ed25519Text("laptop");
        SshKey registered = keyService.add(owner, new NewSshKey("ci", SshKeys.ed25519Text("ci")));

        Sandbox sandbox = create(owner, List.of(text, registered.id().toString(), text), Optional.empty());

        SandboxCredentials kept = bed.credentials.find(sandbox.id()).orElseThrow();
        assertThat(kept.organization()).isEqualTo(owner.organizationId());
        assertThat(kept.keys()).containsExactly(SshPublicKey.parse("k", text), registered.publicKey());
        assertThat(kept.password()).isEmpty();
    }

    @Test
    void create_rootPassword_keepsOnlyASaltedHashOfIt() {
        Sandbox sandbox = create(owner, List.of(), Optional.of("correct horse battery"));

        PasswordHash kept = bed.credentials.find(sandbox.id()).orElseThrow().password().orElseThrow();
        assertThat(kept.encoded()).startsWith("pbkdf2-sha256$" + bed.passwords.iterations() + "$")
                .doesNotContain("correct horse");
        assertThat(kept.matches("correct horse battery")).isTrue();
    }

    @Test
    void create_noLogins_keepsNothing() {
        Sandbox sandbox = bed.running(owner);

        assertThat(bed.credentials.find(sandbox.id())).isEmpty();
    }

    @Test
    void create_requestTextNeverShowsThePassword() {
        CreateSandbox request = SandboxTestBed.withLogins(new RequestedLogins(List.of(),
                Optional.of("correct horse battery")));

        assertThat(request.toString()).doesNotContain("correct horse").contains("rootPassword=(set)");
    }

    @Test
    void create_malformedKey_isInvalidNamingItsPositionAndRecordsNothing() {
        assertInvalid(() -> create(owner, List.of(SshKeys.ed25519Text("ok"), "ssh-ed25519 AAAAnotakey"),
                Optional.empty()), "sshKeys[1]");
        assertInvalid(() -> create(owner, Collections.singletonList(null), Optional.empty()), "sshKeys[0]");
        assertThat(bed.store.countActive(owner.organizationId())).isZero();
    }

    @Test
    void create_unknownOrOtherOrganizationsKeyId_isInvalidAlike() {
        Principal stranger = bed.caller(Tier.PRO);
        SshKey theirs = keyService.add(stranger, new NewSshKey("theirs", SshKeys.ed25519Text("t")));

        CorralException unknown = assertInvalid(() -> create(owner, List.of(SshKeyId.random().toString()),
                Optional.empty()), "sshKeys[0]");
        CorralException foreign = assertInvalid(() -> create(owner, List.of(theirs.id().toString()),
                Optional.empty()), "sshKeys[0]");

        assertThat(foreign.details().getFirst().problem()).isEqualTo("names no SSH key of your organization: "
                + theirs.id());
        assertThat(unknown.details().getFirst().problem()).startsWith("names no SSH key of your organization");
    }

    @Test
    void create_moreKeysThanASandboxMayHave_isInvalid() {
        List<String> many = Stream.generate(() -> SshKeys.ed25519Text("k"))
                .limit(SandboxCredentialSetup.MAX_KEYS_PER_SANDBOX + 1).toList();

        assertInvalid(() -> create(owner, many, Optional.empty()), "sshKeys");
        assertThat(create(owner, many.subList(0, SandboxCredentialSetup.MAX_KEYS_PER_SANDBOX), Optional.empty())
                .status()).isEqualTo(SandboxStatus.RUNNING);
    }

    @Test
    void create_passwordTooShortOrTooLong_isInvalid() {
        assertInvalid(() -> create(owner, List.of(), Optional.of("1234567")), "rootPassword");
        assertInvalid(() -> create(owner, List.of(), Optional.of("x".repeat(129))), "rootPassword");
        assertThat(bed.store.countActive(owner.organizationId())).isZero();
    }

    @Test
    void create_loginsWithoutTheExecPermission_isForbidden() {
        Principal creator = Principals.of(owner.organization(), "sandbox:create", "sandbox:read");

        assertThatThrownBy(() -> create(creator, List.of(SshKeys.ed25519Text("k")), Optional.empty()))
                .isInstanceOfSatisfying(CorralException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
        assertThat(bed.running(creator).status()).isEqualTo(SandboxStatus.RUNNING);
    }

    @Test
    void none_anyLoginAsked_isInvalidNamingTheField() {
        assertInvalid(() -> SandboxLoginSetup.NONE.check(owner, new RequestedLogins(List.of("k"), Optional.empty())),
                "sshKeys");
        assertInvalid(() -> SandboxLoginSetup.NONE.check(owner, new RequestedLogins(List.of(),
                Optional.of("password"))), "rootPassword");
    }

    private Sandbox create(Principal caller, List<String> keys, Optional<String> password) {
        return bed.running(caller, SandboxTestBed.withLogins(new RequestedLogins(keys, password)));
    }

    private static CorralException assertInvalid(ThrowingCallable call, String field) {
        var thrown = catchThrowableOfType(CorralException.class, call);
        assertThat(thrown).as("expected validation_failed on " + field).isNotNull();
        assertThat(thrown.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
        assertThat(thrown.details()).extracting(FieldProblem::field).containsExactly(field);
        return thrown;
    }
}
