package dev.forestwatch.local.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forestwatch.local.dashboard.DashboardQueries.Window;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DashboardQueriesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-26T05:25:02.123Z");
    private static final long T0 = Instant.parse("2026-11-26T05:25:00Z").toEpochMilli();

    @Test
    void windowEndsAfterTheCurrentSecondAndSpansWholeMinutes() {
        Window w = Window.lastMinutes(NOW, 5);
        assertThat(Instant.ofEpochMilli(w.toMs())).isEqualTo("2026-11-26T05:25:03Z");
        assertThat(Instant.ofEpochMilli(w.fromMs())).isEqualTo("2026-11-26T05:20:03Z");
    }

    @Test
    void seriesQueryCountsAndMaxScoresPerSensorPerSecond() throws Exception {
        Window w = new Window(T0 - 60_000, T0);
        assertThat(DashboardQueries.seriesQuery(w)).isEqualTo(JSON.readTree("""
                {"size":0,"track_total_hits":true,
                 "query":{"range":{"created":{"gte":%d,"lt":%d,"format":"epoch_millis"}}},
                 "aggs":{"sensors":{"terms":{"field":"iotName","size":10},
                   "aggs":{"per_second":{
                     "date_histogram":{"field":"created","fixed_interval":"1s","min_doc_count":0,
                                       "extended_bounds":{"min":%d,"max":%d}},
                     "aggs":{"max_score":{"max":{"field":"ANOMALY_SCORE"}},
                             "value":{"avg":{"field":"iotValue"}},
                             "lower":{"min":{"field":"LOWER_BAND.iotValue"}},
                             "upper":{"max":{"field":"UPPER_BAND.iotValue"}}}}}}}}
                """.formatted(T0 - 60_000, T0, T0 - 60_000, T0 - 1000)));
    }

    @Test
    void topQuerySortsByScoreThenNewestAndFetchesOnlyTheShownFields() throws Exception {
        Window w = new Window(T0 - 60_000, T0);
        assertThat(DashboardQueries.topQuery(w, 7)).isEqualTo(JSON.readTree("""
                {"size":7,"track_total_hits":false,
                 "query":{"range":{"created":{"gte":%d,"lt":%d,"format":"epoch_millis"}}},
                 "sort":[{"ANOMALY_SCORE":{"order":"desc","unmapped_type":"double"}},
                         {"created":{"order":"desc","unmapped_type":"date"}}],
                 "_source":["recordId","iotName","iotValue","ANOMALY_SCORE","created"]}
                """.formatted(T0 - 60_000, T0)));
    }

    @Test
    void shapesSeriesSortedByNameAndStopsAtTheLastSecondWithData() throws Exception {
        Window w = new Window(T0, T0 + 4000);
        JsonNode answer = JSON.readTree("""
                {"hits":{"total":{"value":9}},
                 "aggregations":{"sensors":{"sum_other_doc_count":2,"buckets":[
                   {"key":"DemoSensor-10","doc_count":3,"per_second":{"buckets":[
                     {"key":%1$d,"doc_count":2,"max_score":{"value":0.8}},
                     {"key":%2$d,"doc_count":0,"max_score":{"value":null}},
                     {"key":%3$d,"doc_count":1,"max_score":{"value":3.5},"value":{"value":15.0},
                      "lower":{"value":11.0},"upper":{"value":19.0}},
                     {"key":%4$d,"doc_count":0,"max_score":{"value":null}}]}},
                   {"key":"DemoSensor-2","doc_count":4,"per_second":{"buckets":[
                     {"key":%1$d,"doc_count":4,"max_score":{"value":0.9}},
                     {"key":%2$d,"doc_count":0,"max_score":{"value":null}},
                     {"key":%3$d,"doc_count":0,"max_score":{"value":null}},
                     {"key":%4$d,"doc_count":0,"max_score":{"value":null}}]}}]}}}
                """.formatted(T0, T0 + 1000, T0 + 2000, T0 + 3000));

        // Reparsed, so that a count written as a long equals the same number read as an int.
        JsonNode shaped = JSON.readTree(DashboardQueries.shapeSeries(w, answer).toString());

        assertThat(shaped).isEqualTo(JSON.readTree("""
                {"from":%1$d,"to":%5$d,"intervalMs":1000,"total":9,"otherRecords":2,"lastDataMs":%3$d,"sensors":[
                  {"name":"DemoSensor-2","total":4,"points":[[%1$d,4,0.9],[%2$d,0,null],[%3$d,0,null]]},
                  {"name":"DemoSensor-10","total":3,"points":[[%1$d,2,0.8],[%2$d,0,null],[%3$d,1,3.5,15.0,11.0,19.0]]}]}
                """.formatted(T0, T0 + 1000, T0 + 2000, T0 + 3000, T0 + 4000)));
    }

    @Test
    void aMissingIndexShapesAsAnEmptySeries() throws Exception {
        // _search?ignore_unavailable=true on a missing index answers without aggregations.
        JsonNode shaped = DashboardQueries.shapeSeries(new Window(T0, T0 + 1000),
                JSON.readTree("{\"hits\":{\"total\":{\"value\":0},\"hits\":[]}}"));
        assertThat(shaped.path("sensors")).isEmpty();
        assertThat(shaped.path("lastDataMs").isNull()).isTrue();
        assertThat(DashboardQueries.shapeTop(JSON.readTree("{}")).path("records")).isEmpty();
    }

    @Test
    void shapesTopRecordsAndFallsBackToTheDocumentId() throws Exception {
        JsonNode answer = JSON.readTree("""
                {"hits":{"hits":[
                  {"_id":"a","_source":{"recordId":"s-1-2","iotName":"DemoSensor-1","iotValue":113,"ANOMALY_SCORE":3.44,
                                        "created":"2026-11-26T05:25:02.000Z","extra":"dropped"}},
                  {"_id":"b","_source":{"iotName":"DemoSensor-2","iotValue":16,"ANOMALY_SCORE":0.75}}]}}
                """);
        assertThat(DashboardQueries.shapeTop(answer)).isEqualTo(JSON.readTree(
                """
                        {"records":[
                          {"recordId":"s-1-2","iotName":"DemoSensor-1","iotValue":113,"ANOMALY_SCORE":3.44,"created":"2026-11-26T05:25:02.000Z"},
                          {"recordId":"b","iotName":"DemoSensor-2","iotValue":16,"ANOMALY_SCORE":0.75,"created":null}]}
                        """));
    }

    @Test
    void sensorNamesSortNaturally() {
        List<String> names = new ArrayList<>(
                List.of("DemoSensor-10", "DemoSensor-2", "DemoSensor-1", "Alpha", "DemoSensor"));
        names.sort(DashboardQueries::naturalOrder);
        assertThat(names).containsExactly("Alpha", "DemoSensor", "DemoSensor-1", "DemoSensor-2", "DemoSensor-10");
    }
}
