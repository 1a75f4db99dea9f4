package dev.corral.runtime.oci.agent;

import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.files.ByteRange;
import dev.corral.core.sandbox.files.FileEntry;
import dev.corral.core.sandbox.files.FileListing;
import dev.corral.core.sandbox.files.FileRead;
import dev.corral.core.sandbox.files.FileType;
import dev.corral.core.sandbox.files.FileWatch;
import dev.corral.core.sandbox.files.NewFile;
import dev.corral.core.sandbox.files.SandboxFileSystem;
import dev.corral.core.sandbox.files.SandboxPath;
import dev.corral.runtime.oci.guest.UploadContents;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A sandbox's files served by its agent (docs/GUEST-PROTOCOL.md, the file operations): one connection per
 * operation, contents streamed as frames of at most 64 KiB from the agent and 256 KiB to it. Paths are resolved
 * by the agent inside the sandbox, as the sandbox's root, so they stay inside it as with the shell.
 *
 * <p>A write is committed only by the {@code D} frame sent after the whole content was read: a content that
 * fails, runs past its limit or is cut off (the client went away, this server was killed) closes the connection
 * before {@code D}, and the agent then removes its temporary file and leaves the old file in place.
 *
 * <p>Archives and watches run as commands through the agent's exec ({@code tar}, {@code inotifywait}) with the
 * shell's scripts: {@code fallback} serves them.
 *
 * <p>Threading: any thread may call any method; each operation has its own connection.
 */
public final class AgentSandboxFileSystem implements SandboxFileSystem {
    private static final int UPLOAD_CHUNK = 256 << 10;
    /** Attempts at a suffix range of a file that keeps changing size between its stat and its read. */
    private static final int SUFFIX_ATTEMPTS = 3;

    private final Function<SandboxId, GuestClient> guests;
    private final SandboxFileSystem fallback;

    /**
     * @param guests   the agent of a running sandbox (failing as the runtime does for one that is not)
     * @param fallback serves {@link #archive} and {@link #watch}
     */
    public AgentSandboxFileSystem(Function<SandboxId, GuestClient> guests, SandboxFileSystem fallback) {
        this.guests = guests;
        this.fallback = fallback;
    }

    @Override
    public FileRead read(SandboxId sandbox, SandboxPath path, Optional<ByteRange> range) throws IOException {
        if (range.isPresent() && range.get().first().isEmpty()) {
            return readSuffix(sandbox, path, range.get());
        }
        long offset = range.map(r -> r.first().getAsLong()).orElse(0L);
        Optional<Long> length = range.flatMap(r -> r.last().isPresent()
                ? Optional.of(r.last().getAsLong() - offset + 1) : Optional.empty());
        return open(sandbox, path, range, offset, length).read();
    }

    /** The last bytes of a file: its size first, then the read, again if the file's size changed meanwhile. */
    private FileRead readSuffix(SandboxId sandbox, SandboxPath path, ByteRange range) throws IOException {
        for (int attempt = 1; ; attempt++) {
            long size = stat(sandbox, path).size();
            Optional<ByteRange.Slice> slice = range.resolve(size);
            long offset = slice.map(ByteRange.Slice::offset).orElse(size);
            OpenRead opened = open(sandbox, path, Optional.of(range), offset, slice.map(ByteRange.Slice::length));
            if (opened.size == size || attempt == SUFFIX_ATTEMPTS) {
                return opened.read();
            }
            opened.content.close();
        }
    }

