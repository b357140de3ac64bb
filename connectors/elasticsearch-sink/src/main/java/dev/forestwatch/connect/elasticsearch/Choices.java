package dev.forestwatch.connect.elasticsearch;

import java.util.Arrays;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigDef;

/** The connector's enumerated options, lower-case in configs, with validators listing the valid values. */
public final class Choices {

    private Choices() {
    }

    /** A document Elasticsearch refuses (mapping conflict, malformed JSON). */
    public enum OnMalformed {
        FAIL, WARN, IGNORE, REPORT
    }

    /** A record with a null value. */
    public enum OnNull {
        IGNORE, DELETE, FAIL
    }

    /** Index per period of the record's time, named like Firehose's rotation. */
    public enum Rotation {
        NONE, HOURLY, DAILY, WEEKLY, MONTHLY
    }

    /** How requests authenticate. */
    public enum Auth {
        /** connection.username/password or connection.api.key, or nothing when they are empty. */
        BASIC,
        /** AWS Signature Version 4 with the aws.* credentials. */
        AWS_SIGV4
    }

    /** The signing name of the AWS service behind the endpoint. */
    public enum AwsService {
        /** Amazon OpenSearch Service (managed domains, also those running Elasticsearch). */
        ES,
        /** Amazon OpenSearch Serverless collections. */
        AOSS
    }

    /** Lower-case name with hyphens, as configs spell it. */
    public static String name(final Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static <E extends Enum<E>> E parse(final Class<E> type, final String value) {
        return Enum.valueOf(type, value.toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    public static <E extends Enum<E>> ConfigDef.Validator validator(final Class<E> type) {
        return ConfigDef.ValidString.in(Arrays.stream(type.getEnumConstants()).map(Choices::name)
                .toArray(String[]::new));
    }
}
