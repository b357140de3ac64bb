package dev.forestwatch.streams.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

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
        for (final byte[] bad : new byte[][] {negativeCount, truncated, negativeName, new byte[0]}) {
            assertThatThrownBy(() -> ModelCodec.decode(bad, false)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("snapshot");
        }
    }
}
