package dev.forestwatch.local.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/** The settings of {@link EmbeddedConnect}'s one-worker cluster on loopback, and its storage topics. */
final class ConnectWorkerSettings {
    static final String DEFAULT_CONVERTER = "org.apache.kafka.connect.converters.ByteArrayConverter";

    private ConnectWorkerSettings() {
    }

    /** A worker on {@code 127.0.0.1:restPort} with timings for one worker that restarts; callers add overrides. */
    static Map<String, String> loopback(String bootstrapServers, String group, int restPort, Path plugins) {
        Map<String, String> p = new HashMap<>();
        p.put("bootstrap.servers", bootstrapServers);
        p.put("group.id", group);
        p.put("listeners", "http://127.0.0.1:" + restPort);
        p.put("rest.advertised.host.name", "127.0.0.1");
        p.put("rest.advertised.port", String.valueOf(restPort));
        p.put("plugin.path", plugins.toString());
        // Only plugins with ServiceLoader manifests; the default hybrid_warn scan costs 10-16 s and twice the memory.
        p.put("plugin.discovery", "service_load");
        p.put("key.converter", DEFAULT_CONVERTER);
        p.put("value.converter", DEFAULT_CONVERTER);
        p.put("config.storage.topic", group + "-configs");
        p.put("offset.storage.topic", group + "-offsets");
        p.put("status.storage.topic", group + "-status");
        p.put("config.storage.replication.factor", "1");
        p.put("offset.storage.replication.factor", "1");
        p.put("status.storage.replication.factor", "1");
        p.put("offset.storage.partitions", "5");
        p.put("status.storage.partitions", "1");
        p.put("offset.flush.interval.ms", "1000");
        // Short group timeouts for a one-worker cluster that restarts; 6 s is the broker's minimum session.
        p.put("session.timeout.ms", "6000");
        p.put("heartbeat.interval.ms", "1000");
        p.put("rebalance.timeout.ms", "10000");
        p.put("scheduled.rebalance.max.delay.ms", "1000");
        p.put("worker.sync.timeout.ms", "3000");
        p.put("worker.unsync.backoff.ms", "1000");
        p.put("task.shutdown.graceful.timeout.ms", "5000");
        return p;
    }

    /** The config topic must have exactly one partition; all three must be compacted (the worker checks). */
    static void createStorageTopics(Map<String, String> props, Duration timeout) {
        Map<String, Object> adminProps = new HashMap<>();
        props.forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k) && !k.equals(AdminClientConfig.CLIENT_ID_CONFIG)) {
                adminProps.put(k, v);
            }
        });
        Map<String, String> compacted = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        List<NewTopic> topics = List.of(
                new NewTopic(props.get("config.storage.topic"), 1, replication(props, "config")).configs(compacted),
                new NewTopic(props.get("offset.storage.topic"), partitions(props, "offset"),
                        replication(props, "offset")).configs(compacted),
                new NewTopic(props.get("status.storage.topic"), partitions(props, "status"),
                        replication(props, "status")).configs(compacted));
        try (Admin admin = Admin.create(adminProps)) {
            TopicCreation.createIfMissing(admin, topics, timeout);
        }
    }

    private static int partitions(Map<String, String> props, String store) {
        return Integer.parseInt(props.get(store + ".storage.partitions"));
    }

    private static short replication(Map<String, String> props, String store) {
        return Short.parseShort(props.get(store + ".storage.replication.factor"));
    }
}
