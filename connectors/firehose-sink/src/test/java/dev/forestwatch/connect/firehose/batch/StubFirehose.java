package dev.forestwatch.connect.firehose.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;

/** A FirehoseClient in memory: answers PutRecordBatch with a scripted function and keeps every request. */
final class StubFirehose implements FirehoseClient {

    final List<PutRecordBatchRequest> requests = new ArrayList<>();
    final List<String> delivered = new ArrayList<>();
    private final Function<PutRecordBatchRequest, PutRecordBatchResponse> answer;

    StubFirehose(final Function<PutRecordBatchRequest, PutRecordBatchResponse> answer) {
        this.answer = answer;
    }

    /** Accepts everything except entries whose data the predicate rejects (answered with the given code). */
    static StubFirehose failing(final java.util.function.Predicate<String> fails, final String code) {
        final StubFirehose[] self = new StubFirehose[1];
        self[0] = new StubFirehose(req -> {
            final List<PutRecordBatchResponseEntry> out = new ArrayList<>();
            int failed = 0;
            for (final var r : req.records()) {
                final String data = r.data().asUtf8String();
                if (fails.test(data)) {
                    failed++;
                    out.add(PutRecordBatchResponseEntry.builder().errorCode(code).errorMessage("injected").build());
                } else {
                    self[0].delivered.add(data);
                    out.add(PutRecordBatchResponseEntry.builder().recordId("id-" + self[0].delivered.size()).build());
                }
            }
            return PutRecordBatchResponse.builder().failedPutCount(failed).requestResponses(out).build();
        });
        return self[0];
    }

    @Override
    public synchronized PutRecordBatchResponse putRecordBatch(final PutRecordBatchRequest request) {
        requests.add(request);
        return answer.apply(request);
    }

    @Override
    public String serviceName() {
        return "firehose";
    }

    @Override
    public void close() {
    }
}
