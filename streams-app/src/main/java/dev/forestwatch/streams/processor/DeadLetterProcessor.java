package dev.forestwatch.streams.processor;

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
    /** The sensor whose model refused the record (scoring-stage reasons only). */
    public static final String HEADER_SENSOR = "forestwatch.error.sensor";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessor.class);

    private ProcessorContext<byte[], byte[]> context;
    private TaskMetrics metrics;

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
        context.forward(new Record<>(r.key(), r.value(), record.timestamp(), h));
    }

    private static void put(final Headers headers, final String key, final String value) {
        headers.remove(key);
        headers.add(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }
}
