package dev.forestwatch.local.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ScoredRecordFormatterTest {
    private final ScoredRecordFormatter formatter = new ScoredRecordFormatter(2.0, 13, ZoneOffset.UTC, false);

    @Test
    void formatsANormalRecordOnOneAlignedLine() {
        ScoredRecordFormatter.Line line = formatter.format(
                "{\"iotName\":\"DemoSensor-2\",\"iotValue\":15,\"ANOMALY_SCORE\":0.83124,\"created\":\"2026-11-26T04:46:19Z\","
                        + "\"ANOMALY_GRADE\":0.0,\"isAnomaly\":false,\"recordId\":\"RawStreamData-0-12\"}",
                0);

        assertThat(line.text()).isEqualTo("04:46:19 DemoSensor-2  iotValue=15   ANOMALY_SCORE=0.8312");
        assertThat(line.anomaly()).isFalse();
    }

    @Test
    void marksRecordsTheAppFlagged() {
        ScoredRecordFormatter.Line line = formatter.format(
                "{\"iotName\":\"DemoSensor-1\",\"iotValue\":113,\"ANOMALY_SCORE\":1.5,\"created\":\"2026-11-26T04:46:20Z\","
                        + "\"ANOMALY_GRADE\":0.72,\"isAnomaly\":true}",
                0);

        assertThat(line.anomaly()).isTrue();
        assertThat(line.text())
                .isEqualTo("04:46:20 DemoSensor-1  iotValue=113  ANOMALY_SCORE=1.5000 ANOMALY_GRADE=0.72  <-- anomaly");
    }

    @Test
    void marksHighScoresEvenWithoutTheFlag() {
        assertThat(formatter.format("{\"iotName\":\"DemoSensor\",\"iotValue\":110,\"ANOMALY_SCORE\":2.0}", 0).anomaly())
                .isTrue();
        assertThat(formatter.format("{\"iotName\":\"DemoSensor\",\"iotValue\":19,\"ANOMALY_SCORE\":1.99}", 0).anomaly())
                .isFalse();
    }

    @Test
    void fallsBackToTheRecordTimestampAndShowsMissingFieldsAsQuestionMarks() {
        ScoredRecordFormatter.Line line = formatter.format("{\"iotName\":\"DemoSensor\"}", 3_600_000L);

        assertThat(line.text()).isEqualTo("01:00:00 DemoSensor    iotValue=?    ANOMALY_SCORE=?");
    }

    @Test
    void showsNonJsonValuesRawInsteadOfDroppingThem() {
        assertThat(formatter.format("not json", 0).text()).isEqualTo("00:00:00 (not JSON) not json");
    }

    @Test
    void coloursAnomaliesOnlyWhenAsked() {
        ScoredRecordFormatter coloured = new ScoredRecordFormatter(2.0, 13, ZoneOffset.UTC, true);
        assertThat(coloured.format("{\"iotName\":\"DemoSensor\",\"iotValue\":110,\"isAnomaly\":true}", 0).text())
                .startsWith("\u001b[31;1m").endsWith("\u001b[0m");
        assertThat(coloured.format("{\"iotName\":\"DemoSensor\",\"iotValue\":11}", 0).text()).doesNotContain("\u001b");
    }
}
