package dev.forestwatch.streams.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ScoringBenchmarkFlagsTest {

    @Test
    void readsTheBrokerRunsFlags() {
        final ScoringBenchmark.Options o = ScoringBenchmark.parse(new String[]{"--bootstrap", "127.0.0.1:19392",
                "--broker-pid", "4701", "--broker-warmup=5000", "--app-settings",
                "num.stream.threads=2,commit.interval.ms=50",
                "--skip-richer", "--seed", "-4"});

        assertThat(o.bootstrap()).isEqualTo("127.0.0.1:19392");
        assertThat(o.brokerPid()).isEqualTo(4701L);
        assertThat(o.brokerWarmup()).isEqualTo(5000);
        assertThat(o.appSettings()).containsExactly(Map.entry("num.stream.threads", "2"),
                Map.entry("commit.interval.ms", "50"));
        assertThat(o.skipRicher()).isTrue();
        assertThat(o.skipBroker()).isFalse();
        assertThat(o.seed()).isEqualTo(-4);
    }

    @Test
    void defaultsWarmTheBrokerLikeTheRawLoopsAndMeasureNoBrokerProcess() {
        final ScoringBenchmark.Options o = ScoringBenchmark.parse(new String[0]);

        assertThat(o.brokerWarmup()).isEqualTo(20_000);
        assertThat(o.brokerPid()).isNull();
        assertThat(o.bootstrap()).isNull();
    }

    @Test
    void rejectsTyposAndValuesOutOfRange() {
        assertThatThrownBy(() -> ScoringBenchmark.parse(new String[]{"--broker-pdi", "1"}))
                .hasMessageContaining("--broker-pdi");
        assertThatThrownBy(() -> ScoringBenchmark.parse(new String[]{"--records", "0"}))
                .hasMessageContaining("--records must be at least 1");
        assertThatThrownBy(() -> ScoringBenchmark.parse(new String[]{"--broker-pid", "broker"}))
                .hasMessageContaining("--broker-pid");
    }
}
