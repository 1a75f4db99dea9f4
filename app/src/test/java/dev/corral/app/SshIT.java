package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SSH gateway driven by OpenSSH's own {@code ssh} and {@code sftp} clients, in batch mode, against a real
 * server and real sandboxes: keys registered through the API, commands and their exit codes, refusals of unknown
 * keys and of another organization's sandbox, files put and got over SFTP (read back through the files API),
 * terminals ({@code ssh -tt}) for a shell and for a command, and the logins a sandbox is created with: a key that
 * enters it alone, and a root password (given to {@code ssh} by an askpass program).
 */
class SshIT {
    @RegisterExtension
    static final TestCorral corral = new TestCorral(Map.of("ssh-port", "0", "ssh-host", "127.0.0.1"));
    /** Far beyond an SSH login and a command on this machine; only a hang should reach it. */
    private static final long CLIENT_TIMEOUT_SECONDS = 120;

    private static Path keys;
    private static Path ownKey;
    private static Path unknownKey;
    private static FilesApi sandbox;
    private static int port;

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        keys = Files.createTempDirectory("corral-ssh-keys-");
        ownKey = keygen("own");
        unknownKey = keygen("unknown");
        ApiResponse added = corral.admin.post("v1/ssh-keys", Map.of("name", "laptop",
                "publicKey", Files.readString(ownKey.resolveSibling("own.pub"))));
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        sandbox = FilesApi.create(corral.admin, "256MB");
        port = corral.server.sshPort().orElseThrow();
    }

    @AfterAll
    static void removeKeys() throws IOException {
        try (var files = Files.walk(keys)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void sshEndpoint_givesTheCommandAndTheNewestKey() {
        ApiResponse info = corral.admin.get("v1/sandboxes/" + sandbox.sandbox() + "/ssh");

        assertThat(info.status()).as(info.toString()).isEqualTo(200);
        assertThat(info.data().path("host").asText()).isEqualTo("127.0.0.1");
        assertThat(info.data().path("port").asInt()).isEqualTo(port);
        assertThat(info.data().path("user").asText()).isEqualTo(sandbox.sandbox());
        assertThat(info.data().path("command").asText())
                .isEqualTo("ssh -p " + port + " " + sandbox.sandbox() + "@127.0.0.1");
        String newest = corral.admin.get("v1/ssh-keys?limit=1").data().get(0).path("id").asText();
        assertThat(info.data().path("keyId").asText()).isEqualTo(newest);
        assertThat(corral.admin.get("v1/sandboxes/" + sandbox.sandbox()).data().path("sshReady").asBoolean())
                .isTrue();
    }

    @Test
    void sshEndpoint_gatewayOff_isConflictSayingSo() {
        try (var off = new TestCorral()) {
            String id = FilesApi.create(off.admin, "128MB").sandbox();

            ApiResponse info = off.admin.get("v1/sandboxes/" + id + "/ssh");

            assertThat(info.status()).as(info.toString()).isEqualTo(409);
            assertThat(info.error().path("message").asText()).contains("ssh-port");
            assertThat(off.server.sshPort()).isEmpty();
            assertThat(off.admin.get("v1/sandboxes/" + id).data().path("sshReady").asBoolean()).isFalse();
        }
    }

    @Test
    void exec_printsOutputAndReturnsTheExitCode() {
        Outcome run = ssh(ownKey, sandbox.sandbox(), "echo hi; exit 3");

        assertThat(run.stdout()).isEqualTo("hi\n");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
    }

    @Test
    void exec_streamsStdinToTheCommand() {
        Outcome run = ssh(ownKey, sandbox.sandbox(), "tr a-z A-Z", "piped in\n");

        assertThat(run.stdout()).isEqualTo("PIPED IN\n");
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void shell_onATerminal_runsTypedCommandsAndEndsWithTheShellsStatus() {
        assumeTerminals();
        Outcome run = run(List.of("ssh", "-tt", "-p", Integer.toString(port)), ownKey,
                sandbox.sandbox() + "@127.0.0.1", "echo $((6 * 7)) on $(tty)\nexit 5\n");

        assertThat(run.stdout()).as(run.toString()).contains("42 on /dev/pts/");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(5);
    }

    @Test
    void exec_withATerminal_runsOnAPty() {
        assumeTerminals();
        Outcome run = run(List.of("ssh", "-tt", "-p", Integer.toString(port)), ownKey,
                sandbox.sandbox() + "@127.0.0.1", "", "test -t 0 && echo pty; exit 4");

        assertThat(run.stdout()).as(run.toString()).contains("pty");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
    }

    @Test
    void exec_stoppedSandbox_saysWhyAndExits255() {
        String stopped = FilesApi.create(corral.admin, "128MB").sandbox();
        assertThat(corral.admin.delete("v1/sandboxes/" + stopped).status()).isEqualTo(200);

        Outcome run = ssh(ownKey, stopped, "echo never");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(255);
        assertThat(run.stderr()).contains("corral: Sandbox " + stopped + " is stopped");
    }

    @Test
    void login_unknownKey_isRefused() {
        Outcome run = ssh(unknownKey, sandbox.sandbox(), "echo never");

        assertThat(run.exitCode()).isEqualTo(255);
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr()).contains("Permission denied (publickey,password)");
    }

    @Test
    void login_anotherOrganizationsSandboxWithOwnKey_isRefused() {
        ApiClient other = corral.newOrganization("pro");
        String theirs = FilesApi.create(other, "128MB").sandbox();

        Outcome run = ssh(ownKey, theirs, "echo never");

        assertThat(run.exitCode()).isEqualTo(255);
        assertThat(run.stderr()).contains("Permission denied (publickey,password)");
    }

    @Test
    void sftp_putThenGet_roundTripsAndTheFilesApiSeesIt() throws IOException {
        byte[] contents = new byte[300_000];
        new java.util.Random(11).nextBytes(contents);
        Path local = Files.write(keys.resolve("upload.bin"), contents);
        Path back = keys.resolve("download.bin");
        String batch = "put " + local + " /workspace/over-sftp.bin\nget /workspace/over-sftp.bin " + back + "\n";

        Outcome run = run(List.of("sftp", "-b", "-", "-P", Integer.toString(port)), ownKey,
                sandbox.sandbox() + "@127.0.0.1", batch);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(sandbox.read("/workspace/over-sftp.bin")).isEqualTo(contents);
        assertThat(Files.readAllBytes(back)).isEqualTo(contents);
    }

    @Test
    void scp_copiesAFileInOverSftp() throws IOException {
        Path local = Files.writeString(keys.resolve("notes.txt"), "copied by scp\n");

        Outcome run = run(List.of("scp", "-P", Integer.toString(port)), ownKey, local.toString(), "",
                sandbox.sandbox() + "@127.0.0.1:/workspace/");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(sandbox.readText("/workspace/notes.txt")).isEqualTo("copied by scp\n");
    }

    @Test
    void sshKeys_deletedKey_noLongerLogsIn() throws IOException, InterruptedException {
        Path late = keygen("late");
        String id = corral.admin.post("v1/ssh-keys", Map.of("name", "late",
                "publicKey", Files.readString(late.resolveSibling("late.pub")))).data().path("id").asText();
        assertThat(ssh(late, sandbox.sandbox(), "true").exitCode()).isZero();

        assertThat(corral.admin.delete("v1/ssh-keys/" + id).status()).isEqualTo(200);

        assertThat(ssh(late, sandbox.sandbox(), "true").exitCode()).isEqualTo(255);
    }

    @Test
    void login_keyGivenAtCreate_entersThatSandboxAlone() throws IOException, InterruptedException {
        Path own = keygen("sandbox-own");
        String mine = createWith(Map.of("sshKeys", List.of(Files.readString(own.resolveSibling("sandbox-own.pub")))));

        Outcome run = ssh(own, mine, "echo in");
        Outcome elsewhere = ssh(own, sandbox.sandbox(), "echo never");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stdout()).isEqualTo("in\n");
        assertThat(elsewhere.exitCode()).isEqualTo(255);
        assertThat(elsewhere.stderr()).contains("Permission denied");
        assertThat(ssh(ownKey, mine, "true").exitCode()).as("the organization's keys still enter").isZero();
    }

    @Test
    void login_rootPasswordGivenAtCreate_entersWithItAlone() {
        String password = "correct horse battery";
        String mine = createWith(Map.of("rootPassword", password));

        Outcome run = sshWithPassword(mine, password, "echo in; exit 7");
        Outcome wrong = sshWithPassword(mine, password + "!", "echo never");
        Outcome withoutPassword = sshWithPassword(sandbox.sandbox(), password, "echo never");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(7);
        assertThat(run.stdout()).isEqualTo("in\n");
        assertThat(wrong.exitCode()).as(wrong.toString()).isEqualTo(255);
        assertThat(wrong.stdout()).isEmpty();
        assertThat(wrong.stderr()).contains("Permission denied");
        assertThat(withoutPassword.exitCode()).as(withoutPassword.toString()).isEqualTo(255);
        assertThat(withoutPassword.stderr()).contains("Permission denied");
        ApiResponse shown = corral.admin.get("v1/sandboxes/" + mine);
        assertThat(shown.raw()).doesNotContain(password).doesNotContain("pbkdf2");
    }

    @Test
    void create_badLogins_isValidationFailedNamingTheField() {
        ApiResponse shortPassword = corral.admin.post("v1/sandboxes", Map.of("template", "base",
                "rootPassword", "short"));
        ApiResponse unknownKey = corral.admin.post("v1/sandboxes", Map.of("template", "base",
                "sshKeys", List.of(java.util.UUID.randomUUID().toString())));

        assertThat(shortPassword.status()).as(shortPassword.toString()).isEqualTo(400);
        assertThat(shortPassword.error().path("code").asText()).isEqualTo("validation_failed");
        assertThat(shortPassword.toString()).contains("rootPassword").doesNotContain("short\"");
        assertThat(unknownKey.status()).as(unknownKey.toString()).isEqualTo(400);
        assertThat(unknownKey.toString()).contains("sshKeys[0]");
    }

    /** A small running sandbox of the admin's organization created with {@code fields} besides the usual ones. */
    private static String createWith(Map<String, Object> fields) {
        var body = new java.util.HashMap<String, Object>(Map.of("template", "base",
                "resources", Map.of("vcpus", 1, "memory", "256MB", "disk", "128MB")));
        body.putAll(fields);
        ApiResponse made = corral.admin.post("v1/sandboxes?wait=true", body);
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        assertThat(made.data().path("status").asText()).as(made.toString()).isEqualTo("running");
        return made.data().path("id").asText();
    }

    /**
     * Runs {@code command} through OpenSSH's {@code ssh} logging in with {@code password} only: no key is tried,
     * and the password comes from an askpass program (the client reads passwords from no pipe), one prompt only.
     */
    private static Outcome sshWithPassword(String user, String password, String command) {
        Path askpass = keys.resolve("askpass.sh");
        try {
            if (!Files.exists(askpass)) {
                Files.writeString(askpass, "#!/bin/sh\nprintf '%s\\n' \"$CORRAL_TEST_PASSWORD\"\n");
                Files.setPosixFilePermissions(askpass, java.nio.file.attribute.PosixFilePermissions.fromString(
                        "rwx------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> client = List.of("ssh", "-p", Integer.toString(port), "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                "-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no",
                "-o", "NumberOfPasswordPrompts=1", user + "@127.0.0.1", command);
        return execute(client, Map.of("SSH_ASKPASS", askpass.toString(), "SSH_ASKPASS_REQUIRE", "force",
                "DISPLAY", ":0", "CORRAL_TEST_PASSWORD", password), "");
    }

    /** Terminals are the agent's ({@code guest: runc} refuses them), so these tests run on the agent path only. */
    private static void assumeTerminals() {
        Assumptions.assumeTrue(TestCorral.GUEST.equals("agent"), "terminals need guest: agent");
    }

    private static Outcome ssh(Path key, String user, String command) {
        return ssh(key, user, command, "");
    }

    private static Outcome ssh(Path key, String user, String command, String stdin) {
        return run(List.of("ssh", "-p", Integer.toString(port)), key, user + "@127.0.0.1", stdin, command);
    }

    /**
     * Runs an OpenSSH client in batch mode with only {@code key}, trusting the gateway's host key: its options,
     * then {@code destination} (for scp, the source), then {@code args}.
     */
    private static Outcome run(List<String> client, Path key, String destination, String stdin, String... args) {
        var command = new ArrayList<>(client);
        command.addAll(List.of("-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR",
                "-i", key.toString(), destination));
        command.addAll(List.of(args));
        return execute(command, Map.of(), stdin);
    }

    /** Runs a client with {@code env} added to this JVM's, {@code stdin} written to it, and waits for its end. */
    private static Outcome execute(List<String> command, Map<String, String> env, String stdin) {
        try {
            var builder = new ProcessBuilder(command);
            builder.environment().putAll(env);
            Process process = builder.start();
            process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
            var err = new java.io.ByteArrayOutputStream();
            Thread errors = Thread.ofPlatform().start(() -> {
                try {
                    process.getErrorStream().transferTo(err);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            byte[] out = process.getInputStream().readAllBytes();
            errors.join();
            if (!process.waitFor(CLIENT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not end");
            }
            return new Outcome(new String(out, StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                    process.exitValue());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A new Ed25519 key pair in the keys directory: {@code name} and {@code name.pub}. */
    private static Path keygen(String name) throws IOException, InterruptedException {
        Path key = keys.resolve(name);
        Process process = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f",
                key.toString()).redirectErrorStream(true).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(new String(process.getInputStream().readAllBytes())).isZero();
        return key;
    }

    record Outcome(String stdout, String stderr, int exitCode) {
    }
}
