package dev.forestwatch.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FlagsTest {

    @Test
    void readsSpaceAndEqualsFormsAndBareSwitches() {
        Flags flags = Flags.parse("--sensors", "3", "--rate=12.5", "--help", "--seed", "-4");

        assertThat(flags.intValue("sensors", 1)).isEqualTo(3);
        assertThat(flags.doubleValue("rate", 0)).isEqualTo(12.5);
        assertThat(flags.has("help")).isTrue();
        assertThat(flags.longValue("seed", 0)).isEqualTo(-4);
        assertThat(flags.string("topic", "RawStreamData")).isEqualTo("RawStreamData");
    }

    @Test
    void rejectsUnknownFlagsSoTyposFail() {
        Flags flags = Flags.parse("--sensor", "3");
        flags.intValue("sensors", 1);

        assertThatThrownBy(flags::rejectUnknown).hasMessage("Unknown flag --sensor");
    }

    @Test
    void rejectsPositionalArgumentsAndNonNumbers() {
        assertThatThrownBy(() -> Flags.parse("demo")).hasMessageContaining("Unexpected argument 'demo'");
        assertThatThrownBy(() -> Flags.parse("--rate", "fast").doubleValue("rate", 1))
                .hasMessageContaining("--rate expects a number");
    }
}
