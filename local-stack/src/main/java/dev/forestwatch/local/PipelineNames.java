package dev.forestwatch.local;

/**
 * The names the pipeline's parts meet at, as {@code config/*.json}, {@code config/streams-app.properties} and
 * {@code docker-compose.yml} spell them (the seed's names): one place for the local stack's tools, tests and
 * benchmarks.
 */
public final class PipelineNames {
    /** The Kinesis stream the generator writes and the Kinesis source reads. */
    public static final String STREAM = "RawStreamData";
    /** The Kafka topic the Kinesis source writes and the streams app reads. */
    public static final String INPUT_TOPIC = "RawStreamData";
    /** The streams app's scored records, read by both sinks. */
    public static final String OUTPUT_TOPIC = "DESTINATION_SQL_STREAM";
    /** The streams app's dead letters. */
    public static final String DEAD_LETTER_TOPIC = "forestwatch-dlq";
    public static final String SINK_DEAD_LETTER_TOPIC = "elasticsearch-sink-dlq";
    public static final String FIREHOSE_DEAD_LETTER_TOPIC = "firehose-sink-dlq";
    /** The Elasticsearch index the sink writes and the dashboard reads. */
    public static final String INDEX = "anomalydata";
    /** The Firehose delivery stream the Firehose sink writes. */
    public static final String DELIVERY_STREAM = "ProcessedStreamData";

    private PipelineNames() {
    }
}
