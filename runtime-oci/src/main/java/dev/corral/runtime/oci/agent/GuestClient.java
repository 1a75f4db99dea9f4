package dev.corral.runtime.oci.agent;

import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.SandboxId;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The way to one sandbox's agent: finds, takes over and, when it died, restarts its socket, and opens one
 * {@link AgentConnection} per operation (docs/GUEST-PROTOCOL.md, "Where the socket is").
 *
 * <p>The host's {@code guest/} directory (host root, {@code 1733}) is bound at {@code /.corral/run}. The agent binds
 * {@code agent-<generation>.sock} there; this class then {@code lchown}s it to {@code 0:0} without following a
 * link and only then {@code lstat}s it: a socket owned by host root in a sticky directory of host root's can no
 * longer be renamed, replaced or unlinked from inside, so connecting to that path reaches what bound it and
 * nothing the sandbox could point it at. Anything else found there is removed and the agent started again. A
 * refused connection means the agent died: the old socket is removed, the next generation started, and
 * {@code notices} told so (it goes to the sandbox's logs).
 *
 * <p>Threading: any number of threads connect at once; finding and restarting the agent holds a lock, so one
 * restart serves every caller that found the same dead socket.
 */
public final class GuestClient {
    static final int PROTOCOL_VERSION = 1;
    private static final Pattern SOCKET_NAME = Pattern.compile("agent-(\\d{1,9})\\.sock");
    private static final Duration BIND_WAIT = Duration.ofSeconds(10);
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private final SandboxId sandbox;
    private final Path dir;
    private final GuestLauncher launcher;
    private final Consumer<String> notices;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Path socket;
    private int generation;

    /**
     * @param dir     the sandbox's guest directory on the host
     * @param notices told, in words for the sandbox's logs, when the agent had to be restarted
     */
    public GuestClient(SandboxId sandbox, Path dir, GuestLauncher launcher, Consumer<String> notices) {
        this.sandbox = sandbox;
        this.dir = dir;
        this.launcher = launcher;
        this.notices = notices;
    }

    public SandboxId sandbox() {
        return sandbox;
    }

    /**
     * A new connection to the agent, starting it when none runs (a sandbox made before the agent, or one whose
     * agent died).
     *
     * @throws CorralException {@code runtime_unavailable} when no agent can be reached
     */
    public AgentConnection connect() {
        Path current = socket;
        if (current == null) {
            current = adopt();
        }
        try {
            return AgentConnection.open(current);
        } catch (ConnectException | NoSuchFileException e) {
            return openOrFail(restart(current, "guest agent restarted"));
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    /** Removes every socket of a sandbox about to start, whose agents ended with its last run. */
    public void clear() {
        lock.lock();
        try {
            removeSockets();
            generation = 0;
            socket = null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes over the first agent of a sandbox that just started, which its init started itself (see
     * {@link GuestLauncher#FIRST_SOCKET}); its directory was emptied before the start.
     */
    public void adoptFirst() {
        lock.lock();
        try {
            generation = 1;
            socket = takeOver(dir.resolve(GuestLauncher.FIRST_SOCKET));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts the first agent of a sandbox that just started whose init does not (one made before the init started
     * it); its directory was emptied before the start.
     */
    public void launchFirst() {
        lock.lock();
        try {
            socket = launch();
        } finally {
            lock.unlock();
        }
    }

    /** The newest socket already taken over (after a server restart the agent runs on), or a newly started agent. */
    private Path adopt() {
        lock.lock();
        try {
            if (socket != null) {
                return socket;
            }
            OptionalInt newest = newestGeneration();
            if (newest.isPresent()) {
                generation = newest.getAsInt();
                Path existing = dir.resolve(name(generation));
                if (takenOver(existing)) {
                    socket = existing;
                    return existing;
                }
            }
            socket = launch();
            return socket;
        } finally {
            lock.unlock();
        }
    }

    /** Restarts the agent unless another caller did since {@code dead} was read; the socket to use now. */
    private Path restart(Path dead, String notice) {
        lock.lock();
        try {
            if (socket != null && !socket.equals(dead)) {
                return socket;
            }
            removeSockets();
            socket = launch();
            notices.accept(notice);
            return socket;
        } finally {
            lock.unlock();
        }
    }

    /** Starts the next generation, waits for its socket, takes it over and greets it. Holds the lock. */
    private Path launch() {
        generation++;
        String name = name(generation);
        launcher.launch(sandbox, name);
        return takeOver(dir.resolve(name));
    }

    /** Waits for an agent's socket at {@code path}, takes it over and greets it. Holds the lock. */
    private Path takeOver(Path path) {
        awaitBound(path);
        try {
            Files.setAttribute(path, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(path, "unix:gid", 0, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw unreachable(e);
        }
        if (!takenOver(path)) {
            deleteQuietly(path);
            throw CorralException.runtimeUnavailable("The guest agent of sandbox " + sandbox
                    + " did not make a socket at " + GuestLauncher.RUN_DIR + "/" + path.getFileName(), null);
        }
        greet(path);
        return path;
    }

    /** Says hello and checks the agent speaks this protocol. */
    private void greet(Path path) {
        try (AgentConnection connection = openListening(path)) {
            connection.request("hello", GuestFields.EMPTY);
            GuestFrame answer = connection.receive();
            long version = answer.fields().number("version", -1);
            if (answer.type() != GuestFrame.DONE || version != PROTOCOL_VERSION) {
                throw CorralException.runtimeUnavailable("The guest agent of sandbox " + sandbox + " answered "
                        + answer + " to hello; this server speaks version " + PROTOCOL_VERSION, null);
            }
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    /**
     * Connects to a socket the agent has just bound: it binds (making the file) before it listens, so a refusal
     * in between is waited out.
     */
    private AgentConnection openListening(Path path) throws IOException {
        long deadline = System.nanoTime() + BIND_WAIT.toNanos();
        while (true) {
            try {
                return AgentConnection.open(path);
            } catch (ConnectException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                pause(Duration.ofMillis(1));
            }
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CorralException.runtimeUnavailable("Interrupted while the guest agent started", e);
        }
    }

    private void awaitBound(Path path) {
        long deadline = System.nanoTime() + BIND_WAIT.toNanos();
        long pauseMicros = 200;
        while (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            if (System.nanoTime() > deadline) {
                throw CorralException.runtimeUnavailable("The guest agent of sandbox " + sandbox
                        + " did not start within " + BIND_WAIT.toSeconds() + " s", null);
            }
            pause(Duration.ofNanos(pauseMicros * 1000));
            pauseMicros = Math.min(pauseMicros * 2, 10_000);
        }
    }

    /** Whether {@code path} is, without following links, a socket owned by host root: then it is pinned. */
    private static boolean takenOver(Path path) {
        try {
            Map<String, Object> attributes = Files.readAttributes(path, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) attributes.get("mode");
            return (mode & S_IFMT) == S_IFSOCK && (Integer) attributes.get("uid") == 0
                    && (Integer) attributes.get("gid") == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private OptionalInt newestGeneration() {
        OptionalInt newest = OptionalInt.empty();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                Matcher matcher = SOCKET_NAME.matcher(entry.getFileName().toString());
                if (matcher.matches()) {
                    int number = Integer.parseInt(matcher.group(1));
                    if (newest.isEmpty() || number > newest.getAsInt()) {
                        newest = OptionalInt.of(number);
                    }
                }
            }
        } catch (IOException e) {
            throw unreachable(e);
        }
        return newest;
    }

    /** Removes everything in the guest directory: old sockets, and whatever the sandbox put there. */
    private void removeSockets() {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                deleteQuietly(entry);
            }
        } catch (NoSuchFileException e) {
            throw CorralException.runtimeUnavailable("Sandbox " + sandbox + " has no guest directory", e);
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // a directory the sandbox made there: never connected to, as its name is never a socket of ours
        }
    }

    private AgentConnection openOrFail(Path path) {
        try {
            return AgentConnection.open(path);
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    private CorralException unreachable(IOException e) {
        return CorralException.runtimeUnavailable("Cannot reach the guest agent of sandbox " + sandbox + ": "
                + (e instanceof SocketException ? e.getMessage() : e.toString()), e);
    }

    private static String name(int generation) {
        return "agent-" + generation + ".sock";
    }
}
