package dev.forestwatch.streams;

import dev.forestwatch.streams.config.AppConfig;
import dev.forestwatch.streams.errors.BoundedThreadReplacement;
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
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the topology, the exception handlers and the lifecycle; the logic is in {@link ForestwatchTopology}. */
public final class App implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(App.class);

    private final KafkaStreams streams;

    public App(final AppConfig config) {
        final AppConfig resolved = withOrderPartitions(config);
        this.streams = new KafkaStreams(ForestwatchTopology.build(resolved), resolved.streamsProperties());
        streams.setUncaughtExceptionHandler(new BoundedThreadReplacement(config.threadReplacementsMax(),
                Clock.systemUTC()));
        streams.setStateListener((now, before) -> LOG.info("forestwatch streams app: {} -> {}", before, now));
    }

    /**
     * One ordering task per output partition, so that a partition's records come from one writer in order. The
     * output topic must exist first, as for any Kafka Streams sink topic.
     */
    static AppConfig withOrderPartitions(final AppConfig config) {
        if (config.orderPartitions() > 0) {
            return config;
        }
        final Properties admin = new Properties();
        config.streamsProperties().forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(String.valueOf(k))) {
                admin.put(k, v);
            }
        });
        try (Admin client = Admin.create(admin)) {
            final int partitions = client.describeTopics(List.of(config.outputTopic())).allTopicNames()
                    .get(60, TimeUnit.SECONDS).get(config.outputTopic()).partitions().size();
            LOG.info("Output topic {} has {} partitions; ordering with as many", config.outputTopic(), partitions);
            return config.with(AppConfig.ORDER_PARTITIONS_CONFIG, partitions);
        } catch (ExecutionException e) {
            throw new ConfigException(AppConfig.OUTPUT_TOPIC_CONFIG, config.outputTopic(), "cannot describe it ("
                    + e.getCause().getMessage() + "); create the topic first, or set "
                    + AppConfig.ORDER_PARTITIONS_CONFIG + " to its partition count");
        } catch (InterruptedException | TimeoutException e) {
            throw new ConfigException(AppConfig.OUTPUT_TOPIC_CONFIG, config.outputTopic(), "no answer from "
                    + "bootstrap.servers within 60 s while looking up its partitions (" + e + ")");
        }
    }

    public KafkaStreams streams() {
        return streams;
    }

    public App start() {
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
    }
}
