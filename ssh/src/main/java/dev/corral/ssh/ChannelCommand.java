package dev.corral.ssh;

import dev.corral.core.error.CorralException;
import dev.corral.core.ssh.SshSessions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the gateway runs for one channel request: sshd hands it the channel's streams, calls {@link #start} and
 * {@link #destroy}; subclasses say what to run in {@link #run}, which blocks until the channel's work is done
 * and returns its exit status.
 *
 * <p>Threading: {@code start} is called on an sshd I/O thread, which must not block (starting a command can take
 * a resume or a {@code runc exec}), so {@link #run} goes on a virtual thread of its own. It waits on queues and
 * sockets only, never on a process pipe (the runtime pumps those on its platform threads), and writes to sshd's
 * channel streams, whose waits for the client's window are plain Java waits. {@code destroy} comes from sshd's
 * threads when the channel closes and ends the work through {@link #stop}.
 */
abstract class ChannelCommand implements Command {
    /** OpenSSH's own status for a failure of the connection rather than of the command. */
    static final int GATEWAY_FAILURE = 255;
    private static final Logger LOG = LoggerFactory.getLogger(ChannelCommand.class);

    protected InputStream in;
    protected OutputStream out;
    protected OutputStream err;
    private ExitCallback exit;
    private Thread worker;

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
        SshSessions.Session session = channel.getSession().getAttribute(SessionLifecycle.SESSION);
        worker = Thread.ofVirtual().name("corral-ssh-channel-" + channel.getChannelId()).start(() -> {
            int status;
            try {
                status = session == null ? refuse("This SSH connection has no session") : run(session, env);
            } catch (CorralException e) {
                status = refuse(e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                status = GATEWAY_FAILURE;
            } catch (IOException | RuntimeException e) {
                LOG.debug("SSH channel {} ended on an error: {}", channel.getChannelId(), e.toString());
                status = GATEWAY_FAILURE;
            }
            exit.onExit(status);
        });
    }

    /** Does the channel's work until it ends; the exit status to send the client. */
    protected abstract int run(SshSessions.Session session, Environment env) throws IOException, InterruptedException;

    /** Ends the work early, because the channel closed; called once, from any thread. */
    protected abstract void stop();

    @Override
    public void destroy(ChannelSession channel) {
        stop();
        if (worker != null) {
            worker.interrupt();
        }
    }

    /** How a line ends on the client's screen: a terminal in raw mode needs the carriage return too. */
    protected String newline() {
        return "\n";
    }

    /** Tells the client why nothing ran, on its standard error, and gives the failure status. */
    private int refuse(String message) {
        try {
            err.write(("corral: " + message + newline()).getBytes(StandardCharsets.UTF_8));
            err.flush();
        } catch (IOException e) {
            LOG.debug("Could not tell an SSH client why: {}", e.getMessage());
        }
        return GATEWAY_FAILURE;
    }
}
