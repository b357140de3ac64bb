package dev.forestwatch.streams.discover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forestwatch.streams.config.AppConfig;
import dev.forestwatch.streams.parse.ReadingParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaDiscoveryTest {

    @TempDir
    Path tmp;

    /**
     * The seed's generator: {@code getData("DemoSensor", 10, 20)}, and about 1 in 100 records from the anomaly range
     * 100-120 (its Python, random.randint), one JSON object per Kinesis record.
     */
    private static List<String> seedRecords(final int n, final long seed) {
        final Random random = new Random(seed);
        return IntStream.range(0, n).mapToObj(i -> {
            final boolean anomaly = random.nextDouble() > 0.99;
            final int value = anomaly ? 100 + random.nextInt(21) : 10 + random.nextInt(11);
            return "{\"iotName\":\"DemoSensor\",\"iotValue\":" + value + "}";
        }).collect(Collectors.toList());
    }

    @Test
    void seedRecordsSuggestTheSeedsSettings() throws IOException {
        final Path file = tmp.resolve("seed.jsonl");
        Files.write(file, seedRecords(1000, 7), StandardCharsets.UTF_8);
        final SchemaDiscovery d = new SchemaDiscovery();
        SampleReader.file(file, 1000, d);
        final SchemaDiscovery.Result r = d.result(AppConfig.INPUT_MAX_FIELDS_DEFAULT);

        assertThat(r.records()).isEqualTo(1000);
        assertThat(r.sensorIdField()).contains("iotName");
        assertThat(r.valueFields()).containsExactly("iotValue");
        final FieldProfile value = field(r, "iotValue");
        assertThat(value.type()).isEqualTo("integer");
        assertThat(value.present()).isEqualTo(1000);
        assertThat(value.invalid()).isZero();
        assertThat(value.min()).isBetween(10.0, 20.0);
        assertThat(field(r, "iotName").examples()).containsExactly("\"DemoSensor\"");
        assertThat(r.warnings()).singleElement().asString().contains("one sensor");
        // the written file is what run --config takes
        final Path props = tmp.resolve("discovered.properties");
        DiscoveryReport.write(props, file.toString(), r);
        final AppConfig config = new AppConfig(load(props));
        assertThat(config.sensorIdField()).isEqualTo("iotName");
        assertThat(config.valueFields()).containsExactly("iotValue");
        assertThat(DiscoveryReport.table("seed", r)).contains(
                "| iotName | string | 1,000 | 0 | 0 | 1 | \"DemoSensor\" |", "  sensor.id.field=iotName",
                "  value.fields=iotValue");
    }

    @Test
    void aNabFileIsOneSeriesWithATimestampAndAValue() throws IOException {
        final Path nab = Path.of(System.getProperty("forestwatch.shared.dir", "../../shared"))
                .resolve("data/nab/data/realKnownCause/nyc_taxi.csv");
        assertThat(nab).exists();
        final SchemaDiscovery d = new SchemaDiscovery();
        SampleReader.file(nab, 5000, d);
        final SchemaDiscovery.Result r = d.result(AppConfig.INPUT_MAX_FIELDS_DEFAULT);

        assertThat(r.records()).isEqualTo(5000);
        assertThat(field(r, "timestamp").type()).isEqualTo("string");
        assertThat(field(r, "timestamp").distinct()).isEqualTo(5000);
        assertThat(field(r, "value").type()).isEqualTo("integer");
        // a time unique per record is no sensor id: the file is one series, as the offline scorer reads it
        assertThat(r.sensorIdField()).isEmpty();
        assertThat(r.valueFields()).containsExactly("value");
        assertThat(r.settings()).isEqualTo(Map.of(AppConfig.VALUE_FIELDS_CONFIG, "value"));
        assertThat(r.warnings()).singleElement().asString().contains("no string field fits sensor.id.field");
    }

    @Test
    void warnsOfStringsInNumericFieldsConstantsClocksGapsAndBadRecords() {
        final SchemaDiscovery d = new SchemaDiscovery();
        for (int i = 0; i < 100; i++) {
            final String temp = i % 10 == 0 ? "\"" + (20 + i % 3) + "\"" : Integer.toString(20 + i % 3);
            final String humidity = i % 25 == 0 ? "" : ",\"humidity\":" + (0.5 + i % 7 / 10.0);
            d.add(json("{\"deviceId\":\"d" + (i % 4) + "\",\"temp\":" + temp + ",\"fw\":3,\"ts\":"
                    + (1_700_000_000_000L + i) + humidity + ",\"ok\":true}"));
        }
        d.add(json("[1,2]"));
        d.addInvalid();
        final SchemaDiscovery.Result r = d.result(30);

        assertThat(r.sensorIdField()).contains("deviceId");
        assertThat(r.valueFields()).containsExactly("humidity", "temp");
        assertThat(field(r, "temp").type()).isEqualTo("integer");
        assertThat(field(r, "temp").invalid()).isEqualTo(10);
        assertThat(field(r, "humidity").nullOrMissing(r.records())).isEqualTo(4);
        assertThat(String.join("\n", r.warnings())).contains(
                "2 of 102 records are not JSON objects",
                "temp is sometimes a string: a number in 90 records, a string in 10 (10 of them a number in quotes)",
                "fw is constant (3)",
                "ts looks like a clock",
                "humidity is null or missing in 4 records");
    }

    @Test
    void tooManyNumericFieldsKeepsTheFirstByNameAndWarns() {
        final SchemaDiscovery d = new SchemaDiscovery();
        for (int i = 0; i < 10; i++) {
            final StringBuilder b = new StringBuilder("{\"id\":\"s" + (i % 2) + "\"");
            for (int f = 0; f < 35; f++) {
                b.append(String.format(",\"f%02d\":%d", f, i * f));
            }
            d.add(json(b.append('}').toString()));
        }
        final SchemaDiscovery.Result r = d.result(30);
        assertThat(r.valueFields()).hasSize(30).startsWith("f01").endsWith("f30"); // f00 is constant 0
        assertThat(String.join("\n", r.warnings())).contains("35 numeric fields, more than input.max.fields=30");
    }

    @Test
    void anIdUniquePerRecordOrMostlyNumericIsNoSensorId() {
        final SchemaDiscovery d = new SchemaDiscovery();
        for (int i = 0; i < 20; i++) {
            d.add(json("{\"eventId\":\"e" + i + "\",\"code\":\"" + (i % 3) + "\",\"v\":" + i + "}"));
        }
        final SchemaDiscovery.Result r = d.result(30);
        assertThat(r.sensorIdField()).isEqualTo(Optional.empty());
        assertThat(field(r, "code").type()).isEqualTo("string");
    }

    private static FieldProfile field(final SchemaDiscovery.Result r, final String name) {
        return r.fields().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
    }

    private static JsonNode json(final String s) {
        try {
            return ReadingParser.MAPPER.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> load(final Path props) throws IOException {
        final Properties p = new Properties();
        try (InputStream in = Files.newInputStream(props)) {
            p.load(in);
        }
        final Map<String, Object> m = new HashMap<>();
        p.forEach((k, v) -> m.put(String.valueOf(k), v));
        return m;
    }

}
