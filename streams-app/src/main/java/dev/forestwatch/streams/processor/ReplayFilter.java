package dev.forestwatch.streams.processor;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Recognizes records an at-least-once source wrote twice, from the origin coordinates in their headers (the
 * Kinesis source's shard id, sequence number and sub-sequence number), so a replay does not update its sensor's
 * forest a second time.
 *
 * <p>Why this holds: one input partition receives a shard's records in sequence order (the source keys them by
 * partition key and its producer keeps each partition's order), and a source that crashes re-reads from its last
 * checkpoint, so a replayed record is never newer than the newest one this partition already passed. Per input
 * partition (this task) and shard, a record at or below the newest position seen is a replay. The positions live
 * in a changelogged store, committed with the outputs (exactly-once), so a restarted task remembers them.
 */
final class ReplayFilter {

    private final KeyValueStore<String, byte[]> positions;
    private final String shardHeader;
    private final String sequenceHeader;
    private final String subSequenceHeader;

    /** {@code headers}: shard id, sequence number and optionally sub-sequence number header names. */
    ReplayFilter(final KeyValueStore<String, byte[]> positions, final List<String> headers) {
        this.positions = positions;
        this.shardHeader = headers.get(0);
        this.sequenceHeader = headers.get(1);
        this.subSequenceHeader = headers.size() > 2 ? headers.get(2) : null;
    }

    /** True if the record is a replay; otherwise remembers its position. Records without coordinates pass. */
    boolean isReplay(final Headers headers) {
        final String shard = value(headers, shardHeader);
        final String sequence = value(headers, sequenceHeader);
        if (shard == null || sequence == null || !isDigits(sequence)) {
            return false;
        }
        final String sub = subSequenceHeader == null ? null : value(headers, subSequenceHeader);
        final long subSequence = sub != null && isDigits(sub) && sub.length() < 19 ? Long.parseLong(sub) : 0L;
        final byte[] stored = positions.get(shard);
        if (stored != null) {
            final String[] last = new String(stored, StandardCharsets.UTF_8).split("/", 2);
            if (compare(sequence, subSequence, last[0], Long.parseLong(last[1])) <= 0) {
                return true;
            }
        }
        positions.put(shard, (sequence + "/" + subSequence).getBytes(StandardCharsets.UTF_8));
        return false;
    }

    /** Kinesis sequence numbers are decimal strings of up to 128 bits: longer is larger, else compare digits. */
    static int compare(final String seqA, final long subA, final String seqB, final long subB) {
        final String a = stripZeros(seqA);
        final String b = stripZeros(seqB);
        int c = Integer.compare(a.length(), b.length());
        if (c == 0) {
            c = a.compareTo(b);
        }
        return c != 0 ? c : Long.compare(subA, subB);
    }

    private static String stripZeros(final String s) {
        int i = 0;
        while (i < s.length() - 1 && s.charAt(i) == '0') {
            i++;
        }
        return s.substring(i);
    }

    private static boolean isDigits(final String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static String value(final Headers headers, final String name) {
        final Header h = headers == null ? null : headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
