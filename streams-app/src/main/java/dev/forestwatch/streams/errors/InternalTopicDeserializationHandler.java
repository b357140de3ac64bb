package dev.forestwatch.streams.errors;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The input topic is read as raw bytes and parsed by the app (bad input goes to the dead-letter topic), so a
 * deserialization error can only come from the app's own internal topics: that is corruption or a version mix,
 * and skipping would silently lose scored records. Fail, naming the record.
 */
public final class InternalTopicDeserializationHandler implements DeserializationExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(InternalTopicDeserializationHandler.class);

    @Override
    public DeserializationHandlerResponse handle(final ErrorHandlerContext context,
            final ConsumerRecord<byte[], byte[]> record, final Exception exception) {
        LOG.error("Cannot read record {}-{}@{} of an internal topic; stopping rather than losing it. Were two "
                + "forestwatch versions run with the same application.id?", record.topic(), record.partition(),
                record.offset(), exception);
        return DeserializationHandlerResponse.FAIL;
    }

    @Override
    public void configure(final Map<String, ?> configs) {
    }
}