    private OpenRead open(SandboxId sandbox, SandboxPath path, Optional<ByteRange> range, long offset,
                          Optional<Long> length) throws IOException {
        var fields = GuestFields.builder().add("path", path.value()).add("offset", offset);
        length.ifPresent(bytes -> fields.add("length", bytes));
        AgentConnection connection = guests.apply(sandbox).connect();
        try {
            connection.request("read", fields.build());
            GuestFrame first = connection.receive();
            if (first.type() == GuestFrame.FAILED) {
                throw GuestFailure.of(first, "read", path);
            }
            if (first.type() != GuestFrame.ENTRY) {
                throw GuestFailure.unexpected(first, "read");
            }
            FileEntry entry = entry(first.fields(), path);
            if (entry.type() != FileType.FILE) {
                throw CorralException.badRequest(path + " is not a regular file");
            }
            return new OpenRead(entry.size(), range, new GuestDataStream(connection, "read", path));
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** A read whose entry came: the size of the file opened and its bytes from the offset asked for. */
    private record OpenRead(long size, Optional<ByteRange> range, GuestDataStream content) {
        FileRead read() {
            Optional<ByteRange.Slice> slice = range.isEmpty() ? Optional.of(new ByteRange.Slice(0, size))
                    : range.get().resolve(size);
            if (slice.isEmpty()) {
                content.close();
                return new FileRead(size, true, slice, InputStream.nullInputStream());
            }
            return new FileRead(size, range.isPresent(), slice, content);
        }
    }

    @Override
    public FileEntry write(SandboxId sandbox, SandboxPath path, Optional<String> mode, InputStream content)
            throws InterruptedException {
        var fields = GuestFields.builder().add("path", path.value()).add("parents", true);
        mode.ifPresent(m -> fields.add("mode", m));
        try (AgentConnection connection = guests.apply(sandbox).connect()) {
            try {
                connection.request("write", fields.build());
            } catch (IOException e) {
                throw lost("write", path, e);
            }
            byte[] buffer = new byte[UPLOAD_CHUNK];
            while (true) {
                int n = readUpload(content, buffer);
                if (n < 0) {
                    break;
                }
                if (!sent(connection, GuestFrame.DATA, buffer, n)) {
                    return answer(connection, "write", path);
                }
            }
            sent(connection, GuestFrame.COMMIT, buffer, 0);
            return answer(connection, "write", path);
        }
    }

    /**
     * One read of an upload's content. A failure ends the write before its commit (the connection closes without
     * {@code D}): a {@code CorralException} (a limit) as it is, anything else as a cut-off upload.
     */
    private static int readUpload(InputStream content, byte[] buffer) {
        try {
            int total = 0;
            while (total < buffer.length) {
                int n = content.read(buffer, total, buffer.length - total);
                if (n < 0) {
                    return total == 0 ? -1 : total;
                }
                total += n;
                if (content.available() == 0) {
                    break;
                }
            }
            return total;
        } catch (CorralException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw CorralException.badRequest("The upload was cut off: " + e.getMessage());
        }
    }

    /** Sends a frame; false when the agent has stopped listening (it refused the write: its answer says why). */
    private static boolean sent(AgentConnection connection, byte type, byte[] bytes, int length) {
        try {
            connection.send(type, bytes, 0, length);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public List<FileEntry> writeAll(SandboxId sandbox, List<NewFile> files) throws InterruptedException {
        var written = new ArrayList<FileEntry>(files.size());
        for (NewFile file : files) {
            try (var content = new UploadContents(List.of(file))) {
                written.add(write(sandbox, file.path(), Optional.empty(), content));
            } catch (IOException e) {
                throw CorralException.badRequest("The upload of " + file.path() + " could not be read: "
                        + e.getMessage());
            }
        }
        return written;
    }

    @Override
    public FileEntry stat(SandboxId sandbox, SandboxPath path) {
        return single(sandbox, "stat", GuestFields.builder().add("path", path.value()).build(), "stat", path, path);
    }

    @Override
    public FileListing list(SandboxId sandbox, SandboxPath dir, int depth, int maxEntries) {
        var fields = GuestFields.builder().add("path", dir.value()).add("depth", depth).add("max", maxEntries);
        var entries = new ArrayList<FileEntry>();
        try (AgentConnection connection = guests.apply(sandbox).connect()) {
            connection.request("list", fields.build());
            while (true) {
                GuestFrame frame = connection.receive();
                switch (frame.type()) {
                    case GuestFrame.ENTRY -> {
                        if (entries.size() < maxEntries) {
                            String path = frame.fields().text("path", "");
                            entries.add(entry(frame.fields(), new SandboxPath(path.startsWith("/") ? path : "/")));
                        }
                    }
                    case GuestFrame.DONE -> {
                        return new FileListing(dir, entries, frame.fields().flag("truncated"));
                    }
                    case GuestFrame.FAILED -> throw GuestFailure.of(frame, "list", dir);
                    default -> throw GuestFailure.unexpected(frame, "list");
                }
            }
        } catch (IOException e) {
            throw lost("list", dir, e);
        }
    }

    @Override
    public FileEntry mkdir(SandboxId sandbox, SandboxPath path) {
        try {
            return single(sandbox, "mkdir", GuestFields.builder().add("path", path.value()).build(),
                    "make directory", path, path);
        } catch (CorralException e) {
            // ENOTDIR: a file where one of the directories was to be, which is as much in the way as one at path
            if (e.code() == dev.corral.core.error.ErrorCode.BAD_REQUEST) {
                throw CorralException.conflict(path + " cannot be made: a file is in the way");
            }
            throw e;
        }
    }

    @Override
    public FileEntry move(SandboxId sandbox, SandboxPath from, SandboxPath to) {
        var fields = GuestFields.builder().add("from", from.value()).add("to", to.value()).build();
        try {
            return single(sandbox, "move", fields, "move", from, to);
        } catch (CorralException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("Directory ")) {
                throw CorralException.conflict("Cannot move " + from + " to " + to + ": a directory that is not "
                        + "empty is there");
            }
            throw e;
        }
    }

    @Override
    public void delete(SandboxId sandbox, SandboxPath path, boolean recursive) {
        var fields = GuestFields.builder().add("path", path.value()).add("recursive", recursive).build();
        try (AgentConnection connection = guests.apply(sandbox).connect()) {
            connection.request("delete", fields);
            expectDone(connection.receive(), "delete", path);
        } catch (IOException e) {
            throw lost("delete", path, e);
        }
    }

    @Override
    public InputStream archive(SandboxId sandbox, SandboxPath dir) throws IOException {
        return fallback.archive(sandbox, dir);
    }

    @Override
    public FileWatch watch(SandboxId sandbox, SandboxPath dir, boolean recursive) {
        return fallback.watch(sandbox, dir, recursive);
    }

    /** An operation answered by one {@code r} holding the entry now at {@code named}. */
    private FileEntry single(SandboxId sandbox, String op, GuestFields fields, String action, SandboxPath path,
                             SandboxPath named) {
        try (AgentConnection connection = guests.apply(sandbox).connect()) {
            connection.request(op, fields);
            return entry(expectDone(connection.receive(), action, path).fields(), named);
        } catch (IOException e) {
            throw lost(action, path, e);
        }
    }

    /** The answer that ends a write. */
    private static FileEntry answer(AgentConnection connection, String action, SandboxPath path) {
        try {
            return entry(expectDone(connection.receive(), action, path).fields(), path);
        } catch (IOException e) {
            throw lost(action, path, e);
        }
    }

    private static GuestFrame expectDone(GuestFrame frame, String action, SandboxPath path) {
        return switch (frame.type()) {
            case GuestFrame.DONE -> frame;
            case GuestFrame.FAILED -> throw GuestFailure.of(frame, action, path);
            default -> throw GuestFailure.unexpected(frame, action);
        };
    }

    /** A file entry's fields, under the name {@code named} gives it. */
    static FileEntry entry(GuestFields fields, SandboxPath named) {
        FileType type = switch (fields.text("type", "file")) {
            case "dir" -> FileType.DIRECTORY;
            case "symlink" -> FileType.SYMLINK;
            default -> FileType.FILE;
        };
        int mode;
        try {
            mode = Integer.parseInt(fields.text("mode", "0"), 8) & 07777;
        } catch (NumberFormatException e) {
            throw CorralException.runtimeUnavailable("The guest agent answered a mode Corral cannot read: "
                    + fields, e);
        }
        return new FileEntry(named.name(), named.value(), type, fields.number("size", 0), mode,
                Instant.ofEpochMilli(fields.number("mtime_ms", 0)));
    }

    private static CorralException lost(String action, SandboxPath path, IOException e) {
        return CorralException.runtimeUnavailable("Could not " + action + " " + path + ": the guest agent went "
                + "away (" + e.getMessage() + ")", e);
    }
}
