package dev.forestwatch.local.server;

import dev.forestwatch.local.Await;
import dev.forestwatch.local.Directories;
import dev.forestwatch.local.LoopbackHttpServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka broker (combined broker + controller) running inside this JVM, bound to
 * 127.0.0.1. Configured so that exactly-once Kafka Streams works against one broker (all internal
 * topics at replication factor 1 / min ISR 1) and so that 16 MiB messages are accepted.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
 *     kafka.createTopics(3, "RawStreamData");
 *     props.put("bootstrap.servers", kafka.bootstrapServers());
 * }
 * }</pre>
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    /** Cold start measured at ~7 s on 2 cores; a loaded CI machine can take several times that. */
    static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
    /** Written by the log manager on a clean shutdown; without it the next start recovers the logs. */
    static final String CLEAN_SHUTDOWN_MARKER = ".kafka_cleanshutdown"; // CleanShutdownFileHandler's, runtime scope

    /** Replaced by {@link #restartAfterCrash()}; clients keep the same address throughout. */
    private volatile KafkaRaftServer server;
    private final KafkaConfig config;
    private final Path dataDir;
    private final boolean deleteDataDirOnClose;
    private final String bootstrapServers;
    private final Admin admin;
    private final CloseOnce closing = new CloseOnce();

    private EmbeddedKafka(KafkaRaftServer server, KafkaConfig config, Path dataDir, boolean deleteDataDirOnClose,
            String bootstrapServers) {
        this.server = server;
        this.config = config;
        this.dataDir = dataDir;
        this.deleteDataDirOnClose = deleteDataDirOnClose;
        this.bootstrapServers = bootstrapServers;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** Starts a broker on free ports with its data in a new temporary directory, deleted on {@link #close()}. */
    public static EmbeddedKafka start() {
        return builder().start();
    }

    /**
     * Starts a broker on free ports with its data in {@code dataDir} (created if missing, kept on
     * {@link #close()}). A directory already formatted by an earlier run is reused as it is.
     */
    public static EmbeddedKafka start(Path dataDir) {
        return builder().dataDir(dataDir).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code 127.0.0.1:<port>}, for the clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The directory holding the broker's log (and metadata log) data. */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * An admin client owned by this broker: share it, don't close it ({@link #close()} does).
     */
    public Admin admin() {
        return admin;
    }

    /**
     * Creates the topics (replication factor 1) and returns once the broker has a leader for every
     * partition, so producers don't race the metadata propagation. Topics that already exist are
     * left as they are.
     */
    public void createTopics(int partitions, String... names) {
        createTopics(partitions, Map.of(), names);
    }

    /** Input topics of the streams app, with {@link TopicCreation#INPUT_TOPIC_CONFIGS}. */
    public void createInputTopics(int partitions, String... names) {
        createTopics(partitions, TopicCreation.INPUT_TOPIC_CONFIGS, names);
    }

    public void createTopics(int partitions, Map<String, String> configs, String... names) {
        TopicCreation.createIfMissing(admin, Arrays.stream(names)
                .map(name -> new NewTopic(name, partitions, (short) 1).configs(configs))
                .collect(Collectors.toList()), ADMIN_TIMEOUT);
    }

    /**
     * Stops the broker as close to a crash as an in-process one allows, for fault tests. A broker in this JVM cannot
     * be SIGKILLed, and its shutdown flushes and closes the logs; what it can do is vanish from its clients at once
     * and come back as after a crash: the clean-shutdown markers are deleted, so {@link #restartAfterCrash()} runs
     * log recovery. The page cache is not lost, so data acknowledged but not yet fsynced survives here as it would
     * not after a power cut. Clients (including {@link #admin()}) keep retrying the same address meanwhile.
     *
     * @return how many clean-shutdown markers were deleted (0 means the restart will not run recovery)
     */
    public synchronized int crash() {
        closing.checkOpen(this);
        KafkaRaftServer s = server;
        s.shutdown();
        s.awaitShutdown();
        int deleted = 0;
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dataDir)) {
            for (Path marker : files.filter(f -> f.getFileName().toString().equals(CLEAN_SHUTDOWN_MARKER)).toList()) {
                java.nio.file.Files.delete(marker);
                deleted++;
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot delete the clean-shutdown markers under " + dataDir, e);
        }
        log.info("Embedded Kafka at {} crashed on purpose ({} clean-shutdown markers deleted)", bootstrapServers,
                deleted);
        return deleted;
    }

    /** Starts a new broker on the data dir and ports of the one {@link #crash()} stopped; returns once it serves. */
    public synchronized void restartAfterCrash() {
        closing.checkOpen(this);
        long started = System.nanoTime();
        KafkaRaftServer s = new KafkaRaftServer(config, Time.SYSTEM);
        server = s;
        s.startup();
        awaitServing(DEFAULT_STARTUP_TIMEOUT);
        log.info("Embedded Kafka at {} back after {} ms", bootstrapServers, Await.millisSince(started));
    }

    /** Stops the broker and waits for it, then deletes the data dir if this broker created it. */
    @Override
    public synchronized void close() {
        if (!closing.markClosed()) {
            return;
        }
        admin.close(Duration.ofSeconds(5));
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            if (deleteDataDirOnClose) {
                Directories.deleteRecursively(dataDir);
            }
        }
        log.info("Embedded Kafka at {} stopped", bootstrapServers);
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers + ", " + dataDir + "]";
    }

    /** Options beyond {@link #start()}: a fixed port, a data dir, a startup timeout. */
    public static final class Builder {
        private Path dataDir;
        private int port;
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;

        private Builder() {
        }

        /** Keep data in this directory (not deleted on close) instead of a temporary one. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir);
            return this;
        }

        /** A fixed client port (e.g. 9092); 0, the default, picks a free one. */
        public Builder port(int port) {
            this.port = LoopbackHttpServer.checkPort(port);
            return this;
        }

        public Builder startupTimeout(Duration startupTimeout) {
            this.startupTimeout = Objects.requireNonNull(startupTimeout);
            return this;
        }

        public EmbeddedKafka start() {
            boolean temporary = dataDir == null;
            Path dir = temporary ? Directories.createTempDir("embedded-kafka-") : Directories.createDirs(dataDir);
            try {
                return PortRetry.start("Kafka", PortRetry.ATTEMPTS, attempt -> startOnce(dir, temporary),
                        e -> port == 0 && FreePort.causedByBindFailure(e));
            } catch (RuntimeException e) {
                if (temporary) {
                    Directories.deleteRecursively(dir);
                }
                throw e;
            }
        }

        private EmbeddedKafka startOnce(Path dir, boolean temporary) {
            int brokerPort = port != 0 ? port : FreePort.pick();
            int controllerPort = FreePort.pickOtherThan(brokerPort);
            Properties props = SingleNodeKraftConfig.build(dir.resolve("logs"), brokerPort, controllerPort);
            KafkaConfig config = new KafkaConfig(props, false);
            try {
                KraftStorage.format(config);
            } catch (Exception e) {
                throw new IllegalStateException("Formatting Kafka storage in " + dir + " failed", e);
            }
            long started = System.nanoTime();
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            EmbeddedKafka kafka;
            try {
                server.startup();
                kafka = new EmbeddedKafka(server, config, dir, temporary, "127.0.0.1:" + brokerPort);
            } catch (RuntimeException e) {
                shutdownQuietly(server);
                throw e;
            }
            try {
                kafka.awaitServing(startupTimeout);
            } catch (RuntimeException e) {
                kafka.closeWithoutDeleting();
                throw e;
            }
            log.info("Embedded Kafka serving at {} (data in {}) after {} ms",
                    kafka.bootstrapServers, dir, Await.millisSince(started));
            return kafka;
        }
    }

    /** startup() returns before the broker is unfenced; only an answered request proves it serves. */
    private void awaitServing(Duration timeout) {
        Await.until("Kafka at " + bootstrapServers + " to serve requests", timeout, () -> {
            try {
                return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
            } catch (ExecutionException | TimeoutException e) {
                return false;
            }
        });
    }

    private void closeWithoutDeleting() {
        closing.markClosed();
        admin.close(Duration.ZERO);
        shutdownQuietly(server);
    }

    private static void shutdownQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            log.warn("Error stopping a broker that failed to start", e);
        }
    }
}
