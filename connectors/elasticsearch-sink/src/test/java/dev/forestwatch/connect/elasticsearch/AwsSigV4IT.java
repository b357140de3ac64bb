package dev.forestwatch.connect.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.forestwatch.connect.common.send.SendConfig;
import dev.forestwatch.connect.elasticsearch.signing.AwsRequestSigner;
import dev.forestwatch.local.server.ElasticsearchDistribution;
import dev.forestwatch.local.server.EmbeddedElasticsearch;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * SigV4 as Amazon OpenSearch Service and OpenSearch Serverless check it, in front of a real OpenSearch 2.19: an HTTP
 * endpoint in this JVM recomputes each request's signature with the AWS SDK from what it received (method, path,
 * query, the signed headers, the body) and the test keys, answers 403 on any mismatch or a body whose hash differs
 * from x-amz-content-sha256, and otherwise forwards the request. It can answer 503 to a verified _bulk, so the
 * sink's retry must be signed afresh too. The real task and REST client talk to it.
 */
class AwsSigV4IT {

    private static final String KEY_ID = "AKIDFORESTWATCHTEST";
    private static final String SECRET = "forestwatch/test/secret/key/0123456789abcd";
    private static final String REGION = "eu-west-1";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    private static EmbeddedElasticsearch search;
    private static HttpServer endpoint;
    /** What the endpoint saw: one line per request, "VERIFIED|REJECTED service method path bytes status". */
    private static final ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger failNextBulks = new AtomicInteger();

    @RegisterExtension
    final TaskHarness harness = new TaskHarness();

    @BeforeAll
    static void start() throws IOException {
        search = EmbeddedElasticsearch.start(ElasticsearchDistribution.OPENSEARCH);
        endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        endpoint.createContext("/", AwsSigV4IT::verifyAndForward);
        endpoint.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        endpoint.start();
    }

    @AfterAll
    static void stop() throws Exception {
        TaskHarness.stop(endpoint, search);
    }

    @BeforeEach
    void clear() {
        seen.clear();
        failNextBulks.set(0);
    }

