package dev.forestwatch.connect.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

class KinesisSourceConnectorTest {

    private static Map<String, String> lossless() {
        final Map<String, String> m = new HashMap<>();
        m.put(KinesisSourceConfig.STREAM_CONFIG, "RawStreamData");
        m.put(KinesisSourceConfig.TOPIC_CONFIG, "RawStreamData");
        m.put("producer.override.max.request.size", "1200000");
        return m;
    }

    private static List<String> errorsOf(final Map<String, String> props, final String name) {
        return new KinesisSourceConnector().validate(props).configValues().stream()
                .filter(v -> v.name().equals(name)).flatMap(v -> v.errorMessages().stream()).toList();
    }

    @Test
    void startsWhenEveryKinesisRecordFitsAProduceRequest() {
        assertThatCode(() -> new KinesisSourceConnector().start(lossless())).doesNotThrowAnyException();
        assertThat(new KinesisSourceConnector().validate(lossless()).configValues())
                .allSatisfy(v -> assertThat(v.errorMessages()).as(v.name()).isEmpty());
    }

    @Test
    void refusesToStartWithTheProducerDefaultMaxRequestSizeAndNamesTheSetting() {
        final Map<String, String> m = lossless();
        m.remove("producer.override.max.request.size");
        assertThatThrownBy(() -> new KinesisSourceConnector().start(m)).isInstanceOf(ConnectException.class)
                .hasMessageContaining("producer.override.max.request.size").hasMessageContaining("1200000");
        assertThat(errorsOf(m, "producer.override.max.request.size")).singleElement().asString()
                .contains("1048576");
    }

    @Test
    void refusesAMaxRequestSizeBelowWhatKinesisAllowsOrNotANumber() {
        final Map<String, String> m = lossless();
        m.put("producer.override.max.request.size", "1048576");
        assertThatThrownBy(() -> new KinesisSourceConnector().start(m))
                .hasMessageContaining("producer.override.max.request.size");
        m.put("producer.override.max.request.size", "2MB");
        assertThat(errorsOf(m, "producer.override.max.request.size")).singleElement().asString().contains("2MB");
    }

    @Test
    void refusesErrorsToleranceAllBecauseConnectWouldAcknowledgeARecordKafkaRefused() {
        final Map<String, String> m = lossless();
        m.put("errors.tolerance", "ALL");
        assertThatThrownBy(() -> new KinesisSourceConnector().start(m)).isInstanceOf(ConnectException.class)
                .hasMessageContaining("errors.tolerance=none");
        assertThat(errorsOf(m, "errors.tolerance")).hasSize(1);
        m.put("errors.tolerance", "none");
        assertThatCode(() -> new KinesisSourceConnector().start(m)).doesNotThrowAnyException();
    }

    @Test
    void validationStillReportsTheConnectorsOwnSettings() {
        final Map<String, String> m = lossless();
        m.put(KinesisSourceConfig.QUEUE_MAX_BYTES_CONFIG, "0");
        assertThat(new KinesisSourceConnector().validate(m).configValues()).filteredOn(v -> !v.errorMessages()
                .isEmpty()).extracting(ConfigValue::name).containsExactly(KinesisSourceConfig.QUEUE_MAX_BYTES_CONFIG);
    }
}
