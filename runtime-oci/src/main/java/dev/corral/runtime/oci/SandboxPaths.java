package dev.corral.runtime.oci;

import dev.corral.core.sandbox.SandboxId;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Where one sandbox's files live on the host, all below {@code <dataDir>/runtime/<sandbox id>}: its disk image and
 * the image's mount point (holding the overlay's upper and work directories), and the OCI bundle whose
 * {@code rootfs} is the overlay.
 */
record SandboxPaths(SandboxId id, Path dir) {
    /** Only the host's root may look inside. */
    static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
    /** Others may pass through (a sandbox's own user must reach its bundle) but not list or read. */
    static final Set<PosixFilePermission> SEARCHABLE_DIR = PosixFilePermissions.fromString("rwx--x--x");
    /** Only the host's root may read or write: disk images and specs, which hold the sandbox's data and env. */
    static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");

    static SandboxPaths of(Path runtimeDir, SandboxId id) {
        return new SandboxPaths(id, runtimeDir.resolve(id.value()));
    }

    Path diskImage() {
        return dir.resolve("disk.img");
    }

    Path diskMount() {
        return dir.resolve("disk");
    }

    Path upper() {
        return diskMount().resolve("upper");
    }

    Path work() {
        return diskMount().resolve("work");
    }

    Path bundle() {
        return dir.resolve("bundle");
    }

    Path rootfs() {
        return bundle().resolve("rootfs");
    }

    Path config() {
        return bundle().resolve("config.json");
    }

    /** The name of the template the sandbox was made from, kept to mount it again after a stop. */
    Path templateName() {
        return dir.resolve("template");
    }

    Path initPidFile() {
        return dir.resolve("init.pid");
    }

    /** Where runc writes its own errors when starting the sandbox, as its standard streams go to the init. */
    Path runcLog() {
        return dir.resolve("runc.log");
    }

    /** Where each exec's pid file goes. */
    Path execDir() {
        return dir.resolve("exec");
    }
}
