package dev.forestwatch.streams;

import dev.forestwatch.streams.config.AppConfig;
import dev.forestwatch.streams.errors.BoundedThreadReplacement;
import dev.forestwatch.streams.metrics.PrometheusEndpoint;
import dev.forestwatch.streams.topology.ForestwatchTopology;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the topology, the exception handlers and the lifecycle; the logic is in {@link ForestwatchTopology}. */
public final class App implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(App.class);

    private final KafkaStreams streams;
    private final AppConfig config;
    private PrometheusEndpoint prometheus;

    public App(final AppConfig config) {
        this.config = config;
        final AppConfig resolved = resolvedAtStart(config);
        this.streams = new KafkaStreams(ForestwatchTopology.build(resolved), resolved.streamsProperties());
        streams.setUncaughtExceptionHandler(new BoundedThreadReplacement(config.threadReplacementsMax(),
                Clock.systemUTC()));
        streams.setStateListener((now, before) -> LOG.info("forestwatch streams app: {} -> {}", before, now));
    }

    /**
     * Partition counts the topology needs: the input's, so the ordering step knows how many upstream tasks to wait
     * for, and the output's, so each output partition has one ordering task as its only writer; and the largest
     * records the output and dead-letter topics take. The topics must exist first, as for any Kafka Streams source
     * and sink. With order.time=ingest it also checks that the input topic stamps append time.
     */
    static AppConfig resolvedAtStart(final AppConfig config) {
        final Properties admin = new Properties();
        config.streamsProperties().forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(String.valueOf(k))) {
                admin.put(k, v);
            }
        });
        try (Admin client = Admin.create(admin)) {
            if (config.orderByIngestTime()) {
                checkIngestTimestamps(client, config.inputTopic());
            }
            AppConfig resolved = config;
            if (config.outputMaxMessageBytes() == 0) {
                resolved = resolved.with(AppConfig.OUTPUT_MAX_MESSAGE_BYTES_CONFIG,
                        maxMessageBytes(client, config.outputTopic()));
            }
            if (config.deadLetterMaxMessageBytes() == 0) {
                resolved = resolved.with(AppConfig.DEAD_LETTER_MAX_MESSAGE_BYTES_CONFIG,
                        maxMessageBytes(client, config.deadLetterTopic()));
            }
            if (config.orderPartitions() > 0 && config.inputPartitions() > 0) {
                return resolved;
            }
            if (config.inputPartitions() == 0) {
                resolved = resolved.with(AppConfig.INPUT_PARTITIONS_CONFIG,
                        partitions(client, config.inputTopic(), AppConfig.INPUT_TOPIC_CONFIG));
            }
            if (config.orderPartitions() == 0) {
                resolved = resolved.with(AppConfig.ORDER_PARTITIONS_CONFIG,
                        partitions(client, config.outputTopic(), AppConfig.OUTPUT_TOPIC_CONFIG));
            }
            LOG.info("Input topic {} has {} partitions, output topic {} has {} and takes records up to {} bytes, "
                    + "dead-letter topic {} up to {}", config.inputTopic(), resolved.inputPartitions(),
                    config.outputTopic(), resolved.orderPartitions(), resolved.outputMaxMessageBytes(),
                    config.deadLetterTopic(), resolved.deadLetterMaxMessageBytes());
            return resolved;
        }
    }

    /**
     * With order.time=ingest the ROWTIME is the input record's timestamp held non-decreasing; only the broker's
     * append time makes that the time the record entered the topic. Producer timestamps still keep every second
     * whole, but a producer clock far ahead would hold every later record in its second.
     */
    static void checkIngestTimestamps(final Admin client, final String topic) {
        final String type = topicConfig(client, topic, TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
        if (type == null) {
            LOG.warn("Could not read {} of input topic {}; the ROWTIME is its record timestamps held non-decreasing",
                    TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, topic);
        } else if (!"LogAppendTime".equals(type)) {
            LOG.warn("Input topic {} has {}={}: with {}={} the ROWTIME (created) is then the producers' "
                    + "timestamps held non-decreasing, not the time records entered the topic. Seconds stay "
                    + "whole, but set it to LogAppendTime (kafka-configs.sh --alter --entity-type topics "
                    + "--entity-name {} --add-config {}=LogAppendTime), or choose {}={}.", topic,
                    TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, type, AppConfig.ORDER_TIME_CONFIG,
                    AppConfig.ORDER_TIME_INGEST, topic, TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG,
                    AppConfig.ORDER_TIME_CONFIG, AppConfig.ORDER_TIME_EVENT);
        } else {
            LOG.info("Input topic {} stamps records with the broker's append time: that is the ROWTIME", topic);
        }
    }

    /**
     * The largest record a topic takes, so that a record too large for it is dead-lettered (output) or written
     * without its value (dead letters) instead of failing the app on every retry. 0 (no limit known) when it cannot
     * be read: then a too-large record fails the app with a message naming the setting.
     */
    static int maxMessageBytes(final Admin client, final String topic) {
        final String bytes = topicConfig(client, topic, TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        try {
            return bytes == null ? 0 : Integer.parseInt(bytes);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A topic's effective setting (its own or the broker's default), or null, logged, when it cannot be read. */
    private static String topicConfig(final Admin client, final String topic, final String key) {
        final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            final ConfigEntry e = client.describeConfigs(List.of(resource)).all().get(60, TimeUnit.SECONDS)
                    .get(resource).get(key);
            return e == null ? null : e.value();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Could not read {} of topic {} ({})", key, topic, e.toString());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static int partitions(final Admin client, final String topic, final String setting) {
        try {
            return client.describeTopics(List.of(topic)).allTopicNames().get(60, TimeUnit.SECONDS).get(topic)
                    .partitions().size();
        } catch (ExecutionException e) {
            throw new ConfigException(setting, topic, "cannot describe it (" + e.getCause().getMessage()
                    + "); create the topic first");
        } catch (InterruptedException | TimeoutException e) {
            throw new ConfigException(setting, topic, "no answer from bootstrap.servers within 60 s while "
                    + "looking up its partitions (" + e + ")");
        }
    }

    public KafkaStreams streams() {
        return streams;
    }

    public App start() {
        if (config.metricsPrometheusPort() > 0 && prometheus == null) {
            prometheus = PrometheusEndpoint.start(config.metricsPrometheusHost(), config.metricsPrometheusPort(),
                    streams::metrics);
            LOG.info("Prometheus metrics at http://{}:{}/metrics", config.metricsPrometheusHost(), prometheus.port());
        }
        streams.start();
        return this;
    }

    /** Runs until the JVM is asked to stop or the app dies for good; returns the process exit code. */
    public int runUntilStopped() throws InterruptedException {
        final CountDownLatch done = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            LOG.info("forestwatch streams app: {} -> {}", before, now);
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                done.countDown();
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            close();
            done.countDown();
        }, "forestwatch-shutdown"));
        start();
        done.await();
        return streams.state() == KafkaStreams.State.ERROR ? 1 : 0;
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
        if (prometheus != null) {
            prometheus.close();
        }
    }
}
