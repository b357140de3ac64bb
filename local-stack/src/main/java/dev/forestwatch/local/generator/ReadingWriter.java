package dev.forestwatch.local.generator;

/**
 * Where {@link SensorSimulator} puts its readings: a Kafka topic ({@link KafkaReadingWriter}) or a Kinesis
 * stream ({@link KinesisReadingWriter}). One thread writes; {@link #counts()} may be read from any thread.
 */
abstract class ReadingWriter implements AutoCloseable {
    /** Updated by the subclass as the destination acknowledges or refuses readings. */
    protected final WriteCounts counts = new WriteCounts();
    private final String destination;

    /** @param destination what the start line says the readings go to, e.g. {@code topic RawStreamData} */
    ReadingWriter(String destination) {
        this.destination = destination;
    }

    /** Hands one reading over for sending; may block while the destination catches up. */
    abstract void write(SensorReading reading);

    /** Returns once every reading written so far is acknowledged or counted as failed. */
    abstract void flush();

    final WriteCounts counts() {
        return counts;
    }

    /** The destination for the start line, e.g. {@code topic RawStreamData}. */
    final String describe() {
        return destination;
    }

    @Override
    public abstract void close();
}
