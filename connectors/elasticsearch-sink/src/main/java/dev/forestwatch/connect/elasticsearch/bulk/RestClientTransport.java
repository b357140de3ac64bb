package dev.forestwatch.connect.elasticsearch.bulk;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequestInterceptor;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.entity.ContentType;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.apache.http.message.BasicHeader;
import org.apache.http.nio.entity.NByteArrayEntity;
import org.apache.http.ssl.SSLContextBuilder;
import org.apache.http.util.EntityUtils;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.ConnectException;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;

/**
 * The official low-level Elasticsearch REST client, with basic, API-key or AWS SigV4 auth and an optional
 * truststore. It speaks to Elasticsearch 7.10+/8.x and OpenSearch 1.x/2.x alike: the sink's requests (_bulk,
 * composable _index_template, data streams) are the same on both.
 */
public final class RestClientTransport implements BulkTransport {

    private static final ContentType NDJSON = ContentType.create("application/x-ndjson", StandardCharsets.UTF_8);

    /**
     * Where and how to connect; empty strings for what is not set, and {@code requestSigner} null unless requests are
     * signed (AWS SigV4). Secrets are never logged.
     */
    public record Connection(List<URI> urls, String username, String password, String apiKey, String truststore,
            String truststorePassword, String truststoreType, HttpRequestInterceptor requestSigner) {

        @Override
        public String toString() {
            return urls.toString(); // never the secrets
        }
    }

    private static final String TRUSTSTORE_CONFIG = "ssl.truststore.location";

    private final RestClient client;

    public RestClientTransport(final Connection config) {
        final HttpHost[] hosts = config.urls().stream()
                .map((URI u) -> new HttpHost(u.getHost(), u.getPort() < 0 ? 9200 : u.getPort(), u.getScheme()))
                .toArray(HttpHost[]::new);
        final RestClientBuilder b = RestClient.builder(hosts)
                .setRequestConfigCallback(r -> r.setConnectTimeout(10_000).setSocketTimeout(120_000));
        if (!config.apiKey().isEmpty()) {
            b.setDefaultHeaders(new Header[]{new BasicHeader("Authorization", "ApiKey " + config.apiKey())});
        }
        final SSLContext ssl = config.truststore().isEmpty() ? null : sslContext(config);
        final HttpRequestInterceptor signer = config.requestSigner();
        b.setHttpClientConfigCallback(h -> {
            if (signer != null) {
                // last: after the client has set Host and Content-Type, which are signed
                h.addInterceptorLast(signer);
            }
            if (!config.username().isEmpty()) {
                final BasicCredentialsProvider creds = new BasicCredentialsProvider();
                creds.setCredentials(AuthScope.ANY, new UsernamePasswordCredentials(config.username(),
                        config.password()));
                h.setDefaultCredentialsProvider(creds);
            }
            if (ssl != null) {
                h.setSSLContext(ssl);
            }
            return h;
        });
        this.client = b.build();
    }

    private static SSLContext sslContext(final Connection config) {
        try (InputStream in = Files.newInputStream(Path.of(config.truststore()))) {
            final KeyStore ks = KeyStore.getInstance(config.truststoreType());
            ks.load(in, config.truststorePassword().toCharArray());
            return SSLContextBuilder.create().loadTrustMaterial(ks, null).build();
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(TRUSTSTORE_CONFIG, config.truststore(),
                    "cannot load it (" + e.getMessage() + "); check the path, ssl.truststore.type and the password");
        }
    }

    @Override
    public Response bulk(final byte[] body) throws IOException {
        final Request r = new Request("POST", "/_bulk");
        r.setEntity(new NByteArrayEntity(body, NDJSON));
        return perform(r);
    }

    @Override
    public Response put(final String path, final byte[] body) throws IOException {
        final Request r = new Request("PUT", path);
        r.setEntity(new NByteArrayEntity(body, ContentType.APPLICATION_JSON));
        return perform(r);
    }

    private Response perform(final Request r) throws IOException {
        try {
            final org.elasticsearch.client.Response resp = client.performRequest(r);
            return new Response(resp.getStatusLine().getStatusCode(), EntityUtils.toByteArray(resp.getEntity()));
        } catch (ResponseException e) {
            final var resp = e.getResponse();
            return new Response(resp.getStatusLine().getStatusCode(),
                    resp.getEntity() == null ? new byte[0] : EntityUtils.toByteArray(resp.getEntity()));
        } catch (SSLHandshakeException e) {
            // an untrusted certificate is no outage: retrying it for retry.max.duration.ms would only hide the cause
            if (untrustedCertificate(e)) {
                throw new ConnectException("Elasticsearch's TLS certificate is not trusted (" + e.getMessage()
                        + "): set " + TRUSTSTORE_CONFIG + " (with ssl.truststore.password and "
                        + "ssl.truststore.type) to a truststore holding the "
                        + "certificate of the cluster's CA", e);
            }
            throw e;
        }
    }

    private static boolean untrustedCertificate(final Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof CertificateException || c instanceof CertPathValidatorException
                    || c instanceof CertPathBuilderException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
