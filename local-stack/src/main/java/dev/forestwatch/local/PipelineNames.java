package dev.forestwatch.local;

/**
 * The names the pipeline's parts meet at, as {@code config/*.json}, {@code config/streams-app.properties} and
 * {@code docker-compose.yml} spell them (the seed's names): one place for the local stack's tools, tests and
 * benchmarks. Readings go generator -> Kinesis {@link #STREAM} -> source -> Kafka {@link #INPUT_TOPIC} -> streams
 * app -> {@link #OUTPUT_TOPIC} (or {@link #DEAD_LETTER_TOPIC}) -> the Elasticsearch sink's {@link #INDEX} and the
 * Firehose sink's {@link #DELIVERY_STREAM}; each sink has its own dead-letter topic.
 */
public final class PipelineNames {
    // in Kinesis
    public static final String STREAM = "RawStreamData";

    // in Kafka, from the source to the streams app and from the app to the sinks
    public static final String INPUT_TOPIC = "RawStreamData";
    public static final String OUTPUT_TOPIC = "DESTINATION_SQL_STREAM";
    public static final String DEAD_LETTER_TOPIC = "forestwatch-dlq";

    // the sinks' destinations, and their dead letters in Kafka
    public static final String INDEX = "anomalydata";
    public static final String DELIVERY_STREAM = "ProcessedStreamData";
    public static final String SINK_DEAD_LETTER_TOPIC = "elasticsearch-sink-dlq";
    public static final String FIREHOSE_DEAD_LETTER_TOPIC = "firehose-sink-dlq";

    private PipelineNames() {
    }
}
