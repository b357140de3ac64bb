package dev.forestwatch.connect.common;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.UUID;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;

/**
 * The AWS settings every forestwatch connector shares (region, credentials, assume-role, endpoints), as one config
 * fragment: a connector's ConfigDef adds them with {@link #addTo} and reads them through this class, so the Kinesis
 * source and the Firehose sink agree on names, validation and behaviour.
 */
public final class AwsConfig {

    public static final String REGION_CONFIG = "aws.region";
    private static final String REGION_DOC = "AWS region, e.g. us-east-1. Empty: the SDK's default region chain "
            + "(AWS_REGION, profile, instance metadata).";
    public static final String ACCESS_KEY_ID_CONFIG = "aws.access.key.id";
    private static final String ACCESS_KEY_ID_DOC = "Static access key id. Empty (the default): the SDK's default "
            + "credentials chain (environment, profile, web identity, container or instance role).";
    public static final String SECRET_ACCESS_KEY_CONFIG = "aws.secret.access.key";
    private static final String SECRET_ACCESS_KEY_DOC = "Static secret access key, with aws.access.key.id.";
    public static final String SESSION_TOKEN_CONFIG = "aws.session.token";
    private static final String SESSION_TOKEN_DOC = "Session token for temporary static credentials (optional).";
    public static final String ROLE_ARN_CONFIG = "aws.sts.role.arn";
    private static final String ROLE_ARN_DOC = "Role to assume with STS on top of the credentials above, e.g. "
            + "arn:aws:iam::123456789012:role/forestwatch. Empty: no role.";
    public static final String ROLE_SESSION_NAME_CONFIG = "aws.sts.role.session.name";
    private static final String ROLE_SESSION_NAME_DOC = "Session name for the assumed role (default: forestwatch-<random>).";
    public static final String ROLE_EXTERNAL_ID_CONFIG = "aws.sts.role.external.id";
    private static final String ROLE_EXTERNAL_ID_DOC = "External id the role's trust policy requires (optional).";
    public static final String STS_ENDPOINT_CONFIG = "aws.sts.endpoint";
    private static final String STS_ENDPOINT_DOC = "STS endpoint override, e.g. for a VPC endpoint (optional).";

    private final AbstractConfig config;

    public AwsConfig(final AbstractConfig config) {
        this.config = config;
        validate();
    }

    /** Adds the shared AWS keys to a connector's ConfigDef, in their own group. */
    public static ConfigDef addTo(final ConfigDef def, final String group) {
        int order = 0;
        def.define(REGION_CONFIG, Type.STRING, "", Importance.HIGH, REGION_DOC, group, ++order, Width.SHORT, "Region");
        def.define(ACCESS_KEY_ID_CONFIG, Type.PASSWORD, "", Importance.MEDIUM, ACCESS_KEY_ID_DOC, group, ++order,
                Width.MEDIUM, "Access key id");
        def.define(SECRET_ACCESS_KEY_CONFIG, Type.PASSWORD, "", Importance.MEDIUM, SECRET_ACCESS_KEY_DOC, group,
                ++order, Width.MEDIUM, "Secret access key");
        def.define(SESSION_TOKEN_CONFIG, Type.PASSWORD, "", Importance.LOW, SESSION_TOKEN_DOC, group, ++order,
                Width.MEDIUM, "Session token");
        def.define(ROLE_ARN_CONFIG, Type.STRING, "", Importance.MEDIUM, ROLE_ARN_DOC, group, ++order, Width.LONG,
                "Role ARN");
        def.define(ROLE_SESSION_NAME_CONFIG, Type.STRING, "", Importance.LOW, ROLE_SESSION_NAME_DOC, group, ++order,
                Width.MEDIUM, "Role session name");
        def.define(ROLE_EXTERNAL_ID_CONFIG, Type.PASSWORD, "", Importance.LOW, ROLE_EXTERNAL_ID_DOC, group, ++order,
                Width.MEDIUM, "Role external id");
        def.define(STS_ENDPOINT_CONFIG, Type.STRING, "", new EndpointValidator(), Importance.LOW, STS_ENDPOINT_DOC,
                group, ++order, Width.LONG, "STS endpoint");
        return def;
    }

