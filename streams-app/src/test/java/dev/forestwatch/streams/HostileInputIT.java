package dev.forestwatch.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forestwatch.local.server.EmbeddedKafka;
import dev.forestwatch.streams.config.AppConfig;
import dev.forestwatch.streams.model.Message;
import dev.forestwatch.streams.model.Reading;
import dev.forestwatch.streams.model.Source;
import dev.forestwatch.streams.parse.ReadingParser;
import dev.forestwatch.streams.processor.DeadLetterProcessor;
import dev.forestwatch.streams.score.ModelSettings;
import dev.forestwatch.streams.score.SensorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real app on a real broker fed malformed and hostile records between good readings. The app must keep
 * running on the same stream threads, score every good reading exactly once and exactly as a forest that never
 * saw the bad records, put every bad record in the dead-letter topic with its reason, and never output a
 * non-finite score. Each kind below is a row of the README's table of dead-letter reasons.
 */
class HostileInputIT {

    private static final String INPUT = "RawStreamData";
    private static final String OUTPUT = "DESTINATION_SQL_STREAM";
    private static final String DLQ = "forestwatch-dlq";
    private static final Map<String, Object> SMALL_FORESTS = Map.of(AppConfig.FOREST_TREES_CONFIG, 30,
            AppConfig.FOREST_SAMPLE_SIZE_CONFIG, 64, AppConfig.SNAPSHOT_INTERVAL_CONFIG, 50);
    private static final String WARM = "good-a";

    private static EmbeddedKafka kafka;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
        kafka.createInputTopics(2, INPUT);
        kafka.createTopics(2, OUTPUT);
        kafka.createTopics(1, DLQ);
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** A record to send: what it is, its bytes (null: a tombstone), and the reason it must be refused for. */
    private record Kind(String name, byte[] value, String reason, Map<String, String> headers) {
        boolean good() {
            return reason == null;
        }
    }

    private static Kind bad(final String name, final String reason, final String json) {
        return new Kind(name, json == null ? null : utf8(json), reason, Map.of());
    }

    private static Kind bad(final String name, final String reason, final byte[] value) {
        return new Kind(name, value, reason, Map.of());
    }

    private static Kind good(final String name, final String json) {
        return new Kind(name, utf8(json), null, Map.of());
    }

