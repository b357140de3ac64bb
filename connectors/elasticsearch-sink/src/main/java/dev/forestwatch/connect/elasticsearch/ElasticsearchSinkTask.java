package dev.forestwatch.connect.elasticsearch;

import dev.forestwatch.connect.common.EnumSetting;
import dev.forestwatch.connect.common.send.RefusalPolicy;
import dev.forestwatch.connect.common.sink.BatchingSinkTask;
import dev.forestwatch.connect.elasticsearch.bulk.BulkCall;
import dev.forestwatch.connect.elasticsearch.bulk.BulkTransport;
import dev.forestwatch.connect.elasticsearch.bulk.DocumentBuilder;
import dev.forestwatch.connect.elasticsearch.bulk.DocumentOrder;
import dev.forestwatch.connect.elasticsearch.bulk.IndexTemplate;
import dev.forestwatch.connect.elasticsearch.bulk.RestClientTransport;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Records to _bulk items sent by a {@link BulkCall}; commits only what Elasticsearch acknowledged. */
public final class ElasticsearchSinkTask extends BatchingSinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(ElasticsearchSinkTask.class);

    private DocumentBuilder documents;
    private ElasticsearchSinkConfig.OnNull onNull;

    @Override
    public void start(final Map<String, String> props) {
        final ElasticsearchSinkConfig config = new ElasticsearchSinkConfig(props);
        start(config, new RestClientTransport(config.connection()));
    }

    /** Visible for testing: a given transport. */
    void start(final ElasticsearchSinkConfig config, final BulkTransport transport) {
        final String setting = ElasticsearchSinkConfig.ON_MALFORMED_CONFIG;
        final RefusalPolicy refusals = new RefusalPolicy("Elasticsearch", config.onMalformed(), setting,
                EnumSetting.name(config.onMalformed()), ElasticsearchSinkConfig.SKIP_CHOICES,
                reporterFor(config.onMalformed(), setting, ElasticsearchSinkConfig.SKIP_CHOICES));
        this.onNull = config.onNull();
        this.documents = new DocumentBuilder(config.documents());
        final IndexTemplate template = config.templateEnabled()
                ? new IndexTemplate(transport, config.template())
                : null;
        startSending("Elasticsearch", config.send(), new BulkCall(transport, template), refusals, DocumentOrder::key,
                transport);
        LOG.info("Elasticsearch sink task started for index '{}' at {}", config.index(), config.urls());
    }

    @Override
    protected byte[] encode(final SinkRecord r) {
        if (r.value() != null) {
            return documents.indexItem(r);
        }
        switch (onNull) {
            case DELETE:
                return documents.deleteItem(r);
            case FAIL:
                throw new ConnectException("record " + r.topic() + "-" + r.kafkaPartition() + "@" + r.kafkaOffset()
                        + " has a null value; set behavior.on.null.values=ignore or delete to accept such records");
            default:
                return null;
        }
    }
}
