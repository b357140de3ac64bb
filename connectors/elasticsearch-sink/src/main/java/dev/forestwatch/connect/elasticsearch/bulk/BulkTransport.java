package dev.forestwatch.connect.elasticsearch.bulk;

import java.io.IOException;

/** Where _bulk bodies go; the real one is {@link RestClientTransport}, tests use a scripted one. */
public interface BulkTransport extends AutoCloseable {

    /** An HTTP answer: status and body. */
    record Response(int status, byte[] body) {
    }

    /** POSTs an NDJSON body to /_bulk; throws only when there was no answer at all. */
    Response bulk(byte[] body) throws IOException;

    /** PUTs a JSON body to a path (templates); same contract. */
    Response put(String path, byte[] body) throws IOException;

    @Override
    void close() throws IOException;
}
