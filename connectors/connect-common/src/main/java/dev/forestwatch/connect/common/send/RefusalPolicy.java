package dev.forestwatch.connect.common.send;

import dev.forestwatch.connect.common.batch.OutgoingRecord;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sink's policy for records the destination will never take: fail, report to the dead-letter topic, warn or
 * ignore. Messages name the record by topic, partition and offset and the setting that changes the policy, never
 * the record's content.
 */
public final class RefusalPolicy {

    private static final Logger LOG = LoggerFactory.getLogger(RefusalPolicy.class);

    private final String target;
    private final OnRefusal action;
    private final String setting;
    private final String configured;
    private final List<String> skipChoices;
    private final ErrantRecordReporter reporter;

    /**
     * @param target
     *            who refuses, for messages: "Elasticsearch", "Firehose stream 'S'"
     * @param configured
     *            the setting's value as the user wrote it, for log lines
     * @param skipChoices
     *            the values of the setting that skip a record, offered in the failure message
     * @param reporter
     *            the dead-letter reporter; needed for {@link OnRefusal#REPORT} only
     */
    public RefusalPolicy(final String target, final OnRefusal action, final String setting, final String configured,
            final List<String> skipChoices, final ErrantRecordReporter reporter) {
        this.target = target;
        this.action = action;
        this.setting = setting;
        this.configured = configured;
        this.skipChoices = List.copyOf(skipChoices);
        this.reporter = reporter;
    }

    /**
     * The worker's reporter when the policy reports, else null; a missing one fails the start, so a record is
     * never refused into a dead-letter topic that does not exist.
     */
    public static ErrantRecordReporter reporterFor(final OnRefusal action, final String setting,
            final List<String> skipChoices, final Supplier<ErrantRecordReporter> fromContext) {
        if (action != OnRefusal.REPORT) {
            return null;
        }
        final ErrantRecordReporter reporter = fromContext.get();
        if (reporter == null) {
            throw new ConnectException(setting + "=report needs a dead-letter topic: set errors.tolerance=all and "
                    + "errors.deadletterqueue.topic.name, or choose fail or " + String.join(" or ", skipChoices));
        }
        return reporter;
    }

    /**
     * Applies the policy to a refused record; it is then settled by the caller.
     *
     * @param reason
     *            the whole reason, for the dead-letter copy (which holds the record anyway)
     * @param shown
     *            the reason as logs and task errors may show it
     * @throws ConnectException
     *             under {@link OnRefusal#FAIL}, or when the dead-letter copy could not be written
     */
    public void refuse(final OutgoingRecord e, final String reason, final String shown, final SendStats stats)
            throws InterruptedException {
        stats.refused.incrementAndGet();
        switch (action) {
            case FAIL:
                throw new ConnectException(target + " refused record " + e + ": " + shown + ". Set " + setting
                        + "=report (with a dead-letter topic) or " + String.join(" or ", skipChoices)
                        + " to go on without it.");
            case REPORT:
                try {
                    // waited for, so the offset is committed only once the dead-letter copy is written
                    reporter.report(e.record(), new ConnectException(reason)).get(60, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException ex) {
                    throw new ConnectException("could not report record " + e + " to the dead-letter topic", ex);
                }
                stats.reported.incrementAndGet();
                LOG.warn("Reported record {} to the dead-letter topic: {}", e, shown);
                break;
            case WARN:
                LOG.warn("Skipped record {} ({}={}): {}", e, setting, configured, shown);
                break;
            default:
                break;
        }
    }
}