    private static List<Kind> kinds() {
        final List<Kind> k = new ArrayList<>();
        k.add(bad("empty value", "empty", new byte[0]));
        k.add(bad("tombstone (null value)", "empty", (byte[]) null));
        k.add(bad("whitespace only", "not-an-object", " \n\t "));
        k.add(bad("truncated JSON", "malformed-json", "{\"iotName\":\"t\",\"iotVal"));
        k.add(bad("JSON array", "not-an-object", "[1,2,3]"));
        k.add(bad("JSON string", "not-an-object", "\"hello\""));
        k.add(bad("JSON number", "not-an-object", "42"));
        k.add(bad("JSON null", "not-an-object", "null"));
        k.add(bad("JSON boolean", "not-an-object", "true"));
        k.add(bad("NaN token", "malformed-json", "{\"iotName\":\"t\",\"iotValue\":NaN}"));
        k.add(bad("Infinity token", "malformed-json", "{\"iotName\":\"t\",\"iotValue\":Infinity}"));
        k.add(bad("-Infinity token", "malformed-json", "{\"iotName\":\"t\",\"iotValue\":-Infinity}"));
        k.add(bad("1e999", "non-finite-value", "{\"iotName\":\"t\",\"iotValue\":1e999}"));
        k.add(bad("-1e999", "non-finite-value", "{\"iotName\":\"t\",\"iotValue\":-1e999}"));
        k.add(bad("1e39, beyond float range", "value-out-of-range", "{\"iotName\":\"t\",\"iotValue\":1e39}"));
        k.add(bad("-1e39", "value-out-of-range", "{\"iotName\":\"t\",\"iotValue\":-1e39}"));
        k.add(bad("40-digit integer", "value-out-of-range", "{\"iotName\":\"t\",\"iotValue\":1" + "0".repeat(39)
                + "}"));
        k.add(bad("400-digit integer", "non-finite-value", "{\"iotName\":\"t\",\"iotValue\":9" + "9".repeat(399)
                + "}"));
        k.add(bad("5000-digit integer", "malformed-json", "{\"iotName\":\"t\",\"iotValue\":1" + "2".repeat(4999)
                + "}"));
        k.add(bad("missing sensor id", "missing-sensor-id", "{\"iotValue\":15}"));
        k.add(bad("empty object", "missing-sensor-id", "{}"));
        k.add(bad("empty sensor id", "missing-sensor-id", "{\"iotName\":\"\",\"iotValue\":15}"));
        k.add(bad("sensor id object", "missing-sensor-id", "{\"iotName\":{\"a\":1},\"iotValue\":15}"));
        k.add(bad("sensor id array", "missing-sensor-id", "{\"iotName\":[\"a\"],\"iotValue\":15}"));
        k.add(bad("sensor id boolean", "missing-sensor-id", "{\"iotName\":true,\"iotValue\":15}"));
        k.add(bad("sensor id null", "missing-sensor-id", "{\"iotName\":null,\"iotValue\":15}"));
        k.add(bad("sensor id fraction", "missing-sensor-id", "{\"iotName\":1.5,\"iotValue\":15}"));
        k.add(bad("sensor id of 100,000 chars", "sensor-id-too-long", "{\"iotName\":\"" + "s".repeat(100_000)
                + "\",\"iotValue\":15}"));
        k.add(bad("value string", "no-numeric-fields", "{\"iotName\":\"t\",\"iotValue\":\"15\"}"));
        k.add(bad("value boolean", "no-numeric-fields", "{\"iotName\":\"t\",\"iotValue\":false}"));
        k.add(bad("value null", "no-numeric-fields", "{\"iotName\":\"t\",\"iotValue\":null}"));
        k.add(bad("value object", "no-numeric-fields", "{\"iotName\":\"t\",\"iotValue\":{\"v\":15}}"));
        k.add(bad("value array", "no-numeric-fields", "{\"iotName\":\"t\",\"iotValue\":[15]}"));
        k.add(bad("no numeric field", "no-numeric-fields", "{\"iotName\":\"t\"}"));
        k.add(bad("nesting 5,000 deep", "malformed-json", "{\"iotName\":\"t\",\"iotValue\":1,\"n\":"
                + "[".repeat(5000) + "]".repeat(5000) + "}"));
        k.add(bad("root array nesting 200,000 deep", "malformed-json", "[".repeat(200_000)));
        k.add(bad("duplicate sensor id key", "malformed-json",
                "{\"iotName\":\"" + WARM + "\",\"iotName\":\"good-b\",\"iotValue\":15}"));
        k.add(bad("duplicate value key", "malformed-json",
                "{\"iotName\":\"" + WARM + "\",\"iotValue\":15,\"iotValue\":16}"));
        k.add(bad("invalid UTF-8 byte", "malformed-json", concat(utf8("{\"iotName\":\"t"),
                new byte[]{(byte) 0xff, (byte) 0xfe}, utf8("\",\"iotValue\":15}"))));
        k.add(bad("truncated UTF-8 sequence", "malformed-json", concat(utf8("{\"iotName\":\"t"),
                new byte[]{(byte) 0xe2, (byte) 0x82}, utf8("\",\"iotValue\":15}"))));
        k.add(bad("trailing garbage", "malformed-json", "{\"iotName\":\"t\",\"iotValue\":15}garbage"));
        k.add(bad("two objects", "malformed-json", "{\"iotName\":\"t\",\"iotValue\":15}{\"iotName\":\"t\"}"));
        k.add(bad("raw control character in a string", "malformed-json",
                "{\"iotName\":\"t\u0001\",\"iotValue\":15}"));
        k.add(bad("single quotes", "malformed-json", "{'iotName':'t','iotValue':15}"));
        k.add(bad("comment", "malformed-json", "{/* c */\"iotName\":\"t\",\"iotValue\":15}"));
        k.add(bad("leading zero", "malformed-json", "{\"iotName\":\"t\",\"iotValue\":015}"));
        k.add(bad("hex number", "malformed-json", "{\"iotName\":\"t\",\"iotValue\":0x0F}"));
        k.add(bad("over input.max.bytes", "oversized", "{\"iotName\":\"t\",\"iotValue\":15,\"pad\":\""
                + "p".repeat(1_200_000) + "\"}"));
        final StringBuilder fields = new StringBuilder("{\"iotName\":\"t\"");
        for (int i = 0; i < 31; i++) {
            fields.append(",\"f").append(i).append("\":").append(i);
        }
        k.add(bad("31 numeric fields", "too-many-fields", fields.append('}').toString()));
        k.add(bad("numeric field name of 300 bytes", "field-name-too-long", "{\"iotName\":\"t\",\""
                + "n".repeat(300) + "\":15}"));
        k.add(bad("a sensor's fields changed", "dimension-mismatch",
                "{\"iotName\":\"" + WARM + "\",\"iotValue\":15,\"extra\":1}"));

        // hostile but valid: each must be scored once like any reading
        k.add(new Kind("UTF-8 BOM before a reading (RFC 8259 lets parsers skip it)",
                concat(new byte[]{(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, utf8("{\"iotName\":\"bom\",\"iotValue\":3}")),
                null, Map.of()));
        k.add(good("numeric sensor id", "{\"iotName\":12345,\"iotValue\":3}"));
        k.add(good("escaped control characters in the sensor id", "{\"iotName\":\"c\\u0000\\n\\u001b[31m\","
                + "\"iotValue\":3}"));
        k.add(good("non-ASCII sensor id", "{\"iotName\":\"Sensör-\uD83C\uDF32\",\"iotValue\":3}"));
        k.add(good("sensor id of 256 bytes", "{\"iotName\":\"" + "l".repeat(256) + "\",\"iotValue\":3}"));
        k.add(good("nesting 500 deep beside the value", "{\"iotName\":\"deep\",\"iotValue\":3,\"n\":"
                + "[".repeat(500) + "]".repeat(500) + "}"));
        k.add(good("a 900 KB reading", "{\"iotName\":\"big\",\"iotValue\":3,\"pad\":\"" + "q".repeat(900_000)
                + "\"}"));
        k.add(good("1e-400 (underflows to 0)", "{\"iotName\":\"tiny\",\"iotValue\":1e-400}"));
        final StringBuilder thirty = new StringBuilder("{\"iotName\":\"thirty\"");
        for (int i = 0; i < 30; i++) {
            thirty.append(",\"f").append(i).append("\":").append(i);
        }
        k.add(good("30 numeric fields, the limit", thirty.append('}').toString()));
        k.add(new Kind("an arrival-time header that is no number", utf8("{\"iotName\":\"hdr\",\"iotValue\":3}"),
                null, Map.of("kinesis.approximate.arrival.timestamp", "soon")));
        return k;
    }

    @Test
    void hostileRecordsAreDeadLetteredWithTheirReasonAndGoodReadingsAreScoredOnceAndExactly() throws Exception {
        final List<Kind> kinds = kinds();
        assertThat(kinds.stream().filter(k -> !k.good()).count()).isGreaterThanOrEqualTo(30);
        final Map<String, Object> settings = new HashMap<>(SMALL_FORESTS);
        settings.put("bootstrap.servers", kafka.bootstrapServers());
        settings.put("application.id", "forestwatch-hostile-it");
        settings.put("state.dir", Files.createDirectories(tmp.resolve("state")).toString());
        settings.put(AppConfig.ORDER_WATERMARK_INTERVAL_MS_CONFIG, 200);
        final AppConfig config = new AppConfig(settings);

        try (App app = new App(config)) {
            app.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> app.streams().state() == KafkaStreams.State.RUNNING);
            final Set<String> threads = threadNames(app);

            final Sent sent = send(kinds, config);

            final Map<String, ConsumerRecord<byte[], byte[]>> scored = new LinkedHashMap<>();
            final List<ConsumerRecord<byte[], byte[]>> allScored = new ArrayList<>();
            final Map<String, ConsumerRecord<byte[], byte[]>> dead = new LinkedHashMap<>();
            final List<ConsumerRecord<byte[], byte[]>> allDead = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
                consumer.subscribe(List.of(OUTPUT, DLQ));
                try {
                    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ZERO).until(() -> {
                        poll(consumer, scored, allScored, dead, allDead);
                        return scored.keySet().containsAll(sent.good().keySet())
                                && dead.keySet().containsAll(sent.bad().keySet());
                    });
                } catch (ConditionTimeoutException e) {
                    throw new AssertionError("app " + app.streams().state() + "; not scored: " + missing(
                            sent.good(), scored.keySet(), Expected::kind) + "; not dead-lettered: "
                            + missing(sent.bad(), dead.keySet(), Kind::name), e);
                }
                // whatever else is committed now (a duplicate, a stray dead letter) is read before judging
                drainToEnd(consumer, scored, allScored, dead, allDead);
            }

            assertThat(app.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(threadNames(app)).as("no stream thread died and was replaced").isEqualTo(threads);

            assertThat(allScored).as("every good reading scored exactly once").hasSize(sent.good().size());
            assertThat(scored.keySet()).containsExactlyInAnyOrderElementsOf(sent.good().keySet());
            int positive = 0;
            for (final Map.Entry<String, ConsumerRecord<byte[], byte[]>> e : scored.entrySet()) {
                final JsonNode out = ReadingParser.MAPPER.readTree(e.getValue().value());
                final double score = out.get("ANOMALY_SCORE").asDouble();
                assertThat(Double.isFinite(score)).as("score of %s is finite", e.getKey()).isTrue();
                assertThat(out.get("ANOMALY_SCORE").isNumber()).isTrue();
                assertThat(score).as("score of %s (%s) as if the bad records never came", e.getKey(),
                        sent.good().get(e.getKey()).kind()).isEqualTo(sent.good().get(e.getKey()).score());
                positive += score > 0 ? 1 : 0;
            }
            assertThat(positive).as("warm forests scored").isGreaterThan(50);

            assertThat(allDead).as("every bad record dead-lettered exactly once").hasSize(sent.bad().size());
            for (final Map.Entry<String, Kind> e : sent.bad().entrySet()) {
                final ConsumerRecord<byte[], byte[]> r = dead.get(e.getKey());
                assertThat(header(r, DeadLetterProcessor.HEADER_REASON)).as(e.getValue().name())
                        .isEqualTo(e.getValue().reason());
                assertThat(header(r, DeadLetterProcessor.HEADER_DETAIL)).as(e.getValue().name()).isNotBlank();
                final byte[] expected = e.getValue().value();
                assertThat(r.value() == null ? new byte[0] : r.value()).as("%s unchanged", e.getValue().name())
                        .isEqualTo(expected == null ? new byte[0] : expected);
            }
        }
    }

