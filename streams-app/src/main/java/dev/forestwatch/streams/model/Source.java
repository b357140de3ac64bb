package dev.forestwatch.streams.model;

/** Where an input record was read from; kept through internal topics for recordId and dead-letter headers. */
public record Source(String topic, int partition, long offset) {

    public static final Source UNKNOWN = new Source("", -1, -1L);

    public String coordinates() {
        return topic + "-" + partition + "-" + offset;
    }
}
