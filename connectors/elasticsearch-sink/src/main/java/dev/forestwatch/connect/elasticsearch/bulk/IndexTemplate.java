package dev.forestwatch.connect.elasticsearch.bulk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * The index template that types the scored records before the first document creates the index: without it,
 * dynamic mapping guesses (a first ANOMALY_SCORE of 0 makes the field a long, and later 0.83 is truncated).
 */
public final class IndexTemplate {

    /**
     * What the template says.
     *
     * @param index
     *            the index or data stream it applies to, with its rotated names
     * @param refreshInterval
     *            the indices' refresh_interval, e.g. "250ms"; empty for the server's default (1s)
     * @param serverless
     *            for OpenSearch Serverless, which manages shards, replicas and refresh itself and refuses those index
     *            settings: the template then holds only the mappings
     */
    public record Settings(String index, int replicas, String refreshInterval, boolean dataStream,
            boolean serverless) {

        public Settings {
            refreshInterval = refreshInterval == null ? "" : refreshInterval;
        }
    }

    private final BulkTransport transport;
    private final Settings settings;
    private volatile boolean installed;

    public IndexTemplate(final BulkTransport transport, final Settings settings) {
        this.transport = transport;
        this.settings = settings;
    }

    public String body() {
        final String index = settings.index();
        final String refreshInterval = settings.refreshInterval();
        return "{\"index_patterns\":[\"" + index + "\",\"" + index + "-*\"],\"priority\":200,"
                + (settings.dataStream() ? "\"data_stream\":{}," : "")
                + "\"template\":{" + (settings.serverless()
                        ? ""
                        : "\"settings\":{\"number_of_replicas\":" + settings.replicas()
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
        final BulkTransport.Response r = transport.put("/_index_template/forestwatch-" + settings.index(),
                body().getBytes(StandardCharsets.UTF_8));
        if (r.status() == 429 || r.status() >= 500) {
            throw new IOException("HTTP " + r.status() + " installing the index template");
        }
        if (r.status() == 401 || r.status() == 403) {
            throw BulkCall.refusedCredentials(r.status());
        }
        if (r.status() != 200) {
            throw new ConnectException("Elasticsearch refused the index template for '" + settings.index() + "' (HTTP "
                    + r.status() + "): " + new String(r.body(), StandardCharsets.UTF_8)
                    + ". Fix the cause or set index.template.enabled=false and manage the mapping yourself.");
        }
        installed = true;
    }
}
