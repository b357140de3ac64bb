package dev.forestwatch.streams.processor;

import dev.forestwatch.streams.model.Message;
import dev.forestwatch.streams.model.Reading;
import dev.forestwatch.streams.model.Source;
import dev.forestwatch.streams.parse.ReadingParser;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** Parses raw input; good readings are keyed by sensor id, bad ones pass on as Rejected for the dead-letter topic. */
public final class ParseProcessor implements Processor<byte[], byte[], String, Message> {

    private final ReadingParser parser;
    private ProcessorContext<String, Message> context;

    public ParseProcessor(final ReadingParser parser) {
        this.parser = parser;
    }

    @Override
    public void init(final ProcessorContext<String, Message> context) {
        this.context = context;
    }

    @Override
    public void process(final Record<byte[], byte[]> record) {
        final Source source = context.recordMetadata()
                .map(m -> new Source(m.topic(), m.partition(), m.offset()))
                .orElse(Source.UNKNOWN);
        final Message m = parser.parse(record.key(), record.value(), record.headers(), source);
        final String key = m instanceof Reading r ? r.sensorId() : null;
        context.forward(record.withKey(key).withValue(m));
    }
}
