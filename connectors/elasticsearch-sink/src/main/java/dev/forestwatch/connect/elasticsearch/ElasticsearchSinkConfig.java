package dev.forestwatch.connect.elasticsearch;

import dev.forestwatch.connect.common.AwsConfig;
import dev.forestwatch.connect.common.EnumSetting;
import dev.forestwatch.connect.common.send.OnRefusal;
import dev.forestwatch.connect.common.send.SendConfig;
import dev.forestwatch.connect.elasticsearch.bulk.DocumentBuilder;
import dev.forestwatch.connect.elasticsearch.bulk.IndexTemplate;
import dev.forestwatch.connect.elasticsearch.bulk.RestClientTransport;
import dev.forestwatch.connect.elasticsearch.bulk.Rotation;
import dev.forestwatch.connect.elasticsearch.signing.AwsRequestSigner;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/** Settings of the Elasticsearch sink; defaults follow the seed's Firehose delivery (index anomalydata, 300 s). */
public final class ElasticsearchSinkConfig extends AbstractConfig {

    private static final String GROUP_CONNECTION = "Connection";
    private static final String GROUP_SECURITY = "Security";
    private static final String GROUP_AWS = "AWS request signing (auth.type=aws-sigv4)";
    private static final String GROUP_DOCUMENTS = "Documents";
    private static final String GROUP_BATCHING = "Batching";
    private static final String GROUP_ERRORS = "Retries and errors";

    public static final String URLS_CONFIG = "connection.urls";
    private static final String URLS_DOC = "Elasticsearch (or OpenSearch) HTTP endpoints, comma separated, e.g. https://es1:9200,https://es2:9200.";
    public static final String AUTH_TYPE_CONFIG = "auth.type";
    private static final String AUTH_TYPE_DOC = "basic: connection.username/password or connection.api.key, or no authentication when those are empty. aws-sigv4: sign every request with AWS Signature Version 4 (IAM), as Amazon OpenSearch Service and OpenSearch Serverless require; credentials, region and role come from the aws.* settings.";
    public static final String AWS_SERVICE_CONFIG = "aws.service";
    private static final String AWS_SERVICE_DOC = "The service signed for with auth.type=aws-sigv4: es for an Amazon OpenSearch Service domain, aoss for an OpenSearch Serverless collection (the template then carries no replicas or refresh settings, which Serverless manages itself). aws.region, when empty, is read from an endpoint such as https://search-x.eu-west-1.es.amazonaws.com, else from the SDK's region chain.";
    public static final String USERNAME_CONFIG = "connection.username";
    private static final String USERNAME_DOC = "User for basic authentication (empty: none).";
    public static final String PASSWORD_CONFIG = "connection.password";
    private static final String PASSWORD_DOC = "Password for basic authentication.";
    public static final String API_KEY_CONFIG = "connection.api.key";
    private static final String API_KEY_DOC = "API key, the base64 'id:api_key' value Elasticsearch returns as 'encoded' (empty: none). Not together with a username.";
    public static final String TRUSTSTORE_CONFIG = "ssl.truststore.location";
    private static final String TRUSTSTORE_DOC = "Truststore (PKCS12 or JKS) with the CA of an https endpoint signed by a private CA. Empty: the JVM's default trust.";
    public static final String TRUSTSTORE_PASSWORD_CONFIG = "ssl.truststore.password";
    private static final String TRUSTSTORE_PASSWORD_DOC = "Password of the truststore.";
    public static final String TRUSTSTORE_TYPE_CONFIG = "ssl.truststore.type";
    private static final String TRUSTSTORE_TYPE_DOC = "PKCS12 or JKS.";

