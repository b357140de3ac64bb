package dev.forestwatch.connect.elasticsearch;

import dev.forestwatch.connect.common.Backoff;
import dev.forestwatch.connect.common.Version;
import dev.forestwatch.connect.common.batch.BatchingWriter;
import dev.forestwatch.connect.common.batch.Entry;
import dev.forestwatch.connect.common.batch.OffsetTracker;
import dev.forestwatch.connect.elasticsearch.bulk.BulkSender;
import dev.forestwatch.connect.elasticsearch.bulk.BulkTransport;
import dev.forestwatch.connect.elasticsearch.bulk.DocumentBuilder;
import dev.forestwatch.connect.elasticsearch.bulk.IndexTemplate;
import dev.forestwatch.connect.elasticsearch.bulk.RestClientTransport;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns records into _bulk items and hands them to a {@link BatchingWriter}; {@link #preCommit} returns only
 * offsets below each partition's oldest document Elasticsearch has not acknowledged.
 */
public final class ElasticsearchSinkTask extends SinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchSinkTask.class);

    private BulkTransport transport;
    private BatchingWriter writer;
    private OffsetTracker offsets;
    private DocumentBuilder documents;
    private BulkSender.Stats stats;
    private Choices.OnNull onNull;
    private boolean paused;

    @Override
    public void start(final Map<String, String> props) {
        final ElasticsearchSinkConfig config = new ElasticsearchSinkConfig(props);
        start(config, new RestClientTransport(config));
    }

    /** Visible for testing: a given transport. */
    void start(final ElasticsearchSinkConfig config, final BulkTransport bulk) {
        ErrantRecordReporter reporter = null;
        if (config.onMalformed() == Choices.OnMalformed.REPORT) {
            reporter = context.errantRecordReporter();
            if (reporter == null) {
                throw new ConnectException("behavior.on.malformed.documents=report needs a dead-letter topic: set "
                        + "errors.tolerance=all and errors.deadletterqueue.topic.name, or choose fail, warn or ignore");
            }
        }
        this.transport = bulk;
        this.stats = new BulkSender.Stats();
        this.offsets = new OffsetTracker();
        this.onNull = config.onNull();
        this.documents = new DocumentBuilder(config.index(), config.rotation(), config.dataStream(),
                config.idField(), config.idHeader(), config.idFromKey());
        final IndexTemplate template = config.templateEnabled()
                ? new IndexTemplate(transport, config.index(), config.replicas(), config.dataStream()) : null;
        final BulkSender sender = new BulkSender(transport, template,
                new Backoff(config.retryBackoffMs(), config.retryBackoffMaxMs()), config.retryMaxDurationMs(),
                config.onMalformed(), reporter, Thread::sleep, stats);
        this.writer = new BatchingWriter(new BatchingWriter.Limits(config.batchMaxRecords(), config.batchMaxBytes(),
                config.linger(), config.maxInFlight(), config.bufferMaxRecords(), config.bufferMaxBytes()), sender,
                offsets);
        LOG.info("Elasticsearch sink task started for index '{}' at {}", config.index(), config.urls());
    }

    @Override
    public void put(final Collection<SinkRecord> records) {
        writer.throwIfFailed();
        final long now = System.nanoTime();
        for (final SinkRecord r : records) {
            if (r.value() == null) {
                if (onNull == Choices.OnNull.FAIL) {
                    throw new ConnectException("record " + r.topic() + "-" + r.kafkaPartition() + "@" + r.kafkaOffset()
                            + " has a null value; set behavior.on.null.values=ignore or delete to accept such records");
                }
                if (onNull == Choices.OnNull.IGNORE) {
                    final Entry e = Entry.of(r, new byte[0], now);
                    offsets.added(e.partition(), e.offset());
                    offsets.settled(e.partition(), e.offset());
                    continue;
                }
                writer.add(Entry.of(r, documents.deleteItem(r), now));
                continue;
            }
            writer.add(Entry.of(r, documents.indexItem(r), now));
        }
        if (!paused && writer.full()) {
            context.pause(context.assignment().toArray(new TopicPartition[0]));
            paused = true;
        } else if (paused && writer.drained()) {
            context.resume(context.assignment().toArray(new TopicPartition[0]));
            paused = false;
        }
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(final Map<TopicPartition, OffsetAndMetadata> current) {
        writer.throwIfFailed();
        final Map<TopicPartition, OffsetAndMetadata> safe = new HashMap<>(offsets.committable());
        safe.keySet().retainAll(current.keySet());
        return safe;
    }

    @Override
    public void close(final Collection<TopicPartition> partitions) {
        writer.forget(partitions);
    }

    @Override
    public void stop() {
        if (writer != null) {
            try {
                writer.flush(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ConnectException e) {
                LOG.warn("Stopping with unindexed documents; they will be read again: {}", e.getMessage());
            }
            writer.close();
            LOG.info("Elasticsearch sink task stopped: {} documents in {} requests, {} items and {} requests "
                    + "retried, {} malformed", stats.indexed, stats.requests, stats.retriedItems,
                    stats.retriedRequests, stats.malformed);
        }
        if (transport != null) {
            try {
                transport.close();
            } catch (IOException e) {
                LOG.warn("Closing the Elasticsearch client: {}", e.toString());
            }
        }
    }

    @Override
    public String version() {
        return Version.get();
    }
}
