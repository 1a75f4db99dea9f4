package dev.corral.runtime.oci.bundle;

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
public record SandboxPaths(SandboxId id, Path dir) {
    /** Only the host's root may look inside. */
    public static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
    /**
     * Others (the sandbox's agent) may make entries and pass through but not list; sticky, so what host root owns
     * there (a socket taken over) cannot be renamed or removed by them.
     */
    public static final Set<PosixFilePermission> GUEST_DIR = PosixFilePermissions.fromString("rwx-wx-wx");
    /** Only the host's root may read or write: disk images and specs, which hold the sandbox's data and env. */
    public static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");

    public static SandboxPaths of(Path runtimeDir, SandboxId id) {
        return new SandboxPaths(id, runtimeDir.resolve(id.value()));
    }

    public Path diskImage() {
        return dir.resolve("disk.img");
    }

    public Path diskMount() {
        return dir.resolve("disk");
    }

    public Path upper() {
        return diskMount().resolve("upper");
    }

    public Path work() {
        return diskMount().resolve("work");
    }

    public Path bundle() {
        return dir.resolve("bundle");
    }

    public Path rootfs() {
        return bundle().resolve("rootfs");
    }

    public Path config() {
        return bundle().resolve("config.json");
    }

    /** The name of the template the sandbox was made from, kept to mount it again after a stop. */
    public Path templateName() {
        return dir.resolve("template");
    }

    /** The sandbox's address in the sandbox subnet while it has a network (see {@code SandboxNetworks}). */
    public Path networkAddress() {
        return dir.resolve("address");
    }

    /**
     * The names of the sandbox's network namespace and veth when they are not derived from its id: it claimed a
     * network made ahead of time (see {@code SandboxNetworks}).
     */
    public Path networkNames() {
        return dir.resolve("network-names");
    }

    /** The sandbox's egress policy when it is not the default one (see {@code SandboxNetworks}). */
    public Path egressPolicy() {
        return dir.resolve("egress");
    }

    /** The bandwidth its network is held to, in bits a second (see {@code SandboxNetworks}). */
    public Path bandwidth() {
        return dir.resolve("bandwidth");
    }

    /** The sandbox's /etc/resolv.conf while it has a network, naming the bridge's DNS forwarder. */
    public Path resolvConf() {
        return dir.resolve("resolv.conf");
    }

    public Path initPidFile() {
        return dir.resolve("init.pid");
    }

    /** Where runc writes its own errors when starting the sandbox, as its standard streams go to the init. */
    public Path runcLog() {
        return dir.resolve("runc.log");
    }

    /**
     * The directory bound at {@code /.corral/run} in the sandbox, where its agent binds its socket: host root's,
     * mode {@code 1733} (see {@link #GUEST_DIR}).
     */
    public Path guestDir() {
        return dir.resolve("guest");
    }

    /** The background commands kept by the sandbox's agent, a file each, named by process id. */
    public Path processesDir() {
        return dir.resolve("processes");
    }

    /** Where each exec's pid file goes. */
    public Path execDir() {
        return dir.resolve("exec");
    }
}