    public static final String INDEX_CONFIG = "index";
    private static final String INDEX_DOC = "Index (or data stream) to write to, as the seed's Firehose delivered to 'anomalydata'.";
    public static final String ROTATION_CONFIG = "index.rotation";
    private static final String ROTATION_DOC = "Append the record's period to the index name, like Firehose's rotation: none, hourly (<index>-yyyy-MM-dd-HH), daily (<index>-yyyy-MM-dd), weekly (<index>-yyyy-ww), monthly (<index>-yyyy-MM), from the record timestamp in UTC.";
    public static final String DATA_STREAM_CONFIG = "data.stream";
    private static final String DATA_STREAM_DOC = "Write to a data stream named by 'index' (documents must carry @timestamp; the template makes it a data stream). Documents are created, so a replayed one is a no-op conflict instead of a duplicate.";
    public static final String TEMPLATE_CONFIG = "index.template.enabled";
    private static final String TEMPLATE_DOC = "Install an index template at start so ANOMALY_SCORE is a double, created a date, iotName a keyword and replicas as set below, before the first document creates the index.";
    public static final String REFRESH_INTERVAL_CONFIG = "index.refresh.interval";
    private static final String REFRESH_INTERVAL_DOC = "refresh_interval in the template, e.g. 250ms: how soon an indexed document is searchable. Empty (the default) keeps the server's 1s; shorter costs the cluster indexing throughput, which matters at high rates only.";
    public static final String REPLICAS_CONFIG = "index.replicas";
    private static final String REPLICAS_DOC = "Replicas in the template. 0 for a single-node cluster (else it stays yellow, the seed's 'yellow health' problem).";
    public static final String ID_FIELD_CONFIG = "document.id.field";
    private static final String ID_FIELD_DOC = "Top-level value field holding the document id; the streams app writes a stable recordId, so a replay overwrites instead of duplicating. Empty: not used.";
    public static final String ID_HEADER_CONFIG = "document.id.header";
    private static final String ID_HEADER_DOC = "Record header holding the document id, tried before the field. Empty: not used.";
    public static final String ID_FROM_KEY_CONFIG = "document.id.from.key";
    private static final String ID_FROM_KEY_DOC = "Use the record key as document id when neither header nor field gives one. Without any id, topic+partition+offset is used, which is also replay-safe.";

    public static final String ON_MALFORMED_CONFIG = "behavior.on.malformed.documents";
    private static final String ON_MALFORMED_DOC = "A document Elasticsearch refuses (mapping conflict, malformed JSON): fail the task, warn (log and skip), ignore (skip), or report it with the server's reason to the dead-letter topic (errors.deadletterqueue.topic.name with errors.tolerance=all), the seed's 'failed documents only' backup.";
    public static final String ON_NULL_CONFIG = "behavior.on.null.values";
    private static final String ON_NULL_DOC = "A record with a null value: ignore it, delete the document with its id, or fail.";

    /** A record with a null value. */
    public enum OnNull {
        IGNORE, DELETE, FAIL
    }

    /** How requests authenticate. */
    public enum Auth implements EnumSetting.Spelled {
        /** connection.username/password or connection.api.key, or nothing when they are empty. */
        BASIC("basic"),
        /** AWS Signature Version 4 with the aws.* credentials. */
        AWS_SIGV4("aws-sigv4");

        private final String spelling;

        Auth(final String spelling) {
            this.spelling = spelling;
        }

        @Override
        public String spelling() {
            return spelling;
        }
    }

    /** The signing name of the AWS service behind the endpoint. */
    public enum AwsService {
        /** Amazon OpenSearch Service (managed domains, also those running Elasticsearch). */
        ES,
        /** Amazon OpenSearch Serverless collections. */
        AOSS
    }

    private static final EnumSetting<Auth> AUTH = EnumSetting.of(Auth.class);
    private static final EnumSetting<AwsService> AWS_SERVICE = EnumSetting.of(AwsService.class);
    private static final EnumSetting<Rotation> ROTATION = EnumSetting.of(Rotation.class);
    private static final EnumSetting<OnRefusal> ON_MALFORMED = EnumSetting.of(OnRefusal.class);
    private static final EnumSetting<OnNull> ON_NULL = EnumSetting.of(OnNull.class);
    /** The values of behavior.on.malformed.documents that skip a document, for messages. */
    public static final List<String> SKIP_CHOICES = List.of("warn", "ignore");

