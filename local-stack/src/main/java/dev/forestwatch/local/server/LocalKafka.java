package dev.forestwatch.local.server;

import dev.forestwatch.local.Flags;
import dev.forestwatch.local.Logging;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs an {@link EmbeddedKafka} until Ctrl+C, for trying the streams app or the connectors by hand:
 * {@code ./forestwatch kafka [--port 9092] [--data-dir DIR] [--topics RawStreamData:3,...]}.
 */
public final class LocalKafka {
    static final String USAGE = String.join("\n",
            "Usage: LocalKafka [flags]",
            "  --port N            client port (default: a free port, printed)",
            "  --data-dir DIR      keep data here across runs (default: a temporary dir, deleted on exit)",
            "  --topics LIST       topics to create, NAME[:PARTITIONS] comma-separated (default: none)");

    private LocalKafka() {
    }

    public static void main(String[] args) throws InterruptedException {
        Logging.useBundledConfig(Logging.CONSOLE_CONFIG);
        EmbeddedKafka.Builder builder = EmbeddedKafka.builder();
        List<TopicSpec> topics = new ArrayList<>();
        if (Flags.readOrExit(args, USAGE, flags -> {
            builder.port(flags.intValue("port", 0));
            if (flags.has("data-dir")) {
                builder.dataDir(Path.of(flags.string("data-dir", null)));
            }
            for (String spec : flags.string("topics", "").split(",")) {
                if (!spec.isBlank()) {
                    topics.add(TopicSpec.parse(spec.trim()));
                }
            }
            return builder;
        }) == null) {
            return;
        }

        System.out.println("Starting Kafka (KRaft, single node) ...");
        EmbeddedKafka kafka;
        try {
            kafka = builder.start();
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            System.err.println("Cannot start Kafka: " + e.getMessage() + " (" + root + ")");
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping Kafka ...");
            kafka.close();
            stopped.countDown();
        }, "local-kafka-shutdown"));
        for (TopicSpec topic : topics) {
            kafka.createTopics(topic.partitions(), topic.name());
            System.out.println("Created topic " + topic.name() + " (" + topic.partitions() + " partitions)");
        }
        System.out.println("Kafka is ready. bootstrap.servers=" + kafka.bootstrapServers());
        System.out.println("Data in " + kafka.dataDir() + ". Press Ctrl+C to stop.");
        stopped.await(); // only the shutdown hook releases it, while the JVM is exiting anyway
    }

    /** {@code NAME} or {@code NAME:PARTITIONS}. */
    record TopicSpec(String name, int partitions) {
        static TopicSpec parse(String spec) {
            int colon = spec.lastIndexOf(':');
            if (colon < 0) {
                return new TopicSpec(spec, 1);
            }
            try {
                int partitions = Integer.parseInt(spec.substring(colon + 1));
                if (partitions >= 1 && colon > 0) {
                    return new TopicSpec(spec.substring(0, colon), partitions);
                }
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
            throw new IllegalArgumentException("Bad topic spec '" + spec + "', expected NAME[:PARTITIONS]");
        }
    }
}