    /** Adds an endpoint override key for one service, e.g. {@code aws.firehose.endpoint}. */
    public static ConfigDef addEndpoint(final ConfigDef def, final String key, final String service,
            final String group, final int order) {
        return def.define(key, Type.STRING, "", new EndpointValidator(), Importance.LOW, service
                + " endpoint override, e.g. http://localhost:4566 for LocalStack or a VPC endpoint. Empty: the "
                + "region's public endpoint.", group, order, Width.LONG, service + " endpoint");
    }

    private void validate() {
        final boolean hasId = !secret(ACCESS_KEY_ID_CONFIG).isEmpty();
        final boolean hasSecret = !secret(SECRET_ACCESS_KEY_CONFIG).isEmpty();
        if (hasId != hasSecret) {
            // never echo the value: it is a secret
            throw new ConfigException(hasId ? SECRET_ACCESS_KEY_CONFIG : ACCESS_KEY_ID_CONFIG, "[hidden]",
                    "set both " + ACCESS_KEY_ID_CONFIG + " and " + SECRET_ACCESS_KEY_CONFIG + ", or neither");
        }
        final String arn = config.getString(ROLE_ARN_CONFIG);
        if (!arn.isEmpty() && !arn.startsWith("arn:")) {
            throw new ConfigException(ROLE_ARN_CONFIG, arn, "not an ARN (arn:aws:iam::<account>:role/<name>)");
        }
    }

    /** The region, or null for the SDK's default chain. */
    public Region region() {
        final String r = config.getString(REGION_CONFIG);
        return r.isEmpty() ? null : Region.of(r.toLowerCase(Locale.ROOT));
    }

    /** An endpoint override set with {@link #addEndpoint}, or null. */
    public URI endpoint(final String key) {
        final String e = config.getString(key);
        return e.isEmpty() ? null : URI.create(e);
    }

    /** Static keys if set, else the default chain; then the role on top, if one is set. */
    public AwsCredentialsProvider credentialsProvider() {
        final AwsCredentialsProvider base;
        if (secret(ACCESS_KEY_ID_CONFIG).isEmpty()) {
            base = DefaultCredentialsProvider.builder().build();
        } else if (secret(SESSION_TOKEN_CONFIG).isEmpty()) {
            base = StaticCredentialsProvider.create(AwsBasicCredentials.create(secret(ACCESS_KEY_ID_CONFIG),
                    secret(SECRET_ACCESS_KEY_CONFIG)));
        } else {
            base = StaticCredentialsProvider.create(AwsSessionCredentials.create(secret(ACCESS_KEY_ID_CONFIG),
                    secret(SECRET_ACCESS_KEY_CONFIG), secret(SESSION_TOKEN_CONFIG)));
        }
        final String arn = config.getString(ROLE_ARN_CONFIG);
        if (arn.isEmpty()) {
            return base;
        }
        final var sts = StsClient.builder().credentialsProvider(base).httpClient(UrlConnectionHttpClient.create());
        if (region() != null) {
            sts.region(region());
        }
        if (endpoint(STS_ENDPOINT_CONFIG) != null) {
            sts.endpointOverride(endpoint(STS_ENDPOINT_CONFIG));
        }
        final String session = config.getString(ROLE_SESSION_NAME_CONFIG);
        final AssumeRoleRequest.Builder request = AssumeRoleRequest.builder().roleArn(arn)
                .roleSessionName(session.isEmpty()
                        ? "forestwatch-" + UUID.randomUUID().toString().substring(0, 8)
                        : session);
        if (!secret(ROLE_EXTERNAL_ID_CONFIG).isEmpty()) {
            request.externalId(secret(ROLE_EXTERNAL_ID_CONFIG));
        }
        return StsAssumeRoleCredentialsProvider.builder().stsClient(sts.build()).refreshRequest(request.build())
                .build();
    }

    private String secret(final String key) {
        final Password p = config.getPassword(key);
        return p == null ? "" : p.value();
    }

    /** Accepts empty or an absolute http(s) URI. */
    static final class EndpointValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(final String name, final Object value) {
            final String v = value == null ? "" : value.toString();
            if (v.isEmpty()) {
                return;
            }
            try {
                final URI u = new URI(v);
                if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
                        || u.getHost() == null) {
                    throw new ConfigException(name, v, "must be an http(s) URL such as https://host:443");
                }
            } catch (URISyntaxException e) {
                throw new ConfigException(name, v, "not a URL: " + e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "empty or an http(s) URL";
        }
    }
}
