package dev.forestwatch.local.generator;

/**
 * Where {@link SensorSimulator} puts its readings: a Kafka topic ({@link KafkaReadingWriter}) or a Kinesis
 * stream ({@link KinesisReadingWriter}). One thread writes; {@link #counts()} may be read from any thread.
 */
interface ReadingWriter extends AutoCloseable {

    /** Hands one reading over for sending; may block while the destination catches up. */
    void write(SensorReading reading);

    /** Returns once every reading written so far is acknowledged or counted as failed. */
    void flush();

    WriteCounts counts();

    /** The destination for the start line, e.g. {@code topic RawStreamData}. */
    String describe();

    @Override
    void close();
}