    private static final SendConfig.Defaults SEND_DEFAULTS = new SendConfig.Defaults("_bulk request", 2000, 100_000,
            "", 5 * 1024 * 1024, 1024, 100 * 1024 * 1024, " (Firehose's Elasticsearch buffer in the seed: 1 MB)",
            1000L, 600_000L, 2, 1, 1024L, "429, 5xx, connection failures");

    public static final ConfigDef CONFIG_DEF = configDef();

    private static ConfigDef configDef() {
        final ConfigDef def = new ConfigDef();
        int o = 0;
        def.define(URLS_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, new UrlsValidator(), Importance.HIGH, URLS_DOC,
                GROUP_CONNECTION, ++o, Width.LONG, "URLs");
        o = 0;
        def.define(USERNAME_CONFIG, Type.STRING, "", Importance.MEDIUM, USERNAME_DOC, GROUP_SECURITY, ++o, Width.SHORT,
                "Username");
        def.define(PASSWORD_CONFIG, Type.PASSWORD, "", Importance.MEDIUM, PASSWORD_DOC, GROUP_SECURITY, ++o,
                Width.SHORT, "Password");
        def.define(API_KEY_CONFIG, Type.PASSWORD, "", Importance.MEDIUM, API_KEY_DOC, GROUP_SECURITY, ++o, Width.MEDIUM,
                "API key");
        def.define(TRUSTSTORE_CONFIG, Type.STRING, "", Importance.MEDIUM, TRUSTSTORE_DOC, GROUP_SECURITY, ++o,
                Width.LONG, "Truststore");
        def.define(TRUSTSTORE_PASSWORD_CONFIG, Type.PASSWORD, "", Importance.MEDIUM, TRUSTSTORE_PASSWORD_DOC,
                GROUP_SECURITY, ++o, Width.SHORT, "Truststore password");
        def.define(TRUSTSTORE_TYPE_CONFIG, Type.STRING, "PKCS12", ConfigDef.ValidString.in("PKCS12", "JKS"),
                Importance.LOW, TRUSTSTORE_TYPE_DOC, GROUP_SECURITY, ++o, Width.SHORT, "Truststore type");
        def.define(AUTH_TYPE_CONFIG, Type.STRING, "basic", AUTH, Importance.HIGH,
                AUTH_TYPE_DOC, GROUP_SECURITY, ++o, Width.SHORT, "Authentication", AUTH);
        def.define(AWS_SERVICE_CONFIG, Type.STRING, "es", AWS_SERVICE,
                Importance.MEDIUM, AWS_SERVICE_DOC, GROUP_AWS, 0, Width.SHORT, "AWS service", AWS_SERVICE);
        AwsConfig.addTo(def, GROUP_AWS);
        o = 0;
        def.define(INDEX_CONFIG, Type.STRING, "anomalydata", new ConfigDef.NonEmptyString(), Importance.HIGH, INDEX_DOC,
                GROUP_DOCUMENTS, ++o, Width.MEDIUM, "Index");
        def.define(ROTATION_CONFIG, Type.STRING, "none", ROTATION, Importance.MEDIUM, ROTATION_DOC, GROUP_DOCUMENTS,
                ++o, Width.SHORT, "Rotation", ROTATION);
        def.define(DATA_STREAM_CONFIG, Type.BOOLEAN, false, Importance.LOW, DATA_STREAM_DOC, GROUP_DOCUMENTS, ++o,
                Width.SHORT, "Data stream");
        def.define(TEMPLATE_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM, TEMPLATE_DOC, GROUP_DOCUMENTS, ++o,
                Width.SHORT, "Install template");
        def.define(REPLICAS_CONFIG, Type.INT, 1, Range.between(0, 10), Importance.MEDIUM, REPLICAS_DOC, GROUP_DOCUMENTS,
                ++o, Width.SHORT, "Replicas");
        def.define(REFRESH_INTERVAL_CONFIG, Type.STRING, "", new TimeValueValidator(), Importance.LOW,
                REFRESH_INTERVAL_DOC, GROUP_DOCUMENTS, ++o, Width.SHORT, "Refresh interval");
        def.define(ID_FIELD_CONFIG, Type.STRING, "recordId", Importance.MEDIUM, ID_FIELD_DOC, GROUP_DOCUMENTS, ++o,
                Width.SHORT, "Id field");
        def.define(ID_HEADER_CONFIG, Type.STRING, "", Importance.LOW, ID_HEADER_DOC, GROUP_DOCUMENTS, ++o, Width.SHORT,
                "Id header");
        def.define(ID_FROM_KEY_CONFIG, Type.BOOLEAN, false, Importance.LOW, ID_FROM_KEY_DOC, GROUP_DOCUMENTS, ++o,
                Width.SHORT, "Id from key");
        o = 0;
        SendConfig.addTo(def, GROUP_BATCHING, GROUP_ERRORS, SEND_DEFAULTS);
        o = SendConfig.NEXT_ERRORS_ORDER - 1;
        def.define(ON_MALFORMED_CONFIG, Type.STRING, "fail", ON_MALFORMED, Importance.MEDIUM, ON_MALFORMED_DOC,
                GROUP_ERRORS, ++o, Width.SHORT, "Behavior on malformed documents", ON_MALFORMED);
        def.define(ON_NULL_CONFIG, Type.STRING, "ignore", ON_NULL, Importance.LOW, ON_NULL_DOC, GROUP_ERRORS, ++o,
                Width.SHORT, "Behavior on null values", ON_NULL);
        return def;
    }

