package dev.forestwatch.streams.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelCodecTest {

    private static final ModelSettings SMALL = new ModelSettings(5, 16, 1000, 1, 16, 1L, 1.5, 3.0, false);

    private static SensorModel model(final String... fields) {
        final SensorModel m = SensorModel.create(SMALL, "S", fields);
        final double[] v = new double[fields.length];
        for (int i = 1; i <= 20; i++) {
            Arrays.fill(v, i % 7);
            m.process(v, i);
        }
        return m;
    }

    /** A 33,000-byte name used to wrap the short length and fail the restore after a restart, every time. */
    @Test
    void encodeRefusesAFieldNameItCannotRoundTrip() {
        assertThatThrownBy(() -> ModelCodec.encode(model("n".repeat(33_000)), 20))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("256");
    }

    @Test
    void encodeRefusesMoreFieldsThanTheFormatAllows() {
        final String[] many = new String[ModelCodec.MAX_FIELDS + 1];
        for (int i = 0; i < many.length; i++) {
            many[i] = "f" + i;
        }
        final SensorModel m = SensorModel.create(SMALL, "S", many);
        assertThatThrownBy(() -> ModelCodec.encode(m, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Integer.toString(ModelCodec.MAX_FIELDS));
    }

    @Test
    void theLongestAllowedNamesRoundTrip() {
        final String name = "\u00e9".repeat(128); // 256 UTF-8 bytes
        final ModelCodec.Snapshot snap = ModelCodec.decode(ModelCodec.encode(model(name, "b"), 20), false);
        assertThat(snap.model().fields()).containsExactly(name, "b");
        assertThat(snap.sequence()).isEqualTo(20);
    }

    @Test
    void decodeOfDamagedBytesThrowsAClearExceptionInsteadOfANegativeArraySize() {
        final byte[] good = ModelCodec.encode(model("v"), 20);
        final byte[] negativeCount = good.clone();
        negativeCount[9] = (byte) 0x80; // field count's high byte
        final byte[] truncated = Arrays.copyOf(good, 12);
        final byte[] negativeName = good.clone();
        negativeName[11] = (byte) 0x90; // first name length's high byte
        for (final byte[] bad : new byte[][]{negativeCount, truncated, negativeName, new byte[0]}) {
            assertThatThrownBy(() -> ModelCodec.decode(bad, false)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("snapshot");
        }
    }

    /**
     * A forestwatch model restored past the point where its likelihood histories are full and have wrapped continues
     * exactly like the uninterrupted one (the topology tests restore shorter runs).
     */
    @Test
    void aForestwatchModelWithFullHistoriesRoundTripsExactly() {
        final ModelSettings fw = ModelSettings.serviceDefaults().withDetector(Detector.FORESTWATCH);
        final SensorModel original = SensorModel.create(fw, "S", new String[]{"v"});
        final Random rnd = new Random(3);
        final int before = SensorModel.FW_OUTPUT_AFTER + ScoreLikelihood.HISTORY + 700;
        for (int i = 1; i <= before; i++) {
            original.process(new double[]{next(rnd)}, i);
        }
        final SensorModel restored = ModelCodec.decode(ModelCodec.encode(original, before), false).model();
        assertThat(restored.detector()).isEqualTo(Detector.FORESTWATCH);
        for (int i = before + 1; i <= before + 400; i++) {
            final double[] v = {next(rnd)};
            final Score a = original.process(v, i);
            final Score b = restored.process(v, i);
            assertThat(b.likelihood()).isEqualTo(a.likelihood());
            assertThat(b.score()).isEqualTo(a.score());
        }
    }

    private static double next(final Random rnd) {
        return rnd.nextDouble() < 0.01 ? 100 + rnd.nextInt(21) : 10 + rnd.nextInt(11);
    }

    /**
     * A version-2 or version-3 forestwatch snapshot (the earlier shingle-8 preset; the shingle-1 preset before the
     * seasonal channel) decodes to no model: the sensor starts anew.
     */
    @ParameterizedTest
    @ValueSource(bytes = {2, 3})
    void anEarlierForestwatchLayoutDecodesToNoModel(final byte version) {
        final byte[] name = "v".getBytes(StandardCharsets.UTF_8);
        final ByteBuffer buf = ByteBuffer.allocate(1 + 8 + 2 + 2 + name.length + 1 + 64);
        buf.put(version).putLong(77).putShort((short) 1).putShort((short) name.length).put(name)
                .put((byte) Detector.FORESTWATCH.ordinal());
        final ModelCodec.Snapshot snap = ModelCodec.decode(buf.array(), false);
        assertThat(snap.model()).isNull();
        assertThat(snap.sequence()).isEqualTo(77);
    }
}
