package dev.forestwatch.streams.errors;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fails on every send error, since continuing would drop the record, but says which setting to change first.
 * Retriable errors never reach this handler: the producer retries them itself.
 */
public final class LoggingProductionExceptionHandler implements ProductionExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(LoggingProductionExceptionHandler.class);

    @Override
    public ProductionExceptionHandlerResponse handle(final ErrorHandlerContext context,
            final ProducerRecord<byte[], byte[]> record, final Exception exception) {
        if (exception instanceof RecordTooLargeException) {
            LOG.error("A record for topic {} ({} bytes) is larger than the producer or topic allows. Raise "
                    + "producer.max.request.size and the topic's max.message.bytes, or lower input.max.bytes so "
                    + "such input goes to the dead-letter topic.", record.topic(),
                    record.value() == null ? 0 : record.value().length);
        } else {
            LOG.error("Cannot write to topic {}: {}", record.topic(), exception.toString());
        }
        return ProductionExceptionHandlerResponse.FAIL;
    }

    @Override
    public void configure(final Map<String, ?> configs) {
    }
}
