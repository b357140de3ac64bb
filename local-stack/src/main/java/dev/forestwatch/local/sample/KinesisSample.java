package dev.forestwatch.local.sample;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forestwatch.local.Flags;
import dev.forestwatch.local.Logging;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * The first records of a Kinesis stream as JSON lines, for {@code ./forestwatch discover --kinesis-stream}: the
 * streams app's discovery reads files and topics, and the Kinesis client lives here, not in the app's jar. Each
 * shard is read from its trim horizon until it has no more or the sample is full; nothing is checkpointed.
 */
public final class KinesisSample {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_PER_CALL = 10_000;
    static final String USAGE = String.join("\n",
            "usage: KinesisSample --kinesis-stream NAME --out FILE [--records N (1000)] [--kinesis-endpoint URL]",
            "       [--region R (us-east-1)]   (the default AWS credentials chain; fake keys with an endpoint)");

    private KinesisSample() {
    }

    /** Copies up to {@code max} records, shard after shard, within {@code timeout}; returns how many. */
    public static long copy(KinesisClient client, String stream, int max, Duration timeout, Path out)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long n = 0;
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (Shard shard : shards(client, stream)) {
                String iterator = client.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
                while (iterator != null && n < max && System.nanoTime() < deadline) {
                    String it = iterator;
                    int limit = (int) Math.min(MAX_PER_CALL, max - n);
                    GetRecordsResponse r = client.getRecords(b -> b.shardIterator(it).limit(limit));
                    for (Record record : r.records()) {
                        w.write(line(record.data().asByteArray()));
                        w.newLine();
                        n++;
                    }
                    boolean caughtUp = r.records().isEmpty() && (r.millisBehindLatest() == null
                            || r.millisBehindLatest() == 0);
                    iterator = caughtUp ? null : r.nextShardIterator();
                }
            }
        }
        return n;
    }

    private static List<Shard> shards(KinesisClient client, String stream) {
        List<Shard> shards = new ArrayList<>();
        ListShardsResponse page = client.listShards(ListShardsRequest.builder().streamName(stream).build());
        shards.addAll(page.shards());
        while (page.nextToken() != null) {
            String token = page.nextToken();
            page = client.listShards(b -> b.nextToken(token));
            shards.addAll(page.shards());
        }
        return shards;
    }

    /** One record on one line: JSON spread over lines compacted, anything else with its line breaks as spaces. */
    static String line(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        if (text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
            return text;
        }
        try {
            return JSON.readTree(data).toString();
        } catch (IOException e) {
            return text.replace('\n', ' ').replace('\r', ' ');
        }
    }

    public static void main(String[] args) throws IOException {
        Logging.useBundledConfig(Logging.CONSOLE_CONFIG);
        Flags flags;
        try {
            flags = Flags.parse(args);
            if (!flags.has("kinesis-stream") || !flags.has("out")) {
                throw new IllegalArgumentException("--kinesis-stream and --out are needed");
            }
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        String stream = flags.string("kinesis-stream", null);
        Path out = Path.of(flags.string("out", null));
        KinesisClientBuilder builder = KinesisClient.builder()
                .region(Region.of(flags.string("region", "us-east-1")));
        if (flags.has("kinesis-endpoint")) {
            // an emulator checks no keys, and a developer machine may have none
            builder.endpointOverride(URI.create(flags.string("kinesis-endpoint", null)))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("forestwatch",
                            "forestwatch")));
        } else {
            builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
        }
        try (KinesisClient client = builder.build()) {
            long n = copy(client, stream, flags.intValue("records", 1000), Duration.ofSeconds(30), out);
            System.err.printf("forestwatch: copied %,d records of Kinesis stream %s to %s%n", n, stream, out);
        } catch (SdkException e) {
            // the SDK's message says what failed (no such stream, refused, no credentials); its stack adds nothing
            System.err.println("forestwatch: cannot read Kinesis stream " + stream + ": " + e.getMessage()
                    + "\n(check --kinesis-stream, --kinesis-endpoint, --region and the AWS credentials)");
            System.exit(1);
        }
    }
}
