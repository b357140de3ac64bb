package dev.forestwatch.streams.processor;

import dev.forestwatch.streams.metrics.TaskMetrics;
import dev.forestwatch.streams.model.Message;
import dev.forestwatch.streams.model.Rejected;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a Rejected back into the original record, adds why and where from as headers, and counts it. The payload
 * is never logged: it may hold data the operator should not see in logs.
 */
public final class DeadLetterProcessor<K> implements Processor<K, Message, byte[], byte[]> {

    public static final String HEADER_REASON = "forestwatch.error.reason";
    public static final String HEADER_DETAIL = "forestwatch.error.detail";
    public static final String HEADER_TOPIC = "forestwatch.error.topic";
    public static final String HEADER_PARTITION = "forestwatch.error.partition";
    public static final String HEADER_OFFSET = "forestwatch.error.offset";
    /** Set, to the value's size, when the value was left out because the dead-letter topic would refuse it. */
    public static final String HEADER_VALUE_OMITTED = "forestwatch.error.value.omitted";
    /** The sensor whose model refused the record (scoring-stage reasons only). */
    public static final String HEADER_SENSOR = "forestwatch.error.sensor";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessor.class);

    /** Room left in a dead-letter record batch for the key, the headers and the batch framing. */
    private static final int OVERHEAD_BYTES = 16 * 1024;

    private final int maxMessageBytes;
    private ProcessorContext<byte[], byte[]> context;
    private TaskMetrics metrics;

    /** @param maxMessageBytes the dead-letter topic's max.message.bytes; 0 if unknown */
    public DeadLetterProcessor(final int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public void init(final ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.metrics = new TaskMetrics(context.metrics(), context.taskId().toString());
    }

    @Override
    public void process(final Record<K, Message> record) {
        final Rejected r = (Rejected) record.value();
        final Headers h = record.headers();
        put(h, HEADER_REASON, r.reason().label());
        put(h, HEADER_DETAIL, r.detail());
        put(h, HEADER_TOPIC, r.source().topic());
        put(h, HEADER_PARTITION, Integer.toString(r.source().partition()));
        put(h, HEADER_OFFSET, Long.toString(r.source().offset()));
        metrics.record("dead-letter");
        metrics.record("dead-letter-" + r.reason().label());
        // the detail can quote the payload (Jackson's token excerpts, sensor ids): it goes in the header only
        LOG.warn("Sent record {} to the dead-letter topic: {}", r.source().coordinates(), r.reason().label());
        // an oversized record would be refused here too and fail the app on every retry: keep the reason and the
        // coordinates, which still find the record in its input topic
        final boolean omit = maxMessageBytes > 0 && r.value() != null
                && r.value().length > maxMessageBytes - OVERHEAD_BYTES;
        if (omit) {
            put(h, HEADER_VALUE_OMITTED, Integer.toString(r.value().length));
        }
        context.forward(new Record<>(r.key(), omit ? null : r.value(), record.timestamp(), h));
    }

    private static void put(final Headers headers, final String key, final String value) {
        headers.remove(key);
        headers.add(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }
}
