package dev.forestwatch.streams.processor;

import dev.forestwatch.streams.model.Message;
import dev.forestwatch.streams.model.Reading;
import dev.forestwatch.streams.model.Source;
import dev.forestwatch.streams.model.Watermark;
import dev.forestwatch.streams.parse.ReadingParser;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Parses raw input; good readings are keyed by sensor id, bad ones pass on as Rejected for the dead-letter topic.
 * It also broadcasts its watermark, the first link of the chain that tells the ordering step a second is complete.
 */
public final class ParseProcessor implements Processor<byte[], byte[], String, Message> {

    /** Internal topics drop null keys, so watermarks carry this one (their partitioner ignores it). */
    public static final String WATERMARK_KEY = "";
    /** The newest origin position (shard -> sequence/sub-sequence) each input partition passed. */
    public static final String REPLAY_STORE = "replay-positions";

    private final ReadingParser parser;
    private final long watermarkIntervalMs;
    private final long idleMs;
    private final List<String> originHeaders;
    private ProcessorContext<String, Message> context;
    private WatermarkEmitter emitter;
    private ReplayFilter replays;
    private TaskMetrics metrics;

    /** @param originHeaders shard, sequence and sub-sequence headers whose replays are dropped; empty for none */
    public ParseProcessor(final ReadingParser parser, final long watermarkIntervalMs, final long idleMs,
            final List<String> originHeaders) {
        this.parser = parser;
        this.watermarkIntervalMs = watermarkIntervalMs;
        this.idleMs = idleMs;
        this.originHeaders = List.copyOf(originHeaders);
    }

    @Override
    public void init(final ProcessorContext<String, Message> context) {
        this.context = context;
        this.emitter = new WatermarkEmitter(context.taskId().toString(), idleMs);
        this.metrics = new TaskMetrics(context.metrics(), context.taskId().toString());
        if (originHeaders.size() >= 2) {
            this.replays = new ReplayFilter(context.getStateStore(REPLAY_STORE), originHeaders);
        }
        context.schedule(Duration.ofMillis(watermarkIntervalMs), PunctuationType.WALL_CLOCK_TIME,
                now -> send(emitter.tick(now, context.currentStreamTimeMs(), true)));
    }

    @Override
    public void process(final Record<byte[], byte[]> record) {
        send(emitter.beforeRecord(context.currentSystemTimeMs(), context::currentStreamTimeMs));
        if (replays != null && replays.isReplay(record.headers())) {
            // scored and delivered before the source crashed: scoring it again would teach its forest twice
            metrics.record("replays-dropped");
            return;
        }
        final Source source = context.recordMetadata()
                .map(m -> new Source(m.topic(), m.partition(), m.offset()))
                .orElse(Source.UNKNOWN);
        final Message m = parser.parse(record.key(), record.value(), record.headers(), source);
        final String key = m instanceof Reading r ? r.sensorId() : null;
        context.forward(record.withKey(key).withValue(m));
    }

    private void send(final Watermark w) {
        if (w != null) {
            context.forward(new Record<>(WATERMARK_KEY, w, Math.max(w.streamTime(), 0L)));
        }
    }
}
