package dev.forestwatch.connect.kinesis.kcl;

import java.util.Date;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.kinesis.common.ConfigsBuilder;
import software.amazon.kinesis.common.InitialPositionInStream;
import software.amazon.kinesis.common.InitialPositionInStreamExtended;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.metrics.MetricsConfig;
import software.amazon.kinesis.metrics.MetricsLevel;
import software.amazon.kinesis.metrics.NullMetricsFactory;
import software.amazon.kinesis.retrieval.RetrievalConfig;
import software.amazon.kinesis.retrieval.fanout.FanOutConfig;
import software.amazon.kinesis.retrieval.polling.PollingConfig;

/**
 * One task's KCL worker: a {@link Scheduler} on its own thread whose shard processors fill the task's queue. All
 * tasks of a connector share one lease table, so the KCL spreads the shards over them (and over Connect workers),
 * moves leases when a task goes, and follows resharding.
 */
public final class KclWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KclWorker.class);
    private static final long GRACEFUL_SHUTDOWN_MS = 10_000;

    private final KclClients clients;
    private final Scheduler scheduler;
    private final Thread thread;
    private final String workerId;
    private final RecordQueue<PendingRecord> queue;
    private volatile boolean running = true;

    public KclWorker(final KclSettings config, final RecordQueue<PendingRecord> queue) {
        this.queue = queue;
        // unique per start, so a restarted task never passes for a zombie of itself holding the same leases
        this.workerId = config.workerName() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        this.clients = KclClients.create(config);
        final String leaseTable = config.leaseTable();
        final ShardProcessorFactory factory = new ShardProcessorFactory(
                new RecordConverter(config.stream(), config.topic(), StreamCreationTime.read(clients.kinesis(),
                        config.stream(), StreamCreationTime.TIMEOUT)),
                queue, () -> running);
        final ConfigsBuilder configs = new ConfigsBuilder(config.stream(), leaseTable, clients.kinesis(),
                clients.dynamoDb(), clients.cloudWatch(), workerId, factory).tableName(leaseTable);
        this.scheduler = new Scheduler(configs.checkpointConfig(),
                configs.coordinatorConfig().parentShardPollIntervalMillis(config.parentShardPollIntervalMs()),
                configs.leaseManagementConfig()
                        .failoverTimeMillis(config.failoverTimeMs())
                        .leaseAssignmentIntervalMillis(config.failoverTimeMs())
                        .shardSyncIntervalMillis(config.shardSyncIntervalMs())
                        .dynamoDbLockBasedLeaderLeaseDurationInMillis(config.leaderLeaseDurationMs())
                        .dynamoDbLockBasedLeaderHeartbeatPeriodInMillis(config.leaderLeaseDurationMs() / 4),
                configs.lifecycleConfig(),
                metricsConfig(configs.metricsConfig(), config.metricsLevel()),
                // called with no records too, so acknowledgements of a quiet shard still get checkpointed
                configs.processorConfig().callProcessRecordsEvenForEmptyRecordList(true),
                retrievalConfig(configs.retrievalConfig(), config, clients.kinesis(), leaseTable));
        this.thread = new Thread(this::run, "kcl-" + workerId);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
        LOG.info("KCL worker {} started", workerId);
    }

    private void run() {
        try {
            scheduler.run();
        } catch (RuntimeException | Error e) {
            queue.fail(e);
            return;
        }
        if (running) {
            // the Scheduler returns on its own only when it could not initialize: an unreachable stream or table
            queue.fail(new ConnectException("The Kinesis Client Library stopped: it could not initialize (see its "
                    + "errors above). Check kinesis.stream, aws.region, aws.kinesis.endpoint, "
                    + "aws.dynamodb.endpoint and the credentials"));
        }
    }

    public String workerId() {
        return workerId;
    }

    /**
     * Stops reading, lets each shard processor checkpoint what Kafka has acknowledged, then shuts the KCL down.
     * Records polled but not yet acknowledged are read again by the shard's next owner: at least once, never lost.
     */
    @Override
    public void close() {
        running = false;
        try {
            scheduler.startGracefulShutdown().get(GRACEFUL_SHUTDOWN_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("KCL worker {} did not shut down gracefully within {} ms", workerId, GRACEFUL_SHUTDOWN_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("KCL worker {} graceful shutdown failed", workerId, e);
        } finally {
            scheduler.shutdown();
            clients.close();
        }
        LOG.info("KCL worker {} stopped", workerId);
    }

    private static MetricsConfig metricsConfig(final MetricsConfig metrics, final String level) {
        final MetricsLevel l = MetricsLevel.valueOf(level.toUpperCase(Locale.ROOT));
        metrics.metricsLevel(l);
        if (l == MetricsLevel.NONE) {
            // not even a CloudWatch client call: the emulators and many IAM policies have no CloudWatch
            metrics.metricsFactory(new NullMetricsFactory());
        }
        return metrics;
    }

    private static RetrievalConfig retrievalConfig(final RetrievalConfig retrieval, final KclSettings config,
            final KinesisAsyncClient kinesis, final String applicationName) {
        retrieval.initialPositionInStreamExtended(initialPosition(config));
        if (config.retrieval() == KclSettings.Retrieval.POLLING) {
            retrieval.retrievalSpecificConfig(new PollingConfig(config.stream(), kinesis)
                    .maxRecords(config.maxRecords())
                    .idleTimeBetweenReadsInMillis(config.idleBetweenReadsMs()));
        } else {
            retrieval.retrievalSpecificConfig(new FanOutConfig(kinesis).streamName(config.stream())
                    .applicationName(applicationName));
        }
        return retrieval;
    }

    private static InitialPositionInStreamExtended initialPosition(final KclSettings config) {
        return switch (config.startPosition()) {
            case TRIM_HORIZON -> InitialPositionInStreamExtended.newInitialPosition(
                    InitialPositionInStream.TRIM_HORIZON);
            case LATEST -> InitialPositionInStreamExtended.newInitialPosition(InitialPositionInStream.LATEST);
            case AT_TIMESTAMP -> InitialPositionInStreamExtended.newInitialPositionAtTimestamp(
                    Date.from(config.startTimestamp()));
        };
    }
}
