package dev.forestwatch.streams;

import dev.forestwatch.streams.config.AppConfig;
import dev.forestwatch.streams.errors.BoundedThreadReplacement;
import dev.forestwatch.streams.topology.ForestwatchTopology;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the topology, the exception handlers and the lifecycle; the logic is in {@link ForestwatchTopology}. */
public final class App implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(App.class);

    private final KafkaStreams streams;

    public App(final AppConfig config) {
        this.streams = new KafkaStreams(ForestwatchTopology.build(config), config.streamsProperties());
        streams.setUncaughtExceptionHandler(new BoundedThreadReplacement(config.threadReplacementsMax(),
                Clock.systemUTC()));
        streams.setStateListener((now, before) -> LOG.info("forestwatch streams app: {} -> {}", before, now));
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
