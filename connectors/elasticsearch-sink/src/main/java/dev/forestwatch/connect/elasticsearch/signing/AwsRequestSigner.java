package dev.forestwatch.connect.elasticsearch.signing;

import dev.forestwatch.connect.common.AwsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.HttpEntityEnclosingRequest;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.HttpRequestInterceptor;
import org.apache.http.protocol.HttpContext;
import org.apache.http.protocol.HttpCoreContext;
import org.apache.kafka.common.config.ConfigException;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * Signs every request the REST client sends with AWS Signature Version 4, for Amazon OpenSearch Service ({@code es})
 * and OpenSearch Serverless ({@code aoss}), with the AWS SDK's own signer. It is an interceptor of the HTTP client,
 * not of the sink, so every attempt is signed afresh: a retry after a 429 or 5xx, a request the REST client moves to
 * another host, and a request that waited past the signature's 5-minute validity.
 *
 * <p>The body is hashed into {@code x-amz-content-sha256}, which Serverless requires and the managed service accepts;
 * the signer reads the same bytes the client sends (a repeatable entity), so a large _bulk body is not copied.
 */
public final class AwsRequestSigner implements HttpRequestInterceptor {

    public static final String CONTENT_SHA256 = "x-amz-content-sha256";
    /** What the HTTP client sets after this or changes on the way (hop-by-hop): never signed. */
    private static final List<String> UNSIGNED = List.of("connection", "user-agent", "expect", "content-length",
            "transfer-encoding", "authorization");

    /** search-x.eu-west-1.es.amazonaws.com, vpc-x.eu-west-1.es.amazonaws.com, x.eu-west-1.aoss.amazonaws.com */
    private static final Pattern AWS_HOST = Pattern
            .compile(".*\\.([a-z]{2}(?:-[a-z]+)+-\\d)\\.(?:es|aoss)\\.amazonaws\\.com");

    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final AwsCredentialsProvider credentials;
    private final String service;
    private final Region region;

    /** @param service the signing name: {@code es} or {@code aoss} */
    public AwsRequestSigner(final AwsCredentialsProvider credentials, final String service, final Region region) {
        this.credentials = credentials;
        this.service = service;
        this.region = region;
    }

    /**
     * The signer the sink's settings ask for: credentials and role from aws.*, region as documented there.
     *
     * @param service the signing name: {@code es} or {@code aoss}
     */
    public static AwsRequestSigner create(final AwsConfig aws, final String service, final List<URI> urls) {
        return new AwsRequestSigner(aws.credentialsProvider(), service, region(aws, urls));
    }

    /** aws.region; else the region in an AWS endpoint's host name; else the SDK's region chain. */
    static Region region(final AwsConfig aws, final List<URI> urls) {
        if (aws.region() != null) {
            return aws.region();
        }
        for (final URI u : urls) {
            final Matcher m = AWS_HOST.matcher(u.getHost());
            if (m.matches()) {
                return Region.of(m.group(1));
            }
        }
        try {
            return DefaultAwsRegionProviderChain.builder().build().getRegion();
        } catch (SdkClientException e) {
            throw new ConfigException(AwsConfig.REGION_CONFIG, "", "auth.type=aws-sigv4 needs the region of the "
                    + "domain or collection: set it, e.g. us-east-1 (" + e.getMessage() + ")");
        }
    }

    @Override
    public void process(final HttpRequest request, final HttpContext context) throws IOException {
        final HttpHost host = (HttpHost) context.getAttribute(HttpCoreContext.HTTP_TARGET_HOST);
        final URI uri = URI.create(request.getRequestLine().getUri());
        final SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(request.getRequestLine().getMethod()))
                .protocol(host.getSchemeName()).host(host.getHostName()).port(host.getPort())
                .encodedPath(uri.getRawPath());
        if (uri.getRawQuery() != null) {
            for (final String pair : uri.getRawQuery().split("&")) {
                final int eq = pair.indexOf('=');
                unsigned.appendRawQueryParameter(decode(eq < 0 ? pair : pair.substring(0, eq)),
                        eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        for (final Header h : request.getAllHeaders()) {
            if (!UNSIGNED.contains(h.getName().toLowerCase(java.util.Locale.ROOT))) {
                unsigned.appendHeader(h.getName(), h.getValue());
            }
        }
        final HttpEntity entity = request instanceof HttpEntityEnclosingRequest e ? e.getEntity() : null;
        final ContentStreamProvider body = entity == null ? null : () -> content(entity);
        unsigned.putHeader(CONTENT_SHA256, sha256(body));
        final SignedRequest signed = signer.sign(r -> r.identity(credentials.resolveCredentials())
                .request(unsigned.build()).payload(body)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region.id()));
        for (final Map.Entry<String, List<String>> h : signed.request().headers().entrySet()) {
            if (!"host".equalsIgnoreCase(h.getKey())) {
                request.setHeader(h.getKey(), h.getValue().get(0));
            }
        }
    }

    /** The hex SHA-256 of a body (of nothing when null), as SigV4 and the x-amz-content-sha256 header want it. */
    public static String sha256(final ContentStreamProvider body) throws IOException {
        final MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (body != null) {
            try (InputStream in = body.newStream()) {
                final byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) > 0;) {
                    digest.update(buffer, 0, n);
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static InputStream content(final HttpEntity entity) {
        try {
            return entity.getContent();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String decode(final String s) {
        return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
