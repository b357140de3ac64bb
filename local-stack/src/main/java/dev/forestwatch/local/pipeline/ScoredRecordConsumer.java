package dev.forestwatch.local.pipeline;

import java.io.PrintStream;
import java.time.Duration;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Follows the streams app's output topic (and its dead-letter topic) and prints one line per
 * record. Reads with {@code read_committed}: the app is exactly-once, and without it the demo would
 * show records from transactions that are later aborted.
 */
final class ScoredRecordConsumer implements AutoCloseable {
    private static final int MAX_DLQ_VALUE_CHARS = 200;

    private final Consumer<String, String> consumer;
    private final String outputTopic;
    private final ScoredRecordFormatter formatter;
    private final PrintStream out;
    private long scored;
    private long flagged;
    private long deadLetters;

    ScoredRecordConsumer(String bootstrapServers, String outputTopic, String deadLetterTopic,
            ScoredRecordFormatter formatter, PrintStream out) {
        this.outputTopic = outputTopic;
        this.formatter = formatter;
        this.out = out;
        this.consumer = TopicReader.readCommitted(bootstrapServers, "forestwatch-demo-display", outputTopic,
                deadLetterTopic);
    }

    /** Polls once and prints what arrived; false if {@link #wakeup()} interrupted the poll. */
    boolean pollAndPrint(Duration timeout) {
        try {
            for (ConsumerRecord<String, String> r : consumer.poll(timeout)) {
                if (r.topic().equals(outputTopic)) {
                    ScoredRecordFormatter.Line line = formatter.format(r.value(), r.timestamp());
                    scored++;
                    if (line.anomaly()) {
                        flagged++;
                    }
                    out.println(line.text());
                } else {
                    deadLetters++;
                    out.println("DEAD LETTER " + r.topic() + "-" + r.partition() + "@" + r.offset()
                            + " key=" + r.key() + " value=" + abbreviate(r.value()));
                }
            }
            return true;
        } catch (WakeupException e) {
            return false;
        }
    }

    /** Makes a blocked {@link #pollAndPrint} return; safe from any thread. */
    void wakeup() {
        consumer.wakeup();
    }

    /** Records printed so far: scored ones, those of them marked as anomalies, and dead letters. */
    record Counts(long scored, long flagged, long deadLetters) {
        static final Counts NONE = new Counts(0, 0, 0);
    }

    Counts counts() {
        return new Counts(scored, flagged, deadLetters);
    }

    @Override
    public void close() {
        consumer.close();
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= MAX_DLQ_VALUE_CHARS ? s : s.substring(0, MAX_DLQ_VALUE_CHARS) + "...";
    }
}
