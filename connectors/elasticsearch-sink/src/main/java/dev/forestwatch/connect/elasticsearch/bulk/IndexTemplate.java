package dev.forestwatch.connect.elasticsearch.bulk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * The index template that types the scored records before the first document creates the index: without it,
 * dynamic mapping guesses (a first ANOMALY_SCORE of 0 makes the field a long, and later 0.83 is truncated).
 */
public final class IndexTemplate {

    private final BulkTransport transport;
    private final String index;
    private final int replicas;
    private final String refreshInterval;
    private final boolean dataStream;
    private final boolean serverless;
    private volatile boolean installed;

    /** @param refreshInterval the indices' refresh_interval, e.g. "250ms"; empty for the server's default (1s) */
    public IndexTemplate(final BulkTransport transport, final String index, final int replicas,
            final String refreshInterval, final boolean dataStream) {
        this(transport, index, replicas, refreshInterval, dataStream, false);
    }

    /**
     * @param serverless for OpenSearch Serverless, which manages shards, replicas and refresh itself and refuses
     *        those index settings: the template then holds only the mappings
     */
    public IndexTemplate(final BulkTransport transport, final String index, final int replicas,
            final String refreshInterval, final boolean dataStream, final boolean serverless) {
        this.serverless = serverless;
        this.transport = transport;
        this.index = index;
        this.replicas = replicas;
        this.refreshInterval = refreshInterval == null ? "" : refreshInterval;
        this.dataStream = dataStream;
    }

    public String body() {
        return "{\"index_patterns\":[\"" + index + "\",\"" + index + "-*\"],\"priority\":200,"
                + (dataStream ? "\"data_stream\":{}," : "")
                + "\"template\":{" + (serverless
                        ? ""
                        : "\"settings\":{\"number_of_replicas\":" + replicas
                                + (refreshInterval.isEmpty() ? "" : ",\"refresh_interval\":\"" + refreshInterval + "\"")
                                + "},")
                + "\"mappings\":{"
                // the streams app's forecast band: one number per value field under each of these objects
                + "\"dynamic_templates\":[{\"forecast\":{\"path_match\":\"EXPECTED_VALUE.*\","
                + "\"match_mapping_type\":\"double\",\"mapping\":{\"type\":\"double\"}}},"
                + "{\"band\":{\"path_match\":\"*_BAND.*\",\"match_mapping_type\":\"double\","
                + "\"mapping\":{\"type\":\"double\"}}}],"
                + "\"properties\":{"
                + "\"@timestamp\":{\"type\":\"date\"},"
                + "\"ANOMALY_SCORE\":{\"type\":\"double\"},\"ANOMALY_GRADE\":{\"type\":\"double\"},"
                + "\"ANOMALY_CONFIDENCE\":{\"type\":\"double\"},"
                + "\"created\":{\"type\":\"date\"},\"APPROXIMATE_ARRIVAL_TIME\":{\"type\":\"date\"},"
                + "\"iotName\":{\"type\":\"keyword\"},"
                + "\"iotValue\":{\"type\":\"double\"},\"isAnomaly\":{\"type\":\"boolean\"},"
                + "\"recordId\":{\"type\":\"keyword\"}}}},"
                + "\"_meta\":{\"created_by\":\"forestwatch elasticsearch sink\"}}";
    }

    /** Installs it once; throws IOException when Elasticsearch does not answer, so the caller retries. */
    public void ensure() throws IOException {
        if (installed) {
            return;
        }
        final BulkTransport.Response r = transport.put("/_index_template/forestwatch-" + index,
                body().getBytes(StandardCharsets.UTF_8));
        if (r.status() == 429 || r.status() >= 500) {
            throw new IOException("HTTP " + r.status() + " installing the index template");
        }
        if (r.status() == 401 || r.status() == 403) {
            throw BulkCall.refusedCredentials(r.status());
        }
        if (r.status() != 200) {
            throw new ConnectException("Elasticsearch refused the index template for '" + index + "' (HTTP "
                    + r.status() + "): " + new String(r.body(), StandardCharsets.UTF_8)
                    + ". Fix the cause or set index.template.enabled=false and manage the mapping yourself.");
        }
        installed = true;
    }
}
