package dev.forestwatch.connect.common.send;

import dev.forestwatch.connect.common.batch.OutgoingRecord;
import java.util.List;

/**
 * What a sink does in one attempt at a batch: one request (a _bulk, a PutRecordBatch) and how its answer reads.
 * The retries, the error policy and the settling are {@link SendLoop}'s.
 */
public interface BatchCall {

    /**
     * Sends the entries once, in their order.
     *
     * @return the answer, never null
     * @throws org.apache.kafka.connect.errors.ConnectException
     *             when the call failed for a reason no retry can fix (credentials, a missing stream); its message
     *             names the setting to change and never quotes the entries' data
     */
    Answer call(List<OutgoingRecord> request) throws InterruptedException;
}
