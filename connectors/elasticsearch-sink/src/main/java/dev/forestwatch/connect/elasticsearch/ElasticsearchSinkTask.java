package dev.forestwatch.connect.elasticsearch;

import dev.forestwatch.connect.common.Backoff;
import dev.forestwatch.connect.common.Version;
import dev.forestwatch.connect.common.batch.BatchingSinkTask;
import dev.forestwatch.connect.common.batch.BatchingWriter;
import dev.forestwatch.connect.elasticsearch.bulk.BulkSender;
import dev.forestwatch.connect.elasticsearch.bulk.BulkTransport;
import dev.forestwatch.connect.elasticsearch.bulk.DocumentBuilder;
import dev.forestwatch.connect.elasticsearch.bulk.IndexTemplate;
import dev.forestwatch.connect.elasticsearch.bulk.RestClientTransport;
import java.io.IOException;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Records to _bulk items through a {@link BulkSender}; commits only what Elasticsearch acknowledged. */
public final class ElasticsearchSinkTask extends BatchingSinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchSinkTask.class);

    private BulkTransport transport;
    private DocumentBuilder documents;
    private BulkSender.Stats stats;
    private Choices.OnNull onNull;

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
        this.onNull = config.onNull();
        this.documents = new DocumentBuilder(config.index(), config.rotation(), config.dataStream(),
                config.idField(), config.idHeader(), config.idFromKey());
        final IndexTemplate template = config.templateEnabled()
                ? new IndexTemplate(transport, config.index(), config.replicas(), config.refreshInterval(),
                        config.dataStream(), config.auth() == Choices.Auth.AWS_SIGV4
                                && config.awsService() == Choices.AwsService.AOSS)
                : null;
        startWriting(new BatchingWriter.Limits(config.batchMaxRecords(), config.batchMaxBytes(), config.linger(),
                config.maxInFlight(), config.bufferMaxRecords(), config.bufferMaxBytes()),
                new BulkSender(transport, template, new Backoff(config.retryBackoffMs(), config.retryBackoffMaxMs()),
                        config.retryMaxDurationMs(), config.onMalformed(), reporter, Thread::sleep, stats));
        LOG.info("Elasticsearch sink task started for index '{}' at {}", config.index(), config.urls());
    }

    @Override
    protected byte[] encode(final SinkRecord r) {
        if (r.value() != null) {
            return documents.indexItem(r);
        }
        switch (onNull) {
            case DELETE :
                return documents.deleteItem(r);
            case FAIL :
                throw new ConnectException("record " + r.topic() + "-" + r.kafkaPartition() + "@" + r.kafkaOffset()
                        + " has a null value; set behavior.on.null.values=ignore or delete to accept such records");
            default :
                return null;
        }
    }

    @Override
    protected void stopped() {
        if (stats != null) {
            LOG.info("Elasticsearch sink task stopped: {} documents in {} requests, {} items and {} requests "
                    + "retried, {} requests split as too large, {} malformed", stats.indexed, stats.requests,
                    stats.retriedItems, stats.retriedRequests, stats.splitRequests, stats.malformed);
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
