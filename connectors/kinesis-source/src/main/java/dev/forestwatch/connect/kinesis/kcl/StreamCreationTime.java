package dev.forestwatch.connect.kinesis.kcl;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * Reads a stream's creation time once, for the {@code kinesis.stream.created} header. Best effort: the header
 * only helps the streams app tell a re-created stream from a replay, so a failure (a missing
 * {@code kinesis:DescribeStreamSummary} permission, say) costs the header, not the task.
 */
final class StreamCreationTime {

    private static final Logger LOG = LoggerFactory.getLogger(StreamCreationTime.class);
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private StreamCreationTime() {
    }

    /** The creation time, or null (after one WARN) when DescribeStreamSummary fails or takes too long. */
    static Instant read(final KinesisAsyncClient kinesis, final String stream, final Duration timeout) {
        try {
            final Instant created = kinesis.describeStreamSummary(r -> r.streamName(stream))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .streamDescriptionSummary().streamCreationTimestamp();
            if (created == null) {
                warn(stream, "the answer has no creation time");
            }
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            warn(stream, "interrupted");
        } catch (ExecutionException e) {
            warn(stream, String.valueOf(e.getCause()));
        } catch (TimeoutException e) {
            warn(stream, "no answer within " + timeout.toMillis() + " ms");
        } catch (RuntimeException e) {
            warn(stream, e.toString());
        }
        return null;
    }

    private static void warn(final String stream, final String why) {
        LOG.warn("Could not read the creation time of Kinesis stream '{}' with DescribeStreamSummary ({}); its "
                + "records go without the kinesis.stream.created header. Grant kinesis:DescribeStreamSummary "
                + "and check aws.kinesis.endpoint to have it", stream, why);
    }
}
