package dev.forestwatch.connect.firehose.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import dev.forestwatch.connect.common.batch.OutgoingRecord;
import dev.forestwatch.connect.common.send.OnRefusal;
import dev.forestwatch.connect.common.send.SendLoop;
import dev.forestwatch.connect.common.send.SendStats;
import dev.forestwatch.connect.common.testing.LogCapture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the Firehose sink logs, or throws, about records Firehose refuses names them but never quotes them. */
class PayloadNotLoggedTest {

    private static final String SECRET = "SECRET-PAYLOAD-51c9";

    @RegisterExtension
    final LogCapture logs = LogCapture.perTest();

    private static List<OutgoingRecord> secrets() {
        final List<OutgoingRecord> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            final String data = "{\"note\":\"" + SECRET + "\",\"n\":" + i + "}";
            out.add(OutgoingRecord.of(new SinkRecord("scored", 0, null, null, null, data, i),
                    data.getBytes(StandardCharsets.UTF_8), 0L));
        }
        return out;
    }

    private static SendLoop sender(final StubFirehose stub, final OnRefusal onError) {
        return Senders.firehose(stub, "ProcessedStreamData", 1, 1, 60_000, onError, ms -> {
        }, new SendStats());
    }

    private List<String> logged() {
        return logs.lines();
    }

    @Test
    void ignoredRefusalsAreLoggedByCoordinatesOnly() throws Exception {
        final StubFirehose stub = StubFirehose.failing(d -> d.contains("\"n\":1"), "InvalidArgumentException");
        sender(stub, OnRefusal.WARN).send(secrets(), e -> {
        });
        assertThat(logged()).anyMatch(l -> l.contains("scored-0@1") && l.contains("InvalidArgumentException"));
        assertThat(logged()).noneMatch(l -> l.contains(SECRET));
    }

    @Test
    void aRefusalThatFailsTheTaskDoesNotQuoteTheRecord() {
        final StubFirehose stub = StubFirehose.failing(d -> d.contains("\"n\":2"), "InvalidArgumentException");
        final Throwable t = catchThrowable(() -> sender(stub, OnRefusal.FAIL).send(secrets(), e -> {
        }));
        assertThat(t).hasMessageContaining("scored-0@2").hasMessageContaining("behavior.on.error");
        assertThat(ThrowableProxyUtil.asString(new ThrowableProxy(t))).doesNotContain(SECRET);
        assertThat(logged()).noneMatch(l -> l.contains(SECRET));
    }
}
