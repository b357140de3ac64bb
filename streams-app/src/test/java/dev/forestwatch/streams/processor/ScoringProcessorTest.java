package dev.forestwatch.streams.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.streams.model.Message;
import dev.forestwatch.streams.model.Reading;
import dev.forestwatch.streams.model.Rejected;
import dev.forestwatch.streams.model.Scored;
import dev.forestwatch.streams.model.Source;
import dev.forestwatch.streams.score.ForestCache;
import dev.forestwatch.streams.score.ModelSettings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The scoring step alone, fed readings the parser would refuse, to reach the model's own failures. */
class ScoringProcessorTest {

    private static final String[] FIELDS = {"iotValue"};

    /** A scoring processor on in-memory stores, and what it forwarded. */
    private static final class Rig {
        final MockProcessorContext<Long, Message> context = new MockProcessorContext<>();
        final ScoringProcessor processor;
        long offset;

        Rig(final int snapshotInterval) {
            store(ScoringProcessor.SNAPSHOT_STORE, Serdes.String());
            store(ScoringProcessor.LOG_STORE, Serdes.Bytes());
            store(ScoringProcessor.WATERMARK_STORE, Serdes.String());
            store(ScoringProcessor.ACTIVITY_STORE, Serdes.String());
            processor = new ScoringProcessor(new ScoringProcessor.Settings(
                    new ForestCache.Settings(ModelSettings.serviceDefaults(), 10, snapshotInterval), 500, 2000, 30_000,
                    1, 0));
            context.setCurrentSystemTimeMs(0L);
            processor.init(context);
        }

        private <K> void store(final String name, final Serde<K> keys) {
            final KeyValueStore<K, byte[]> s = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), keys,
                    Serdes.ByteArray()).withLoggingDisabled().build();
            s.init(context.getStateStoreContext(), s);
            context.addStateStore(s);
        }

        void send(final String sensor, final double... values) {
            final long o = offset++;
            final Reading r = new Reading(sensor, "in-0-" + o, new Source("in", 0, o), FIELDS, values,
                    ("{\"iotName\":\"" + sensor + "\",\"iotValue\":" + values[0] + "}")
                            .getBytes(StandardCharsets.UTF_8));
            processor.process(new Record<>(sensor, r, 1_000_000L + o * 10));
        }

        List<Double> scores(final String sensor) {
            final List<Double> out = new ArrayList<>();
            for (final var f : context.forwarded()) {
                if (f.record().value() instanceof Scored s && s.sensorId().equals(sensor)) {
                    out.add(s.score());
                }
            }
            return out;
        }

        List<Record<? extends Long, ? extends Message>> rejected() {
            final List<Record<? extends Long, ? extends Message>> out = new ArrayList<>();
            for (final var f : context.forwarded()) {
                if (f.record().value() instanceof Rejected) {
                    out.add(f.record());
                }
            }
            return out;
        }
    }

    /**
     * 1e39 is beyond float range (the parser refuses such values now). A warmed forest scored it NaN, learned it,
     * and threw ArrayIndexOutOfBoundsException on every later record of the sensor, which stopped the task again
     * and again. Whatever makes one model fail must not stop the task or poison the model: the record goes to the
     * dead letters, the sensor's forest is rebuilt from its last good state, and it scores on as if the record had
     * never come. A reading with more values than fields stands for any model call that throws.
     */
    @ParameterizedTest
    @CsvSource({"1e39, non-finite-score, NaN", "wrong-length, model-failure, Exception"})
    void aModelThatFailsDeadLettersTheRecordAndIsRebuiltFromItsLastGoodState(final String input,
            final String reason, final String detail) {
        final Random rnd = new Random(12);
        final double[] values = new double[400];
        for (int i = 0; i < values.length; i++) {
            values[i] = 10 + rnd.nextInt(11);
        }
        final Rig hit = new Rig(100);
        final Rig reference = new Rig(100);
        for (int i = 0; i < 300; i++) {
            hit.send("Good", values[i]);
            hit.send("Other", values[i]);
            reference.send("Good", values[i]);
        }
        hit.context.resetForwards();
        reference.context.resetForwards();
        final double[] bad = input.equals("1e39") ? new double[]{1e39} : new double[]{15, 16};
        hit.send("Good", bad);
        hit.send("Good", bad);
        for (int i = 300; i < 350; i++) {
            hit.send("Good", values[i]);
            hit.send("Other", values[i]);
            reference.send("Good", values[i]);
        }
        final List<Record<? extends Long, ? extends Message>> rejected = hit.rejected();
        assertThat(rejected).hasSize(2);
        final Rejected first = (Rejected) rejected.get(0).value();
        assertThat(first.reason().label()).isEqualTo(reason);
        assertThat(first.detail()).contains(detail);
        assertThat(new String(rejected.get(0).headers().lastHeader("forestwatch.error.sensor").value(),
                StandardCharsets.UTF_8)).isEqualTo("Good");
        // rebuilt from snapshot + value log without the bad record: as if it never came
        assertThat(hit.scores("Good")).hasSize(50).isEqualTo(reference.scores("Good")).allMatch(s -> s > 0);
        assertThat(hit.scores("Other")).hasSize(50).allMatch(s -> s > 0);
        assertThat(hit.context.metrics().metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("forest-rebuilds-total"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum()).isEqualTo(2);
    }
}
