package dev.forestwatch.streams.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the TopologyTestDriver runs spend their CPU, from JFR execution samples: Random Cut Forest, forestwatch's
 * own code, or the rest (the driver and Kafka Streams). The driver commits after every record and resolves topic
 * names per record and hop, which a deployed app does not; this separates that from the app's own overhead.
 * Needs -XX:FlightRecorderOptions=stackdepth=512 (the bench command sets it): RCF's recursion is deep, and
 * shallower stacks lose the frames that say which phase a sample belongs to.
 */
final class CpuAttribution implements AutoCloseable {

    /** Shares of the samples taken inside the driver. */
    record Shares(int samples, double rcf, double forestwatch, double rest) {
        /** The topology's rate over the raw loop's if the driver cost nothing: RCF / (RCF + forestwatch). */
        double ratioWithoutDriver() {
            return rcf / (rcf + forestwatch);
        }

        void print() {
            System.out.printf(Locale.ROOT, "TTD CPU samples (%d): Random Cut Forest %.0f%%, forestwatch code %.0f%%, "
                    + "driver and Kafka Streams %.0f%%%n", samples, 100 * rcf, 100 * forestwatch, 100 * rest);
            System.out.printf(Locale.ROOT, "topology/raw without the driver's share (RCF / (RCF + forestwatch)): "
                    + "%.2f  target >= %.2f  %s%n", ratioWithoutDriver(), ScoringBenchmark.TARGET_RATIO,
                    ratioWithoutDriver() >= ScoringBenchmark.TARGET_RATIO ? "OK" : "BELOW TARGET");
        }
    }

    private final Recording recording = new Recording();

    CpuAttribution() {
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
        recording.start();
    }

    Shares stop() {
        recording.stop();
        try {
            final Path file = Files.createTempFile("fw-bench", ".jfr");
            try {
                recording.dump(file);
                int total = 0;
                int rcf = 0;
                int fw = 0;
                for (final RecordedEvent e : RecordingFile.readAllEvents(file)) {
                    if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
                        continue;
                    }
                    final List<RecordedFrame> frames = e.getStackTrace().getFrames();
                    if (frames.stream().noneMatch(f -> type(f).equals("org.apache.kafka.streams.TopologyTestDriver"))) {
                        continue; // not a TTD phase
                    }
                    total++;
                    if (frames.stream().anyMatch(f -> type(f).startsWith("com.amazon.randomcutforest."))) {
                        rcf++;
                    } else if (frames.stream().anyMatch(f -> type(f).startsWith("dev.forestwatch.streams.")
                            && !type(f).startsWith("dev.forestwatch.streams.bench."))) {
                        fw++;
                    }
                }
                final double n = Math.max(total, 1);
                return new Shares(total, rcf / n, fw / n, (total - rcf - fw) / n);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String type(final RecordedFrame f) {
        return f.getMethod() == null ? "" : f.getMethod().getType().getName();
    }

    @Override
    public void close() {
        recording.close();
    }
}
