package dev.forestwatch.connect.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.local.server.EmbeddedConnect;
import dev.forestwatch.local.server.EmbeddedKafka;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.connector.Connector;

/** What the connectors' integration tests share (published in connect-common's test-jar). */
public final class ConnectItSupport {

    private ConnectItSupport() {
    }

    /**
     * A Connect worker on {@code kafka} with the plugin installed from the built zip, as a user installs it, and
     * checked to offer {@code connector}.
     *
     * @param workerProperties worker settings beyond the defaults: name, value, name, value...
     */
    public static EmbeddedConnect workerWithPlugin(final EmbeddedKafka kafka,
            final Class<? extends Connector> connector, final String... workerProperties) {
        final EmbeddedConnect.Builder builder = EmbeddedConnect.builder(kafka.bootstrapServers())
                .pluginPath(EmbeddedConnect.installBuiltPlugin());
        for (int i = 0; i + 1 < workerProperties.length; i += 2) {
            builder.workerProperty(workerProperties[i], workerProperties[i + 1]);
        }
        final EmbeddedConnect connect = builder.start();
        assertThat(connect.connectorPlugins()).contains(connector.getName());
        return connect;
    }

    /** What a test checks while a connector runs. */
    @FunctionalInterface
    public interface Checks {
        void run() throws Exception;
    }

    /** Creates the connector {@code name}, runs {@code checks}, and deletes the connector however they end. */
    public static void whileRunning(final EmbeddedConnect connect, final String name,
            final Map<String, String> config, final Checks checks) throws Exception {
        connect.createOrUpdateConnector(name, config);
        try {
            checks.run();
        } finally {
            connect.deleteConnector(name);
        }
    }

    /**
     * A consumer assigned every partition of {@code topic} and set to its beginning, so it reads what a connector
     * wrote with no group or rebalance in the way; {@code settings} add to the bootstrap servers.
     */
    public static KafkaConsumer<byte[], byte[]> fromBeginning(final String bootstrapServers, final String topic,
            final Map<String, Object> settings) {
        final Map<String, Object> props = new HashMap<>(settings);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        final KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        final List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    /** Closes, in the order given, each of {@code servers} that started (is not null), going on past a failure. */
    public static void closeAll(final AutoCloseable... servers) {
        for (final AutoCloseable c : servers) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.err.println("closing " + c + " failed: " + e); // keep closing the rest
                }
            }
        }
    }
}
