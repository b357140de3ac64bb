package dev.forestwatch.local.server;

import dev.forestwatch.local.Await;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates topics if missing and returns once every partition has a leader. A created topic is not yet a led one:
 * the controller answers before the broker's metadata cache has the partitions, and a producer sending at once gets
 * UNKNOWN_TOPIC_OR_PARTITION or NOT_LEADER, then sits out its retry backoff (in a benchmark, that is measured time).
 */
public final class TopicCreation {

    /**
     * The configs of the streams app's input topics: the broker stamps each record with its append time, which is the
     * ROWTIME that the app's default order.time=ingest cuts seconds from; 2 MiB messages, so a 1 MiB Kinesis record
     * with its key and headers fits.
     */
    public static final Map<String, String> INPUT_TOPIC_CONFIGS = Map.of("message.timestamp.type", "LogAppendTime",
            "max.message.bytes", "2097152");

    private TopicCreation() {
    }

    /** Topics that already exist are left as they are (their partitions and configs unchanged). */
    public static void createIfMissing(Admin admin, Collection<NewTopic> topics, Duration timeout) {
        Map<String, KafkaFuture<Void>> created = admin.createTopics(topics).values();
        for (var entry : created.entrySet()) {
            try {
                entry.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Creating topic " + entry.getKey() + " failed", e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while creating topic " + entry.getKey(), e);
            } catch (TimeoutException e) {
                throw new IllegalStateException("Creating topic " + entry.getKey() + " timed out after " + timeout, e);
            }
        }
        awaitLeaders(admin, created.keySet(), timeout);
    }

    /** Waits until the broker knows a leader for every partition of these topics. */
    public static void awaitLeaders(Admin admin, Collection<String> names, Duration timeout) {
        Set<String> topics = Set.copyOf(names);
        Await.until("leaders for topics " + topics, timeout, () -> {
            try {
                Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return described.values().stream()
                        .flatMap(d -> d.partitions().stream())
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    return false; // created on the controller, not yet in the broker's metadata cache
                }
                throw new IllegalStateException("Describing topics " + topics + " failed", e.getCause());
            }
        });
    }

}