    private static void verifyAndForward(final HttpExchange exchange) throws IOException {
        try (exchange) {
            final byte[] body = exchange.getRequestBody().readAllBytes();
            final String auth = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
            final String service = auth.replaceFirst(".*Credential=[^/]+/\\d+/[^/]+/([^/]+)/aws4_request.*", "$1");
            final String line = service + " " + exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath()
                    + " " + body.length;
            if (!auth.equals(expectedAuthorization(exchange, body, service))) {
                seen.add("REJECTED " + line);
                TaskHarness.respond(exchange, 403,
                        "{\"message\":\"The request signature we calculated does not match\"}"
                                .getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (exchange.getRequestURI().getPath().equals("/_bulk") && failNextBulks.getAndDecrement() > 0) {
                seen.add("VERIFIED " + line + " 503");
                TaskHarness.respond(exchange, 503, "{\"message\":\"try again\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            final HttpResponse<byte[]> resp = TaskHarness.forward(exchange, body, search.url());
            seen.add("VERIFIED " + line + " " + resp.statusCode());
            TaskHarness.respond(exchange, resp.statusCode(), resp.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            seen.add("REJECTED " + e);
            TaskHarness.respond(exchange, 403, "{}".getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * The Authorization header the SDK computes for the request as received, with the test keys, at the time the
     * request says it was signed; empty when the body does not match its declared hash.
     */
    private static String expectedAuthorization(final HttpExchange exchange, final byte[] body, final String service)
            throws IOException {
        final var headers = exchange.getRequestHeaders();
        final String declared = headers.getFirst(AwsRequestSigner.CONTENT_SHA256);
        if (declared == null
                || !declared.equals(AwsRequestSigner.sha256(() -> new java.io.ByteArrayInputStream(body)))) {
            return "";
        }
        final String auth = headers.getFirst("Authorization");
        final String signedHeaders = auth.replaceFirst(".*SignedHeaders=([^,]+),.*", "$1");
        final URI uri = exchange.getRequestURI();
        final SdkHttpRequest.Builder request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(exchange.getRequestMethod())).protocol("http").host("127.0.0.1")
                .port(endpoint.getAddress().getPort()).encodedPath(uri.getRawPath());
        for (final String name : signedHeaders.split(";")) {
            if (!name.equals("x-amz-date")) {
                request.putHeader(name, headers.get(name));
            }
        }
        final Clock at = Clock.fixed(LocalDateTime.parse(headers.getFirst("X-Amz-Date"), AMZ_DATE)
                .toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
        final SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsBasicCredentials.create(KEY_ID, SECRET)).request(request.build())
                .payload(() -> new java.io.ByteArrayInputStream(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, REGION).putProperty(AwsV4HttpSigner.SIGNING_CLOCK, at));
        return signed.request().firstMatchingHeader("Authorization").orElse("");
    }

    private Map<String, String> config(final String index, final String service) {
        final Map<String, String> c = TaskHarness.settings("http://127.0.0.1:" + endpoint.getAddress().getPort(), index,
                20_000);
        c.put(ElasticsearchSinkConfig.AUTH_TYPE_CONFIG, "aws-sigv4");
        c.put(ElasticsearchSinkConfig.AWS_SERVICE_CONFIG, service);
        c.put("aws.region", REGION);
        c.put("aws.access.key.id", KEY_ID);
        c.put("aws.secret.access.key", SECRET);
        return c;
    }

    @Test
    void everyRequestOfAManagedDomainIsSignedIncludingARetryAndASixMegabyteBulk() {
        failNextBulks.set(1);
        final Map<String, String> c = config("signed-es", "es");
        c.put(SendConfig.BATCH_MAX_BYTES_CONFIG, Integer.toString(16 * 1024 * 1024));
        c.put(SendConfig.BATCH_MAX_RECORDS_CONFIG, "10000");
        c.put(SendConfig.LINGER_MS_CONFIG, "2000"); // the 6,000 records as one request
        harness.put(c, 6000, 1000);
        harness.awaitIndexed(search, "signed-es", 6000);
        assertThat(seen).noneMatch(s -> s.startsWith("REJECTED"));
        assertThat(seen).anyMatch(s -> s.startsWith("VERIFIED es PUT /_index_template/forestwatch-signed-es"));
        final List<String> bulks = seen.stream().filter(s -> s.contains(" /_bulk ")).toList();
        // the 6.7 MB request refused with 503 once, then signed again and taken
        assertThat(bulks).hasSize(2);
        assertThat(bulks.get(0)).endsWith(" 503");
        assertThat(bulks.get(1)).endsWith(" 200");
        assertThat(bulks).allMatch(s -> Long.parseLong(s.split(" ")[4]) > 6_000_000L, "a bulk of over 6 MB");
        System.err.println("AwsSigV4IT requests: " + seen);
    }

    @Test
    void serverlessRequestsAreSignedForAossAndTheTemplateLeavesTheSettingsToTheService() {
        harness.put(config("signed-aoss", "aoss"), 200, 10);
        harness.awaitIndexed(search, "signed-aoss", 200);
        assertThat(seen).isNotEmpty().allMatch(s -> s.startsWith("VERIFIED aoss "));
        assertThat(search.get("/_index_template/forestwatch-signed-aoss").path("index_templates").get(0)
                .path("index_template").path("template").has("settings")).isFalse();
    }

    @Test
    void aWrongSecretKeyIsRefusedAndTheTaskFailsNamingTheAwsSettings() {
        final Map<String, String> c = config("signed-wrong", "es");
        c.put("aws.secret.access.key", "not-the-secret");
        harness.put(c, 5, 10);
        final String message = harness.awaitFailure();
        assertThat(message).contains("HTTP 403", "aws.region", "aws.service").doesNotContain("not-the-secret");
        assertThat(seen).isNotEmpty().allMatch(s -> s.startsWith("REJECTED"));
    }
}
