package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * No path, {@code ..} or symlink given to the files API reaches outside the sandbox's own filesystem, and what it
 * writes belongs to the sandbox's unprivileged root. Each sandbox's {@code /etc/hostname} holds its id, so a read
 * that answers the id was served from inside the sandbox; the host's own {@code /work} directory, which no sandbox
 * has, tells a listing of the host's root from the sandbox's.
 */
class SandboxFilesConfinementIT {
    @RegisterExtension
    static final TestCorral corral = new TestCorral();
    static final ApiClient admin = corral.admin;
    static FilesApi files;
    static String hostname;

    @BeforeAll
    static void start() throws Exception {
        files = FilesApi.create(admin, "256MB");
        hostname = files.sandbox() + "\n";
        assertThat(Files.readString(Path.of("/etc/hostname"))).as("the host's own hostname").isNotEqualTo(hostname);
        assertThat(Path.of("/work")).as("a directory only the host has").isDirectory();
        files.exec("ln -s / /workspace/root && ln -s /proc/1/root /workspace/init-root"
                + " && ln -s ../../../../../../../../.. /workspace/up && mkdir -p /workspace/a/b");
    }

    @Test
    void read_climbingWithDotDot_staysInTheSandbox() {
        for (String path : List.of("../../etc/hostname", "/../../../../etc/hostname",
                "/workspace/a/b/../../../../../../etc/hostname", "a/b/../../../../../../../etc/hostname")) {
            assertThat(files.readText(path)).as(path).isEqualTo(hostname);
        }
    }

    @Test
    void read_throughSymlinksToRootAndProc_landsInTheSandbox() {
        for (String path : List.of("/workspace/root/etc/hostname", "/workspace/init-root/etc/hostname",
                "/workspace/up/etc/hostname", "up/../../../etc/hostname", "/proc/1/root/etc/hostname",
                "/proc/self/root/etc/hostname", "/proc/self/cwd/../etc/hostname",
                "/workspace/root/proc/1/root/workspace/up/etc/hostname")) {
            assertThat(files.readText(path)).as(path).isEqualTo(hostname);
        }
    }

    @Test
    void list_ofRootSymlinksAndTheRoot_showsTheSandboxesRoot() {
        for (String path : List.of("/workspace/root", "/workspace/up", "/proc/1/root", "/")) {
            List<String> names = files.list(path, "").data().path("entries").findValuesAsText("name");
            assertThat(names).as(path).contains("workspace", "etc").doesNotContain("work");
        }
        assertThat(files.stat("/workspace/root/../../work").status()).isEqualTo(404);
    }

    @Test
    void download_throughASymlinkToRoot_archivesTheSandboxesFiles() throws Exception {
        HttpResponse<byte[]> tar = admin.sendForBytes(admin.request(files.url("/download", "/workspace/up/etc"))
                .GET());

        assertThat(tar.statusCode()).isEqualTo(200);
        Process extract = new ProcessBuilder("tar", "-xOf", "-", "./hostname").start();
        try (var in = extract.getOutputStream()) {
            in.write(tar.body());
        }
        assertThat(new String(extract.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(hostname);
        assertThat(extract.waitFor()).isZero();
    }

    @Test
    void write_throughSymlinksAndDotDot_createsFilesInsideTheSandboxOnly() {
        String marker = "corral-escape-" + System.nanoTime();
        for (String path : List.of("/workspace/root/" + marker + "-a", "/workspace/up/" + marker + "-b",
                "/proc/1/root/" + marker + "-c", "../../../" + marker + "-d", "/workspace/init-root/tmp/" + marker)) {
            files.write(path, marker.getBytes(StandardCharsets.UTF_8));
        }

        assertThat(files.execOut("ls / /tmp | grep -c " + marker)).isEqualTo("5\n");
        for (String suffix : List.of("-a", "-b", "-c", "-d")) {
            assertThat(Path.of("/" + marker + suffix)).doesNotExist();
        }
        assertThat(Path.of("/tmp/" + marker)).doesNotExist();
    }

    @Test
    void move_andDelete_throughSymlinks_stayInTheSandbox() {
        files.write("/tmp/moving", "m".getBytes());
        String marker = "corral-moved-" + System.nanoTime();

        ApiResponse moved = files.post("move", Map.of("from", "/tmp/moving", "to", "/workspace/up/" + marker));
        files.exec("ln -s /etc /workspace/etc-link");
        ApiResponse deleted = files.delete("/workspace/etc-link", "&recursive=true");

        assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
        assertThat(Path.of("/" + marker)).doesNotExist();
        assertThat(files.execOut("cat /" + marker)).isEqualTo("m");
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(files.execOut("test -f /etc/hostname && test ! -e /workspace/etc-link && echo only-the-link"))
                .isEqualTo("only-the-link\n");
    }

    @Test
    void writes_whileTheirDirectoryIsSwappedForASymlinkToRoot_neverLandOnTheHost() throws Exception {
        String marker = "corral-race-" + System.nanoTime();
        ApiResponse swapper = admin.post("v1/sandboxes/" + files.sandbox() + "/exec", Map.of("command",
                "cd /workspace && while :; do rm -rf d; ln -s / d; rm d; mkdir d; done", "background", true,
                "timeout", 120_000));
        assertThat(swapper.status()).as(swapper.toString()).isEqualTo(201);
        int written = 0;
        try {
            for (int i = 0; i < 60; i++) {
                ApiResponse response = files.put("/workspace/d/" + marker, ("write " + i).getBytes());
                assertThat(response.status()).as(response.toString()).isIn(200, 400, 404, 409);
                written += response.status() == 200 ? 1 : 0;
            }
        } finally {
            admin.delete("v1/sandboxes/" + files.sandbox() + "/processes/" + swapper.data().path("processId").asText());
        }

        assertThat(written).as("writes that went through during the swaps").isPositive();
        assertThat(Path.of("/" + marker)).doesNotExist();
        assertThat(Path.of("/workspace/d/" + marker)).doesNotExist();
        assertThat(Path.of("/workspace")).doesNotExist();
        assertThat(files.execOut("ls -A / | grep -c corral-upload || true")).as("temporary files left")
                .isEqualTo("0\n");
    }

    @Test
    void writtenFiles_belongToTheSandboxesRoot_notToTheHostsRoot() throws Exception {
        files.write("/workspace/owned.txt", "mine".getBytes());
        files.post("mkdir", Map.of("path", "/workspace/owned-dir/sub"));

        Path upper = corral.dataDir.resolve("runtime").resolve(files.sandbox()).resolve("disk/upper/workspace");
        for (Path made : List.of(upper.resolve("owned.txt"), upper.resolve("owned-dir/sub"))) {
            assertThat(Files.getAttribute(made, "unix:uid")).as(made.toString()).isEqualTo(100000);
            assertThat(Files.getAttribute(made, "unix:gid")).as(made.toString()).isEqualTo(100000);
        }
        assertThat(files.execOut("stat -c %u:%g /workspace/owned.txt /workspace/owned-dir/sub"))
                .isEqualTo("0:0\n0:0\n");
    }
}