    public ElasticsearchSinkConfig(final Map<?, ?> props) {
        super(CONFIG_DEF, props);
        if (!username().isEmpty() && !secret(API_KEY_CONFIG).isEmpty()) {
            throw new ConfigException(API_KEY_CONFIG, "[hidden]", "use either " + USERNAME_CONFIG + "/"
                    + PASSWORD_CONFIG + " or an API key, not both");
        }
        if (username().isEmpty() != secret(PASSWORD_CONFIG).isEmpty()) {
            throw new ConfigException(PASSWORD_CONFIG, "[hidden]", "set both " + USERNAME_CONFIG + " and "
                    + PASSWORD_CONFIG + ", or neither");
        }
        if (auth() == Auth.AWS_SIGV4) {
            if (!username().isEmpty() || !apiKey().isEmpty()) {
                throw new ConfigException(AUTH_TYPE_CONFIG, "aws-sigv4", "signed requests carry no password or API "
                        + "key: clear " + USERNAME_CONFIG + " and " + API_KEY_CONFIG + ", or use auth.type=basic");
            }
            new AwsConfig(this); // validates the aws.* settings now rather than at the first request
        }
        final DocumentBuilder.Settings documents = documents();
        if (documents.dataStream() && documents.rotation() != Rotation.NONE) {
            throw new ConfigException(ROTATION_CONFIG, getString(ROTATION_CONFIG), "a data stream rolls over by "
                    + "itself; use index.rotation=none with data.stream=true");
        }
        this.send = new SendConfig(this);
    }

    private final SendConfig send;

