package dev.corral.runtime.oci.network.dns;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;

/**
 * The resolvers the forwarder asks, in order, under one time budget per query: each gets an equal share of what is
 * left, so a dead first resolver still leaves time for the next, and the whole never exceeds the budget. dnsjava's
 * {@link SimpleResolver} sends the query (over UDP, again over TCP when the answer comes truncated) and checks the
 * answer's id and question. Thread-safe: the resolvers are configured once and only used to send.
 */
final class Upstreams {
    private static final Logger log = LoggerFactory.getLogger(Upstreams.class);

    private final List<SimpleResolver> resolvers;
    private final Duration budget;

    Upstreams(List<InetSocketAddress> servers, Duration budget) {
        this.resolvers = servers.stream().map(server -> {
            SimpleResolver resolver = new SimpleResolver(server);
            resolver.setTimeout(budget);
            return resolver;
        }).toList();
        this.budget = budget;
    }

    /**
     * Asks the resolvers for the question, blocking for at most the budget. Empty when none answered in time, or
     * every one answered SERVFAIL or REFUSED.
     */
    Optional<Message> ask(Record question) throws InterruptedException {
        long deadline = System.nanoTime() + budget.toNanos();
        for (int i = 0; i < resolvers.size(); i++) {
            long share = (deadline - System.nanoTime()) / (resolvers.size() - i);
            if (share <= 0) {
                break;
            }
            SimpleResolver resolver = resolvers.get(i);
            CompletableFuture<Message> answer = resolver.sendAsync(Message.newQuery(question)).toCompletableFuture();
            try {
                Message message = answer.get(share, TimeUnit.NANOSECONDS);
                int rcode = message.getRcode();
                if (rcode != Rcode.SERVFAIL && rcode != Rcode.REFUSED) {
                    return Optional.of(message);
                }
                log.debug("upstream {} answered {} for {}", resolver.getAddress(), Rcode.string(rcode), question);
            } catch (ExecutionException e) {
                log.debug("upstream {} failed for {}: {}", resolver.getAddress(), question, e.getCause().toString());
            } catch (TimeoutException e) {
                answer.cancel(true);
                log.debug("upstream {} timed out for {}", resolver.getAddress(), question);
            }
        }
        return Optional.empty();
    }
}