    /** What was sent, by input coordinates: good readings with their expected score, bad ones with their kind. */
    private record Sent(Map<String, Expected> good, Map<String, Kind> bad) {
    }

    private record Expected(String kind, double score) {
    }

    private Sent send(final List<Kind> kinds, final AppConfig config) throws Exception {
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
        final ReadingParser parser = new ReadingParser(config.sensorIdField(), config.valueFields(),
                Integer.MAX_VALUE, List.of(), config.inputMaxFields());
        final ModelSettings modelSettings = config.modelSettings();
        final Map<String, SensorModel> reference = new HashMap<>();
        final Map<String, Long> seq = new HashMap<>();
        final Map<String, Expected> good = new LinkedHashMap<>();
        final Map<String, Kind> bad = new LinkedHashMap<>();
        final Random rnd = new Random(7);
        final List<Kind> stream = new ArrayList<>();
        // warm two forests, then three good readings around every kind
        for (int i = 0; i < 80; i++) {
            stream.add(reading(rnd, i));
        }
        int n = 80;
        for (final Kind k : kinds) {
            stream.add(k);
            for (int j = 0; j < 3; j++) {
                stream.add(reading(rnd, n++));
            }
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (final Kind k : stream) {
                final Message parsed = k.value() == null
                        ? null
                        : parser.parse(null, k.value(), new RecordHeaders(), Source.UNKNOWN);
                // keyed by sensor, so each sensor's readings keep their order, as the reference forest needs
                final byte[] key = parsed instanceof Reading r ? utf8(r.sensorId()) : null;
                final RecordHeaders headers = new RecordHeaders();
                k.headers().forEach((hk, hv) -> headers.add(hk, utf8(hv)));
                final RecordMetadata m = producer.send(new ProducerRecord<>(INPUT, null, key, k.value(), headers))
                        .get();
                final String id = INPUT + "-" + m.partition() + "-" + m.offset();
                if (k.good()) {
                    assertThat(parsed).as(k.name()).isInstanceOf(Reading.class);
                    final Reading r = (Reading) parsed;
                    final SensorModel model = reference.computeIfAbsent(r.sensorId(),
                            s -> SensorModel.create(modelSettings, s, r.fields()));
                    final double score = model.process(r.values(), seq.merge(r.sensorId(), 1L, Long::sum)).score();
                    good.put(id, new Expected(k.name(), score));
                } else {
                    bad.put(id, k);
                }
            }
        }
        return new Sent(good, bad);
    }