    public List<URI> urls() {
        return getList(URLS_CONFIG).stream().map(URI::create).toList();
    }
    public String username() {
        return getString(USERNAME_CONFIG);
    }
    public String password() {
        return secret(PASSWORD_CONFIG);
    }
    public String apiKey() {
        return secret(API_KEY_CONFIG);
    }
    public String truststore() {
        return getString(TRUSTSTORE_CONFIG);
    }
    public String truststorePassword() {
        return secret(TRUSTSTORE_PASSWORD_CONFIG);
    }
    public String truststoreType() {
        return getString(TRUSTSTORE_TYPE_CONFIG);
    }
    public Auth auth() {
        return AUTH.parse(getString(AUTH_TYPE_CONFIG));
    }
    public AwsService awsService() {
        return AWS_SERVICE.parse(getString(AWS_SERVICE_CONFIG));
    }
    public String index() {
        return getString(INDEX_CONFIG);
    }
    public boolean templateEnabled() {
        return getBoolean(TEMPLATE_CONFIG);
    }
    public SendConfig send() {
        return send;
    }
    public OnRefusal onMalformed() {
        return ON_MALFORMED.parse(getString(ON_MALFORMED_CONFIG));
    }
    public OnNull onNull() {
        return ON_NULL.parse(getString(ON_NULL_CONFIG));
    }

    /** What the REST client needs, as values: the transport never sees this config. */
    public RestClientTransport.Connection connection() {
        return new RestClientTransport.Connection(urls(), username(), password(), apiKey(), truststore(),
                truststorePassword(), truststoreType(), auth() == Auth.AWS_SIGV4
                        ? AwsRequestSigner.create(new AwsConfig(this), EnumSetting.name(awsService()), urls())
                        : null);
    }

    /** What the document builder needs, as values. */
    public DocumentBuilder.Settings documents() {
        return new DocumentBuilder.Settings(index(), ROTATION.parse(getString(ROTATION_CONFIG)),
                getBoolean(DATA_STREAM_CONFIG), getString(ID_FIELD_CONFIG), getString(ID_HEADER_CONFIG),
                getBoolean(ID_FROM_KEY_CONFIG));
    }

    /** What the index template says, as values; Serverless refuses the replicas and refresh settings. */
    public IndexTemplate.Settings template() {
        return new IndexTemplate.Settings(index(), getInt(REPLICAS_CONFIG), getString(REFRESH_INTERVAL_CONFIG).trim(),
                getBoolean(DATA_STREAM_CONFIG), auth() == Auth.AWS_SIGV4 && awsService() == AwsService.AOSS);
    }

    private String secret(final String key) {
        final Password p = getPassword(key);
        return p == null ? "" : p.value();
    }

    /** Non-empty list of absolute http(s) URLs. */
    static final class UrlsValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(final String name, final Object value) {
            @SuppressWarnings("unchecked")
            final List<String> urls = (List<String>) value;
            if (urls == null || urls.isEmpty()) {
                throw new ConfigException(name, value, "at least one URL is needed, e.g. http://localhost:9200");
            }
            for (final String u : urls) {
                final URI uri;
                try {
                    uri = URI.create(u);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name, u, "not a URL: " + e.getMessage());
                }
                if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                    throw new ConfigException(name, u, "must be http(s)://host:port");
                }
            }
        }

        @Override
        public String toString() {
            return "http(s) URLs, comma separated";
        }
    }

    /** An Elasticsearch time value (e.g. 250ms, 1s, -1 for never) or empty. */
    static final class TimeValueValidator implements ConfigDef.Validator {
        private static final java.util.regex.Pattern TIME_VALUE = java.util.regex.Pattern
                .compile("-1|\\d+(nanos|micros|ms|s|m|h|d)");

        @Override
        public void ensureValid(final String name, final Object value) {
            final String v = value == null ? "" : value.toString().trim();
            if (!v.isEmpty() && !TIME_VALUE.matcher(v).matches()) {
                throw new ConfigException(name, value, "must be an Elasticsearch time value such as 250ms or 1s, "
                        + "-1, or empty");
            }
        }

        @Override
        public String toString() {
            return "empty, -1, or a time value such as 250ms or 1s";
        }
    }
}
