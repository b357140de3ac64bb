package dev.forestwatch.local.server;

import java.nio.file.Path;
import java.util.Properties;

/** Broker properties for one combined broker+controller node on loopback. */
final class SingleNodeKraftConfig {
    static final int NODE_ID = 1;
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    /** Streams changelogs carry ~400 KB forest snapshots; leave plenty of head room. */
    static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private SingleNodeKraftConfig() {
    }

    static Properties build(Path logDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.put("listeners",
                "PLAINTEXT://127.0.0.1:" + brokerPort + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toAbsolutePath().toString());

        // One broker: every internal topic must be satisfiable with a single replica, or transactional
        // producers (Streams exactly-once) and consumer groups wait forever for coordinators.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("min.insync.replicas", "1");
        p.put("default.replication.factor", "1");
        // The defaults (50 partitions each) make the first group join / first transaction create 50
        // partitions on this small machine; a handful is plenty for local use.
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "false");
        // Rebalance at once instead of waiting 3 s for more members that will never come.
        p.put("group.initial.rebalance.delay.ms", "0");
        // The default 128 MiB cleaner buffer would dominate the heap of a test JVM.
        p.put("log.cleaner.dedupe.buffer.size", "2097152");
        p.put("message.max.bytes", String.valueOf(MAX_MESSAGE_BYTES));
        p.put("replica.fetch.max.bytes", String.valueOf(MAX_MESSAGE_BYTES));
        // Fewer threads than the server defaults: this shares 2 cores with Streams and the tests.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("background.threads", "4");
        return p;
    }
}
