package dev.corral.runtime.oci.volumes;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An open folder of a tree that others write into, held by a descriptor: names are looked up in it one at a time,
 * relative to the descriptor and never through a link, so nothing renamed or swapped meanwhile can lead a walk
 * out of the tree.
 *
 * <p>Implementation notes. {@link SecureDirectoryStream} does the relative {@code fstatat}, {@code renameat} and
 * {@code unlinkat}, but its relative open of a folder cannot ask for {@code O_DIRECTORY}: it opens whatever the
 * name is and looks afterwards, which blocks on a FIFO and, on a file, leaks one descriptor and closes another
 * twice (JDK 21-25 {@code UnixSecureDirectoryStream.newDirectoryStream}), a hazard for every other request's
 * files. So folders and files are opened here with {@code openat(2)} through JNA, with {@code O_DIRECTORY} or
 * {@code O_NONBLOCK} and always {@code O_NOFOLLOW}, and Java's stream or channel is then made from
 * {@code /proc/self/fd/<n>}, which the kernel resolves to the very file the descriptor holds, not by name.
 *
 * <p>Threading: one thread at a time; each request opens its own.
 */
public final class ConfinedFolder implements Closeable {
    /** The reason of the exception {@link #readFile} throws for what is not a regular file. */
    static final String NOT_REGULAR = "Not a regular file";
    private static final Flags FLAGS = Flags.forThisMachine();
    private static final int ENOENT = 2;
    private static final int ENOTDIR = 20;
    private static final int ELOOP = 40;

    private final int fd;
    private final SecureDirectoryStream<Path> stream;

    private ConfinedFolder(int fd) throws IOException {
        this.fd = fd;
        try {
            this.stream = (SecureDirectoryStream<Path>) Files.newDirectoryStream(procPath(fd));
        } catch (IOException | RuntimeException e) {
            LibC.INSTANCE.close(fd);
            throw e;
        }
    }

    /** Opens {@code directory}, a path the server owns (the top of a tree). */
    static ConfinedFolder open(Path directory) throws IOException {
        return new ConfinedFolder(call(directory.toString(), () -> LibC.INSTANCE.open(
                bytes(directory.toString()), FLAGS.directory())));
    }

    /**
     * The folder {@code name} in this one: {@link NoSuchFileException} when there is none, {@link
     * NotDirectoryException} when it is anything else, a link to a folder included.
     */
    ConfinedFolder folder(String name) throws IOException {
        return new ConfinedFolder(call(name, () -> LibC.INSTANCE.openat(fd, bytes(name), FLAGS.directory())));
    }

    /**
     * Opens regular file {@code name} for reading, without waiting on a FIFO or following a link; {@link
     * FileSystemException} when it is anything but a regular file.
     */
    FileChannel readFile(String name) throws IOException {
        int file = call(name, () -> LibC.INSTANCE.openat(fd, bytes(name), FLAGS.file()));
        try {
            Path opened = procPath(file);
            if (!Files.readAttributes(opened, BasicFileAttributes.class).isRegularFile()) {
                throw new FileSystemException(name, null, NOT_REGULAR);
            }
            return FileChannel.open(opened, StandardOpenOption.READ);
        } finally {
            LibC.INSTANCE.close(file);
        }
    }

    /** The names in this folder, in the order the file system gives them. */
    List<String> names() {
        var names = new ArrayList<String>();
        stream.forEach(entry -> names.add(entry.getFileName().toString()));
        return names;
    }

    /** What {@code name} is, as {@code lstat} sees it; {@link NoSuchFileException} when it is not there. */
    BasicFileAttributes attributes(String name) throws IOException {
        return stream.getFileAttributeView(Path.of(name), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .readAttributes();
    }

    /** Renames {@code name} to {@code targetName} in {@code target} ({@code renameat}), replacing a file there. */
    void move(String name, ConfinedFolder target, String targetName) throws IOException {
        stream.move(Path.of(name), target.stream, Path.of(targetName));
    }

    void deleteFile(String name) throws IOException {
        stream.deleteFile(Path.of(name));
    }

    void deleteFolder(String name) throws IOException {
        stream.deleteDirectory(Path.of(name));
    }

    @Override
    public void close() throws IOException {
        try {
            stream.close();
        } finally {
            LibC.INSTANCE.close(fd);
        }
    }

    private static Path procPath(int fd) {
        return Path.of("/proc/self/fd/" + fd);
    }

    private static byte[] bytes(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(utf8, utf8.length + 1);
    }

    private static int call(String name, NativeOpen open) throws IOException {
        try {
            return open.call();
        } catch (LastErrorException e) {
            throw switch (e.getErrorCode()) {
                case ENOENT -> new NoSuchFileException(name);
                case ENOTDIR -> new NotDirectoryException(name);
                case ELOOP -> new FileSystemException(name, null, "Too many levels of symbolic links");
                default -> new FileSystemException(name, null, "openat failed with errno " + e.getErrorCode());
            };
        }
    }

    @FunctionalInterface
    private interface NativeOpen {
        int call();
    }

    /** The C library calls java.nio lacks; names are NUL-terminated UTF-8. */
    private interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int open(byte[] path, int flags) throws LastErrorException;

        int openat(int dirfd, byte[] path, int flags) throws LastErrorException;

        int close(int fd);
    }

    /** The open(2) flags, whose values differ between architectures. */
    private record Flags(int directory, int file) {
        private static final int O_NONBLOCK = 0_4000;
        private static final int O_CLOEXEC = 0_2000000;

        static Flags forThisMachine() {
            // x86-64 and most others; arm and aarch64 swap two of them (asm-generic vs arm fcntl.h).
            boolean arm = Platform.isARM();
            int directory = arm ? 0_40000 : 0_200000;
            int noFollow = arm ? 0_100000 : 0_400000;
            return new Flags(directory | noFollow | O_CLOEXEC, noFollow | O_NONBLOCK | O_CLOEXEC);
        }
    }
}
