package dev.forestwatch.connect.firehose.batch;

import dev.forestwatch.connect.common.send.OnRefusal;
import dev.forestwatch.connect.common.send.RefusalPolicy;
import dev.forestwatch.connect.common.send.RetryBudget;
import dev.forestwatch.connect.common.send.RetrySettings;
import dev.forestwatch.connect.common.send.SendLoop;
import dev.forestwatch.connect.common.send.SendStats;
import java.util.List;
import java.util.Locale;

/** The send loop as the Firehose task builds it, around a stub client. */
final class Senders {

    private Senders() {
    }

    static SendLoop firehose(final StubFirehose stub, final String stream, final long backoffMs,
            final long backoffMaxMs, final long retryMs, final OnRefusal onError, final RetryBudget.Sleeper sleeper,
            final SendStats stats) {
        final String target = "Firehose stream '" + stream + "'";
        return new SendLoop(target, new PutRecordBatchCall(stub, stream),
                new RetrySettings(backoffMs, backoffMaxMs, retryMs, "retry.max.duration.ms"),
                new RefusalPolicy(target, onError, "behavior.on.error", onError.name().toLowerCase(Locale.ROOT),
                        List.of("ignore"), null),
                null, sleeper, stats);
    }
}
