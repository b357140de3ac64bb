package dev.forestwatch.connect.kinesis;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Keeps the KCL checkpoint from passing a record Kafka never got: refuses the Connect settings under which that
 * could happen, and tells what a {@code commitRecord} without metadata means.
 *
 * <p>Why: Connect 4.x calls {@code commitRecord(record, null)} both for a record a transformation filtered and,
 * with {@code errors.tolerance=all}, for one it failed to convert or to produce (AbstractWorkerSourceTask's
 * {@code recordDropped} and WorkerSourceTask's {@code producerSendFailed} pass the same null). The task cannot tell
 * them apart, and acknowledging a failed send lets the checkpoint move past a record that is then lost for good.
 * With {@code errors.tolerance=none} a failed send fails the task instead, so null can only mean "filtered". And a
 * Kinesis record (1 MiB of data, a 256-byte partition key, our headers) must fit the producer's
 * {@code max.request.size}, whose default is 1 MiB, or every large record fails to send.
 */
final class DeliveryGuard {

    static final String ERRORS_TOLERANCE = "errors.tolerance";
    static final String MAX_REQUEST_SIZE = "producer.override.max.request.size";
    /** 1 MiB of data, a 256-byte partition key, the kinesis.* headers and the record batch overhead, rounded up. */
    static final int MIN_MAX_REQUEST_SIZE = 1_200_000;
    private static final int PRODUCER_DEFAULT_MAX_REQUEST_SIZE = 1_048_576;

    private final boolean errorsTolerated;

    DeliveryGuard(final Map<String, String> props) {
        this.errorsTolerated = toleratesErrors(props);
    }

    /**
     * Settings that could lose records, each with the reason and the fix. The connector sees only its own config,
     * not the worker's {@code producer.max.request.size}, so the override must be in the connector config.
     */
    static Map<String, String> problems(final Map<String, String> props) {
        final Map<String, String> problems = new LinkedHashMap<>();
        if (toleratesErrors(props)) {
            problems.put(ERRORS_TOLERANCE, "errors.tolerance=all would let Connect skip a record Kafka refused and "
                    + "report it like a filtered one, so the KCL checkpoint would pass a record Kafka never got; "
                    + "use errors.tolerance=none (the default): a failed send then fails the task, and the record "
                    + "is read again from the checkpoint after a restart");
        }
        final String size = props.get(MAX_REQUEST_SIZE);
        final String tooSmall = MAX_REQUEST_SIZE + " must be at least " + MIN_MAX_REQUEST_SIZE + " so a 1 MiB "
                + "Kinesis record with its partition key and headers fits one produce request; set it in the "
                + "connector config (the topic's max.message.bytes must allow as much)";
        if (size == null || size.isBlank()) {
            problems.put(MAX_REQUEST_SIZE, tooSmall + ". It is unset, so the producer default "
                    + PRODUCER_DEFAULT_MAX_REQUEST_SIZE + " applies");
        } else {
            try {
                if (Integer.parseInt(size.trim()) < MIN_MAX_REQUEST_SIZE) {
                    problems.put(MAX_REQUEST_SIZE, tooSmall + ", not " + size.trim());
                }
            } catch (NumberFormatException e) {
                problems.put(MAX_REQUEST_SIZE, tooSmall + "; '" + size + "' is not a number of bytes");
            }
        }
        return problems;
    }

    /** Fails the connector's start on any of {@link #problems}. */
    static void requireLossless(final Map<String, String> props) {
        final Map<String, String> problems = problems(props);
        if (!problems.isEmpty()) {
            throw new ConnectException("The Kinesis source could lose records with this config: "
                    + String.join("; ", problems.values()));
        }
    }

    /** Whether Connect's {@code commitRecord(record, metadata)} means the record needs no checkpoint hold. */
    boolean acknowledges(final RecordMetadata metadata) {
        return metadata != null || !errorsTolerated;
    }

    /** Why the task stops for a record that may not be in Kafka; coordinates only, never the data. */
    ConnectException unsent(final SourceRecord record) {
        return new ConnectException("Connect skipped the record of " + record.sourcePartition() + " at "
                + record.sourceOffset() + " without Kafka acknowledging it (errors.tolerance=all): it may be too "
                + "large for " + MAX_REQUEST_SIZE + " or the topic's max.message.bytes, or Kafka refused it. The "
                + "task stops so the KCL checkpoint stays before it; set errors.tolerance=none and restart");
    }

    private static boolean toleratesErrors(final Map<String, String> props) {
        final String t = props.get(ERRORS_TOLERANCE);
        return t != null && t.trim().toLowerCase(Locale.ROOT).equals("all");
    }
}
