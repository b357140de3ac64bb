package dev.forestwatch.connect.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.forestwatch.connect.common.send.SendConfig;
import dev.forestwatch.local.server.EmbeddedElasticsearch;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink's TLS and authentication against a live cluster. Neither the Elasticsearch nor the OpenSearch integ-test
 * zip on Maven Central ships a security plugin, so the secured cluster is the real Elasticsearch behind an HTTPS
 * reverse proxy in this JVM that demands basic auth or an API key, as a secured cluster does (401 with a Basic
 * challenge), with a self-signed certificate made by keytool. The real task and REST client talk to it.
 */
class SecuredConnectionIT {

    private static final String USER = "forestwatch";
    private static final String PASSWORD = "s3cret-pw";
    private static final String API_KEY = Base64.getEncoder()
            .encodeToString("key-id:key-secret".getBytes(StandardCharsets.UTF_8));
    private static final String STORE_PASSWORD = "changeit";
    private static final TopicPartition TP = new TopicPartition("scored", 0);

    @TempDir
    static Path dir;
    private static EmbeddedElasticsearch es;
    private static HttpsServer proxy;
    private static Path trusted;
    private static Path untrusted;
    private static int forwarded;

    private ElasticsearchSinkTask task;

    @BeforeAll
    static void start() throws Exception {
        es = EmbeddedElasticsearch.start();
        final Path serverStore = selfSigned("server");
        trusted = truststoreFor(serverStore, "trusted");
        untrusted = truststoreFor(selfSigned("stranger"), "untrusted");
        final KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(serverStore)) {
            ks.load(in, STORE_PASSWORD.toCharArray());
        }
        final KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, STORE_PASSWORD.toCharArray());
        final SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        proxy = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        proxy.setHttpsConfigurator(new HttpsConfigurator(ssl));
        final HttpClient upstream = HttpClient.newHttpClient();
        proxy.createContext("/", exchange -> forward(exchange, upstream));
        proxy.start();
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.stop(0);
        }
        if (es != null) {
            es.close();
        }
    }

    @AfterEach
    void stopTask() {
        if (task != null) {
            task.stop();
        }
    }

    private static void forward(final HttpExchange exchange, final HttpClient upstream) throws IOException {
        try (exchange) {
            final String auth = exchange.getRequestHeaders().getFirst("Authorization");
            final boolean ok = ("Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD)
                    .getBytes(StandardCharsets.UTF_8))).equals(auth) || ("ApiKey " + API_KEY).equals(auth);
            if (!ok) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"security\"");
                respond(exchange, 401, "{\"error\":\"missing or wrong credentials\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            final byte[] body = exchange.getRequestBody().readAllBytes();
            final HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(es.url() + exchange.getRequestURI()))
                    .method(exchange.getRequestMethod(), body.length == 0
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            final String type = exchange.getRequestHeaders().getFirst("Content-Type");
            if (type != null) {
                r.header("Content-Type", type);
            }
            final HttpResponse<byte[]> resp = upstream.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
            synchronized (SecuredConnectionIT.class) {
                forwarded++;
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            respond(exchange, resp.statusCode(), resp.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void respond(final HttpExchange exchange, final int status, final byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** A PKCS12 keystore with a fresh self-signed certificate for 127.0.0.1, made by the JDK's keytool. */
    private static Path selfSigned(final String name) throws Exception {
        final Path store = dir.resolve(name + ".p12");
        keytool("-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=" + name, "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
        return store;
    }

    private static Path truststoreFor(final Path keystore, final String name) throws Exception {
        final Path cert = dir.resolve(name + ".pem");
        final Path trust = dir.resolve(name + "-truststore.p12");
        keytool("-exportcert", "-rfc", "-alias", keystore.getFileName().toString().replace(".p12", ""),
                "-keystore", keystore.toString(), "-storepass", STORE_PASSWORD, "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", cert.toString(), "-keystore", trust.toString(),
                "-storetype", "PKCS12", "-storepass", STORE_PASSWORD);
        return trust;
    }

    private static void keytool(final String... args) throws Exception {
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("keytool %s: %s", cmd, out).isZero();
    }

    private Map<String, String> config(final String index) {
        final Map<String, String> c = new HashMap<>();
        c.put(ElasticsearchSinkConfig.URLS_CONFIG, "https://127.0.0.1:" + proxy.getAddress().getPort());
        c.put(ElasticsearchSinkConfig.INDEX_CONFIG, index);
        c.put(ElasticsearchSinkConfig.REPLICAS_CONFIG, "0");
        c.put(SendConfig.LINGER_MS_CONFIG, "0");
        c.put(SendConfig.RETRY_MAX_DURATION_MS_CONFIG, "3000");
        c.put(ElasticsearchSinkConfig.TRUSTSTORE_CONFIG, trusted.toString());
        c.put(ElasticsearchSinkConfig.TRUSTSTORE_PASSWORD_CONFIG, STORE_PASSWORD);
        return c;
    }

    private void put(final Map<String, String> config, final int n) {
        task = new ElasticsearchSinkTask();
        task.start(config);
        final List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(new SinkRecord(TP.topic(), TP.partition(), null, null, null,
                    "{\"iotName\":\"S\",\"iotValue\":" + i + ",\"ANOMALY_SCORE\":0.5,\"recordId\":\"r-" + i + "\"}",
                    i));
        }
        task.put(records);
    }

    private void awaitIndexed(final String index, final int n) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            final OffsetAndMetadata c = task.preCommit(Map.of(TP, new OffsetAndMetadata(n))).get(TP);
            return c != null && c.offset() == n;
        });
        es.refresh(index);
        assertThat(es.count(index)).isEqualTo(n);
    }

    /** The task's failure, which reaches it on its next call. */
    private String awaitFailure() {
        final String[] message = new String[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try {
                task.put(List.of());
                return false;
            } catch (ConnectException e) {
                message[0] = e.getMessage() + (e.getCause() == null ? "" : " / " + e.getCause());
                return true;
            }
        });
        return message[0];
    }

    @Test
    void basicAuthOverTlsWithTheTruststoreIndexes() {
        final Map<String, String> c = config("secured-basic");
        c.put(ElasticsearchSinkConfig.USERNAME_CONFIG, USER);
        c.put(ElasticsearchSinkConfig.PASSWORD_CONFIG, PASSWORD);
        put(c, 50);
        awaitIndexed("secured-basic", 50);
        assertThat(forwarded).isPositive();
    }

    @Test
    void anApiKeyOverTlsIndexes() {
        final Map<String, String> c = config("secured-apikey");
        c.put(ElasticsearchSinkConfig.API_KEY_CONFIG, API_KEY);
        put(c, 20);
        awaitIndexed("secured-apikey", 20);
    }

    @Test
    void aWrongPasswordFailsNamingTheCredentialSettings() {
        final Map<String, String> c = config("secured-wrong-password");
        c.put(ElasticsearchSinkConfig.USERNAME_CONFIG, USER);
        c.put(ElasticsearchSinkConfig.PASSWORD_CONFIG, "wrong");
        put(c, 5);
        assertThat(awaitFailure()).contains("HTTP 401", "connection.username", "connection.password")
                .doesNotContain(PASSWORD);
    }

    @Test
    void aWrongApiKeyFailsNamingTheSetting() {
        final Map<String, String> c = config("secured-wrong-key");
        c.put(ElasticsearchSinkConfig.API_KEY_CONFIG, "bm90LWEta2V5");
        put(c, 5);
        assertThat(awaitFailure()).contains("HTTP 401", "connection.api.key");
    }

    @Test
    void aServerCertificateTheTruststoreDoesNotHoldFailsNamingTheSetting() {
        final Map<String, String> c = config("secured-untrusted");
        c.put(ElasticsearchSinkConfig.USERNAME_CONFIG, USER);
        c.put(ElasticsearchSinkConfig.PASSWORD_CONFIG, PASSWORD);
        c.put(ElasticsearchSinkConfig.TRUSTSTORE_CONFIG, untrusted.toString());
        put(c, 5);
        assertThat(awaitFailure()).contains("ssl.truststore.location");
    }

    @Test
    void httpsWithoutATruststoreFailsNamingTheSetting() {
        final Map<String, String> c = config("secured-no-truststore");
        c.remove(ElasticsearchSinkConfig.TRUSTSTORE_CONFIG);
        c.remove(ElasticsearchSinkConfig.TRUSTSTORE_PASSWORD_CONFIG);
        c.put(ElasticsearchSinkConfig.USERNAME_CONFIG, USER);
        c.put(ElasticsearchSinkConfig.PASSWORD_CONFIG, PASSWORD);
        put(c, 5);
        assertThat(awaitFailure()).contains("ssl.truststore.location");
    }
}
