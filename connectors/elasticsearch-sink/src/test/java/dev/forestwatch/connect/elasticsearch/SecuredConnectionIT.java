package dev.forestwatch.connect.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.forestwatch.local.server.EmbeddedElasticsearch;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
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

    @TempDir
    static Path dir;
    private static EmbeddedElasticsearch es;
    private static HttpsServer proxy;
    private static Path trusted;
    private static Path untrusted;
    private static int forwarded;

    @RegisterExtension
    final TaskHarness harness = new TaskHarness();

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
        proxy.createContext("/", SecuredConnectionIT::forward);
        proxy.start();
    }

    @AfterAll
    static void stop() throws Exception {
        TaskHarness.stop(proxy, es);
    }

    private static void forward(final HttpExchange exchange) throws IOException {
        try (exchange) {
            final String auth = exchange.getRequestHeaders().getFirst("Authorization");
            final boolean ok = ("Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD)
                    .getBytes(StandardCharsets.UTF_8))).equals(auth) || ("ApiKey " + API_KEY).equals(auth);
            if (!ok) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"security\"");
                TaskHarness.respond(exchange, 401,
                        "{\"error\":\"missing or wrong credentials\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            final HttpResponse<byte[]> resp = TaskHarness.forward(exchange, exchange.getRequestBody().readAllBytes(),
                    es.url());
            synchronized (SecuredConnectionIT.class) {
                forwarded++;
            }
            TaskHarness.respond(exchange, resp.statusCode(), resp.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
        final Map<String, String> c = TaskHarness.settings("https://127.0.0.1:" + proxy.getAddress().getPort(), index,
                3000);
        c.put(ElasticsearchSinkConfig.TRUSTSTORE_CONFIG, trusted.toString());
        c.put(ElasticsearchSinkConfig.TRUSTSTORE_PASSWORD_CONFIG, STORE_PASSWORD);
        return c;
    }

    @Test
    void basicAuthOverTlsWithTheTruststoreIndexes() {
        final Map<String, String> c = config("secured-basic");
        c.put(ElasticsearchSinkConfig.USERNAME_CONFIG, USER);
        c.put(ElasticsearchSinkConfig.PASSWORD_CONFIG, PASSWORD);
        harness.put(c, 50, 0);
        harness.awaitIndexed(es, "secured-basic", 50);
        assertThat(forwarded).isPositive();
    }

    @Test
    void anApiKeyOverTlsIndexes() {
        final Map<String, String> c = config("secured-apikey");
        c.put(ElasticsearchSinkConfig.API_KEY_CONFIG, API_KEY);
        harness.put(c, 20, 0);
        harness.awaitIndexed(es, "secured-apikey", 20);
    }

    @Test
    void aWrongPasswordFailsNamingTheCredentialSettings() {
        final Map<String, String> c = config("secured-wrong-password");
        c.put(ElasticsearchSinkConfig.USERNAME_CONFIG, USER);
        c.put(ElasticsearchSinkConfig.PASSWORD_CONFIG, "wrong");
        harness.put(c, 5, 0);
        assertThat(harness.awaitFailure()).contains("HTTP 401", "connection.username", "connection.password")
                .doesNotContain(PASSWORD);
    }

    @Test
    void aWrongApiKeyFailsNamingTheSetting() {
        final Map<String, String> c = config("secured-wrong-key");
        c.put(ElasticsearchSinkConfig.API_KEY_CONFIG, "bm90LWEta2V5");
        harness.put(c, 5, 0);
        assertThat(harness.awaitFailure()).contains("HTTP 401", "connection.api.key");
    }

    @Test
    void aServerCertificateTheTruststoreDoesNotHoldFailsNamingTheSetting() {
        final Map<String, String> c = config("secured-untrusted");
        c.put(ElasticsearchSinkConfig.USERNAME_CONFIG, USER);
        c.put(ElasticsearchSinkConfig.PASSWORD_CONFIG, PASSWORD);
        c.put(ElasticsearchSinkConfig.TRUSTSTORE_CONFIG, untrusted.toString());
        harness.put(c, 5, 0);
        assertThat(harness.awaitFailure()).contains("ssl.truststore.location");
    }

    @Test
    void httpsWithoutATruststoreFailsNamingTheSetting() {
        final Map<String, String> c = config("secured-no-truststore");
        c.remove(ElasticsearchSinkConfig.TRUSTSTORE_CONFIG);
        c.remove(ElasticsearchSinkConfig.TRUSTSTORE_PASSWORD_CONFIG);
        c.put(ElasticsearchSinkConfig.USERNAME_CONFIG, USER);
        c.put(ElasticsearchSinkConfig.PASSWORD_CONFIG, PASSWORD);
        harness.put(c, 5, 0);
        assertThat(harness.awaitFailure()).contains("ssl.truststore.location");
    }
}
