package dev.forestwatch.local.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forestwatch.local.PipelineNames;
import dev.forestwatch.local.server.EmbeddedElasticsearch;
import dev.forestwatch.local.server.EmbeddedKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The figures of the pipeline's status line, stage by stage: readings Kinesis accepted, records the source put in
 * Kafka, records the streams app scored (read committed, so aborted transactions don't count), documents in
 * Elasticsearch, anomalies found, and how far behind the index is. One thread calls {@link #sample()}; the
 * dashboard reads the last sample from any thread.
 */
final class PipelineStatus implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Sources sources;
    private final double threshold;
    private final KafkaConsumer<String, String> scoredConsumer;
    private long scored;
    private long anomalies;
    private volatile Sample last = new Sample(0, 0, 0, 0, 0, null, 0);

    /** One status line's figures; {@code lag} is null until the first document is indexed. */
    record Sample(long inKinesis, long inKafka, long scored, long indexed, long anomalies, Duration lag,
            long toFirehose) {
        String line() {
            return String.format(Locale.ROOT,
                    "status: in Kinesis %,d | in Kafka %,d | scored %,d | indexed %,d | anomalies %,d | lag %s"
                            + " | to Firehose %,d",
                    inKinesis, inKafka, scored, indexed, anomalies,
                    lag == null ? "-" : String.format(Locale.ROOT, "%.1f s", lag.toMillis() / 1000.0), toFirehose);
        }

        Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("inKinesis", inKinesis);
            m.put("inKafka", inKafka);
            m.put("scored", scored);
            m.put("indexed", indexed);
            m.put("anomalies", anomalies);
            m.put("lagSeconds", lag == null ? null : lag.toMillis() / 1000.0);
            m.put("toFirehose", toFirehose);
            return m;
        }
    }

    /**
     * Where the figures come from: the generator's count of readings Kinesis accepted, the broker, Elasticsearch,
     * and the local Firehose's count of records delivered. The topics and the index are the pipeline's own.
     */
    record Sources(LongSupplier inKinesis, EmbeddedKafka kafka, EmbeddedElasticsearch es, LongSupplier toFirehose) {
    }

    /** Anomalies are the scored records from {@code threshold} up. */
    PipelineStatus(Sources sources, double threshold) {
        this.sources = sources;
        this.threshold = threshold;
        this.scoredConsumer = TopicReader.readCommitted(sources.kafka().bootstrapServers(),
                "forestwatch-pipeline-status", PipelineNames.OUTPUT_TOPIC);
    }

    /** Takes a new sample: drains the scored topic briefly, asks Kafka and Elasticsearch. */
    Sample sample() {
        // drain what arrived since the last sample, bounded so a long backlog cannot stall the status line
        long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        int n;
        do {
            n = 0;
            for (ConsumerRecord<String, String> r : scoredConsumer.poll(Duration.ofMillis(100))) {
                n++;
                scored++;
                if (score(r.value()) >= threshold) {
                    anomalies++;
                }
            }
        } while (n > 0 && System.nanoTime() < until);
        long indexed = last.indexed();
        Duration lag = last.lag();
        try {
            JsonNode newest = sources.es().post("/" + PipelineNames.INDEX + "/_search",
                    "{\"size\":0,\"track_total_hits\":true,\"aggs\":{\"newest\":{\"max\":{\"field\":\"created\"}}}}");
            indexed = newest.path("hits").path("total").path("value").asLong();
            JsonNode max = newest.path("aggregations").path("newest").path("value");
            if (max.isNumber()) {
                // created is the record's second: the lag includes up to a second of that rounding
                lag = Duration.between(Instant.ofEpochMilli(max.asLong()), Instant.now());
            }
        } catch (RuntimeException e) {
            // no index yet (404), its shards still allocating (503), Elasticsearch busy: the last figures stand,
            // a status line must never stop the pipeline
        }
        last = new Sample(sources.inKinesis().getAsLong(), endOffsets(PipelineNames.INPUT_TOPIC), scored, indexed,
                anomalies, lag, sources.toFirehose().getAsLong());
        return last;
    }

    Sample last() {
        return last;
    }

    private long endOffsets(String topic) {
        Admin admin = sources.kafka().admin();
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS).get(topic).partitions()
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS).values().stream()
                    .mapToLong(i -> i.offset()).sum();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return last.inKafka();
        } catch (ExecutionException | TimeoutException e) {
            return last.inKafka();
        }
    }

    private static double score(String json) {
        try {
            return JSON.readTree(json).path("ANOMALY_SCORE").asDouble(0);
        } catch (Exception e) {
            return 0;
        }
    }

    @Override
    public void close() {
        scoredConsumer.close(Duration.ofSeconds(2));
    }
}
