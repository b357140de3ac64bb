package dev.forestwatch.streams.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetBenchmarkFlagsTest {

    @Test
    void readsFlagsWithTheSharedParser() {
        final FleetBenchmark.Options o = FleetBenchmark.parse(new String[]{"--sensors=200", "--skewed",
                "--preset", "compact", "--app-settings", "num.stream.threads=2"});

        assertThat(o.sensors()).isEqualTo(200);
        assertThat(o.skewed()).isTrue();
        assertThat(o.preset()).isEqualTo("compact");
        assertThat(o.appSettings()).containsExactly(Map.entry("num.stream.threads", "2"));
        assertThat(o.warmRecords()).isEqualTo(-1);
        assertThat(FleetBenchmark.parse(new String[]{"--help"})).isNull();
    }

    @Test
    void rejectsTyposAndBadValues() {
        assertThatThrownBy(() -> FleetBenchmark.parse(new String[]{"--sensor", "5"})).hasMessageContaining("--sensor");
        assertThatThrownBy(() -> FleetBenchmark.parse(new String[]{"--seconds", "0"}))
                .hasMessageContaining("--seconds must be at least 1");
        assertThatThrownBy(() -> FleetBenchmark.parse(new String[]{"--preset", "big"}))
                .hasMessageContaining("--preset is default or compact");
    }
}