    private static Kind reading(final Random rnd, final int i) {
        final String sensor = i % 2 == 0 ? WARM : "good-b";
        final int value = rnd.nextDouble() < 0.03 ? 100 + rnd.nextInt(21) : 10 + rnd.nextInt(11);
        return good("reading", "{\"iotName\":\"" + sensor + "\",\"iotValue\":" + value + "}");
    }

    private static void poll(final KafkaConsumer<byte[], byte[]> consumer,
            final Map<String, ConsumerRecord<byte[], byte[]>> scored, final List<ConsumerRecord<byte[], byte[]>> all,
            final Map<String, ConsumerRecord<byte[], byte[]>> dead, final List<ConsumerRecord<byte[], byte[]>> allDead)
            throws IOException {
        for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            if (r.topic().equals(OUTPUT)) {
                all.add(r);
                scored.put(ReadingParser.MAPPER.readTree(r.value()).get("recordId").asText(), r);
            } else {
                allDead.add(r);
                dead.put(header(r, DeadLetterProcessor.HEADER_TOPIC) + "-"
                        + header(r, DeadLetterProcessor.HEADER_PARTITION) + "-"
                        + header(r, DeadLetterProcessor.HEADER_OFFSET), r);
            }
        }
    }

    private static void drainToEnd(final KafkaConsumer<byte[], byte[]> consumer,
            final Map<String, ConsumerRecord<byte[], byte[]>> scored, final List<ConsumerRecord<byte[], byte[]>> all,
            final Map<String, ConsumerRecord<byte[], byte[]>> dead,
            final List<ConsumerRecord<byte[], byte[]>> allDead) {
        final Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ZERO).until(() -> {
            poll(consumer, scored, all, dead, allDead);
            return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
        });
    }

    private static <V> List<String> missing(final Map<String, V> sent, final Set<String> seen,
            final java.util.function.Function<V, String> name) {
        return sent.entrySet().stream().filter(e -> !seen.contains(e.getKey()))
                .map(e -> e.getKey() + " " + name.apply(e.getValue())).collect(Collectors.toList());
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        return OutputReader.consumer(kafka.bootstrapServers(), "hostile-it-reader", new ByteArrayDeserializer(),
                Map.of(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024));
    }

    private static Set<String> threadNames(final App app) {
        return app.streams().metadataForLocalThreads().stream().map(ThreadMetadata::threadName)
                .collect(Collectors.toSet());
    }

    private static String header(final ConsumerRecord<byte[], byte[]> r, final String name) {
        final Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(final byte[]... parts) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] b : parts) {
            out.writeBytes(b);
        }
        return out.toByteArray();
    }
}
