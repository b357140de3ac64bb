package dev.forestwatch.local.pipeline;

import dev.forestwatch.local.server.AwsEmulator;
import dev.forestwatch.local.server.ConnectCluster;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The three connectors of a run: their {@code config/*.json} as docker compose uses them, with only the endpoints
 * pointed at this run's servers (and a few timings shortened for one machine), registered and awaited.
 */
final class LocalConnectors {
    static final String SOURCE = "kinesis-source";
    static final String ELASTICSEARCH_SINK = "elasticsearch-sink";
    static final String FIREHOSE_SINK = "firehose-sink";

    /** Where the connectors find this run's servers. */
    record Endpoints(URI kinesis, URI dynamo, String elasticsearch, String firehose) {
    }

    private final Map<String, Map<String, String>> fromFiles = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> registered = new LinkedHashMap<>();

    LocalConnectors(Path repo) {
        for (String name : Pipeline.PLUGINS) {
            fromFiles.put(name, RepoConfig.connectorConfig(repo, name));
        }
    }

    /** The KCL lease table the source uses (created up front: dynalite cannot add KCL 3's index later). */
    String leaseTable() {
        return fromFiles.get(SOURCE).getOrDefault("kcl.lease.table", "forestwatch-kinesis-source");
    }

    String deliveryStream() {
        return fromFiles.get(FIREHOSE_SINK).get("delivery.stream");
    }

    /** Creates or updates the three connectors; {@code overrides} (by connector name) win over everything. */
    void register(ConnectCluster connect, Endpoints at, Map<String, Map<String, String>> overrides) {
        Map<String, String> aws = Map.of(
                "aws.region", AwsEmulator.REGION.id(),
                // the emulators check no credentials, but the SDK insists on some
                "aws.access.key.id", "forestwatch",
                "aws.secret.access.key", "forestwatch");
        settle(SOURCE, aws, Map.of(
                "aws.kinesis.endpoint", at.kinesis().toString(),
                "aws.dynamodb.endpoint", at.dynamo().toString(),
                // seconds, not a minute, to notice a reshard made while it runs
                "kcl.shard.sync.interval.ms", "10000",
                // leases move 20 s after a worker crash, not the KCL's 2 minutes
                "kcl.leader.lease.duration.ms", "20000"));
        settle(ELASTICSEARCH_SINK, Map.of(), Map.of("connection.urls", at.elasticsearch()));
        settle(FIREHOSE_SINK, aws, Map.of("aws.firehose.endpoint", at.firehose()));
        registered.forEach((name, config) -> {
            config.putAll(overrides.getOrDefault(name, Map.of()));
            connect.createOrUpdateConnector(name, config);
        });
    }

    /** Waits until each registered connector and all its tasks run. */
    void awaitRunning(ConnectCluster connect, Duration timeout) {
        registered.forEach((name, config) -> connect.awaitConnectorRunning(name,
                Integer.parseInt(config.getOrDefault("tasks.max", "1")), timeout));
    }

    private void settle(String name, Map<String, String> aws, Map<String, String> local) {
        Map<String, String> config = new LinkedHashMap<>(fromFiles.get(name));
        config.putAll(aws);
        config.putAll(local);
        registered.put(name, config);
    }
}
