package dev.forestwatch.local.server;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import kafka.server.KafkaConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;

/** The programmatic equivalent of {@code kafka-storage.sh format} for a static-quorum node. */
final class KraftStorage {
    private KraftStorage() {
    }

    /**
     * Formats the node's log directory with a new cluster id, unless an earlier run formatted it:
     * then it is reused as it is, so a broker restarted on the same data dir keeps its topics.
     */
    static void format(KafkaConfig config) throws Exception {
        // The Formatter's own "ignore formatted" check still insists on the same cluster id,
        // which a restart doesn't know, so look for the marker file ourselves.
        if (Files.exists(Path.of(config.metadataLogDir(), "meta.properties"))) {
            return;
        }
        new Formatter()
                // The formatter narrates to System.out by default; that would pollute the demo output.
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(config.nodeId())
                .setClusterId(Uuid.randomUuid().toString())
                .setControllerListenerName(SingleNodeKraftConfig.CONTROLLER_LISTENER)
                .setMetadataLogDirectory(config.metadataLogDir())
                .setDirectories(config.logDirs())
                .run();
    }
}
