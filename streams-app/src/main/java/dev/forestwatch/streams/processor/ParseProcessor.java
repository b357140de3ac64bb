package dev.forestwatch.streams.processor;

import dev.forestwatch.streams.metrics.TaskMetrics;
import dev.forestwatch.streams.model.Message;
import dev.forestwatch.streams.model.Reading;
import dev.forestwatch.streams.model.Source;
import dev.forestwatch.streams.order.Rowtime;
import dev.forestwatch.streams.parse.ReadingParser;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses raw input; good readings are keyed by sensor id, bad ones pass on as Rejected for the dead-letter topic.
 * It also broadcasts its watermark, the first link of the chain that tells the ordering step a second is complete.
 */
public final class ParseProcessor implements Processor<byte[], byte[], String, Message> {

    private static final Logger LOG = LoggerFactory.getLogger(ParseProcessor.class);

    /** Internal topics drop null keys, so watermarks carry this one (their partitioner ignores it). */
    public static final String WATERMARK_KEY = "";
    /** The newest origin position (shard -> sequence/sub-sequence) each input partition passed. */
    public static final String REPLAY_STORE = "replay-positions";

    /**
     * @param watermarkIntervalMs how often to tell the scoring tasks how far this task has got
     * @param idleMs wall-clock time without input after which this task says it is idle
     * @param originHeaders shard, sequence and sub-sequence headers whose replays are dropped; empty for none
     * @param ingestTime order by the time records entered the input topic, else by their arrival time at the source
     * @param arrivalHeader the header with the arrival time at the source, epoch ms
     */
    public record Settings(long watermarkIntervalMs, long idleMs, List<String> originHeaders, boolean ingestTime,
            String arrivalHeader) {
        public Settings {
            originHeaders = List.copyOf(originHeaders);
        }
    }

    private final ReadingParser parser;
    private final Settings settings;
    private ProcessorContext<String, Message> context;
    private WatermarkSender<String> watermarks;
    private ReplayFilter replays;
    private TaskMetrics metrics;
    private Rowtime rowtime;

    public ParseProcessor(final ReadingParser parser, final Settings settings) {
        this.parser = parser;
        this.settings = settings;
    }

    @Override
    public void init(final ProcessorContext<String, Message> context) {
        this.context = context;
        this.watermarks = new WatermarkSender<>(context, WATERMARK_KEY, settings.idleMs());
        this.metrics = new TaskMetrics(context.metrics(), context.taskId().toString());
        this.rowtime = new Rowtime(settings.ingestTime(), settings.arrivalHeader());
        if (settings.originHeaders().size() >= 2) {
            this.replays = new ReplayFilter(context.getStateStore(REPLAY_STORE), settings.originHeaders());
        }
        context.schedule(Duration.ofMillis(settings.watermarkIntervalMs()), PunctuationType.WALL_CLOCK_TIME,
                now -> watermarks.tick(now, rowtime.watermark(context.currentStreamTimeMs()), true));
    }

    @Override
    public void process(final Record<byte[], byte[]> record) {
        final long arrival = rowtime.arrival(record.timestamp(), record.headers());
        final long time = rowtime.of(record.timestamp(), arrival, context.currentStreamTimeMs());
        final long now = context.currentSystemTimeMs();
        watermarks.beforeRecord(now, () -> rowtime.watermark(context.currentStreamTimeMs()));
        final Source source = context.recordMetadata()
                .map(m -> new Source(m.topic(), m.partition(), m.offset()))
                .orElse(Source.UNKNOWN);
        if (replays != null) {
            final ReplayFilter.Verdict verdict = replays.check(record.headers());
            if (verdict == ReplayFilter.Verdict.REPLAY) {
                // scored and delivered before the source crashed: scoring it again would teach its forest twice
                metrics.record("replays-dropped");
                return;
            }
            if (verdict == ReplayFilter.Verdict.RESET) {
                metrics.record("replay-position-resets");
                LOG.warn("Input {}: a Kinesis position below every one seen for its stream and shard (a re-created "
                        + "stream?); the record is scored and replay detection for that shard starts over",
                        source.coordinates());
            }
        }
        final Message parsed = parser.parse(record.key(), record.value(), record.headers(), source);
        if (parsed instanceof Reading r) {
            context.forward(record.withKey(r.sensorId())
                    .withValue((Message) r.withArrival(arrival))
                    .withTimestamp(time));
        } else {
            context.forward(record.withKey((String) null).withValue(parsed).withTimestamp(time));
        }
        // a new second: say so now rather than at the next tick, since that second's predecessor can then go out
        final long mark = rowtime.watermark(context.currentStreamTimeMs());
        if (Math.floorDiv(mark, 1000L) > Math.floorDiv(watermarks.newestSent(), 1000L)) {
            watermarks.tick(now, mark, false);
        }
    }
}
