package dev.forestwatch.connect.firehose.batch;

import dev.forestwatch.connect.common.batch.OutgoingRecord;
import dev.forestwatch.connect.common.send.Answer;
import dev.forestwatch.connect.common.send.BatchCall;
import dev.forestwatch.connect.common.send.SendLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.connect.errors.ConnectException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.FirehoseException;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * One PutRecordBatch call and how its answer reads. PutRecordBatch answers 200 even when some entries failed: each
 * entry's error code decides whether it is retried (alone, by {@link SendLoop}; resending the whole batch would
 * duplicate the accepted ones) or refused for good. Throttling, 5xx and network errors retry the call.
 */
public final class PutRecordBatchCall implements BatchCall {

    /** Per-entry and per-call error codes worth retrying; anything else is permanent. */
    static final Set<String> RETRIABLE_CODES = Set.of("ServiceUnavailableException", "ServiceUnavailable",
            "InternalFailure", "InternalFailureException", "InternalServerError", "ThrottlingException",
            "Throttling", "LimitExceededException", "RequestTimeout", "RequestTimeoutException");

    private final FirehoseClient client;
    private final String stream;

    public PutRecordBatchCall(final FirehoseClient client, final String stream) {
        this.client = client;
        this.stream = stream;
    }

    @Override
    public Answer call(final List<OutgoingRecord> request) {
        final PutRecordBatchResponse response;
        try {
            response = client.putRecordBatch(request(request));
        } catch (FirehoseException e) {
            if (!retriable(e)) {
                throw new ConnectException("Firehose refused a batch for stream '" + stream + "' (" + code(e)
                        + ", HTTP " + e.statusCode() + "): " + errorMessage(e) + hint(e), e);
            }
            return new Answer.RetryCall(code(e) + " (HTTP " + e.statusCode() + ")");
        } catch (SdkClientException e) {
            // no answer (connection reset, timeout): the batch may or may not have landed; resending is the
            // at-least-once choice, as a lost record is worse than a rare duplicate
            return new Answer.RetryCall(e.getMessage());
        }
        if (response.failedPutCount() != null && response.failedPutCount() == 0
                && response.requestResponses().size() == request.size()) {
            return Answer.ALL_TAKEN;
        }
        final List<PutRecordBatchResponseEntry> entries = response.requestResponses();
        final List<Answer.Result> results = new ArrayList<>(entries.size());
        for (final PutRecordBatchResponseEntry r : entries) {
            final String code = r.errorCode();
            if (code == null) {
                results.add(Answer.Result.TAKEN);
            } else if (RETRIABLE_CODES.contains(code)) {
                results.add(Answer.Result.retry(code + " (" + r.errorMessage() + ")"));
            } else {
                final String reason = code + ": " + r.errorMessage();
                results.add(Answer.Result.refused(reason, reason));
            }
        }
        return new Answer.PerEntry(results);
    }

    private PutRecordBatchRequest request(final List<OutgoingRecord> entries) {
        final List<Record> records = new ArrayList<>(entries.size());
        for (final OutgoingRecord e : entries) {
            records.add(Record.builder().data(SdkBytes.fromByteArrayUnsafe(e.data())).build());
        }
        return PutRecordBatchRequest.builder().deliveryStreamName(stream).records(records).build();
    }

    static boolean retriable(final FirehoseException e) {
        return e.isThrottlingException() || e.statusCode() >= 500 || RETRIABLE_CODES.contains(code(e));
    }

    /**
     * The service's error code, or a placeholder: the SDK leaves the details null when the answer had no parsable
     * error body (a proxy's HTML page, a truncated response), and the status is then all there is to go on.
     */
    private static String code(final FirehoseException e) {
        final String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return code == null ? "no error code" : code;
    }

    private static String errorMessage(final FirehoseException e) {
        final String m = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
        return m == null ? "no error details in the answer" : m;
    }

    private static String hint(final FirehoseException e) {
        final String code = code(e);
        if ("ResourceNotFoundException".equals(code)) {
            return ". Check delivery.stream and aws.region.";
        }
        if (e.statusCode() == 403 || code.contains("AccessDenied") || code.contains("Unrecognized")) {
            return ". Check the credentials (aws.access.key.id, aws.sts.role.arn or the default chain) and that "
                    + "they allow firehose:PutRecordBatch.";
        }
        if (e.awsErrorDetails() == null) {
            return ". Check that aws.firehose.endpoint (if set) is a Firehose endpoint, and delivery.stream and "
                    + "aws.region.";
        }
        return "";
    }
}
