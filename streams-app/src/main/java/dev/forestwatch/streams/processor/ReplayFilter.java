package dev.forestwatch.streams.processor;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Recognizes records an at-least-once source wrote twice, from the origin coordinates in their headers (the
 * Kinesis source's stream, stream creation time, shard id, sequence number and sub-sequence number), so a replay
 * does not update its sensor's forest a second time.
 *
 * <p>Why this holds: one input partition receives a shard's records in sequence order (the source keys them by
 * partition key and its producer keeps each partition's order), and a source that crashes re-reads from its last
 * checkpoint, so a replayed record repeats one that this partition already passed: its position lies inside the
 * range from the first to the newest position seen for its stream and shard. A position below that range is no
 * replay (what could it repeat?): a stream re-created under the same name restarts its sequence numbers, or the
 * app started reading after the first records. Such a record passes and the range restarts from it, visibly. The
 * ranges live in a changelogged store, committed with the outputs (exactly-once), so a restarted task remembers
 * them. The stream and its creation time are part of the key, so two streams writing one topic never compare
 * their unrelated sequence numbers.
 */
final class ReplayFilter {

    static final String STREAM_HEADER = "kinesis.stream";
    static final String STREAM_CREATED_HEADER = "kinesis.stream.created";

    /** What the filter decided for one record. */
    enum Verdict {
        /** New: pass it on. */
        NEW,
        /** Already passed: drop it. */
        REPLAY,
        /** Below every position seen for its stream and shard: passes, but says so. */
        RESET
    }

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

    /** Whether the record is a replay; remembers its position unless it is. Records without coordinates pass. */
    Verdict check(final Headers headers) {
        final String shard = value(headers, shardHeader);
        final String sequence = value(headers, sequenceHeader);
        if (shard == null || sequence == null || !isDigits(sequence)) {
            return Verdict.NEW;
        }
        final String sub = subSequenceHeader == null ? null : value(headers, subSequenceHeader);
        final long subSequence = sub != null && isDigits(sub) && sub.length() < 19 ? Long.parseLong(sub) : 0L;
        final String key = key(headers, shard);
        final Range seen = Range.decode(positions.get(key));
        final Position p = new Position(sequence, subSequence);
        Verdict verdict = Verdict.NEW;
        Position first = p;
        if (seen != null) {
            if (p.compareTo(seen.first()) < 0) {
                verdict = Verdict.RESET;
            } else if (p.compareTo(seen.last()) <= 0) {
                return Verdict.REPLAY;
            } else {
                first = seen.first();
            }
        }
        positions.put(key, new Range(first, p).encode());
        return verdict;
    }

    /** stream, its creation time when the source gives it, and shard: the identity a sequence number lives in. */
    private static String key(final Headers headers, final String shard) {
        final String stream = value(headers, STREAM_HEADER);
        final String created = value(headers, STREAM_CREATED_HEADER);
        return (stream == null ? "" : stream) + "@" + (created == null ? "" : created) + "/" + shard;
    }

    /** A Kinesis position: a decimal sequence number of up to 128 bits and a sub-sequence (KPL aggregation). */
    record Position(String sequence, long subSequence) implements Comparable<Position> {
        Position {
            sequence = stripZeros(sequence);
        }

        /** Longer is larger (no leading zeros), else compare digits, then the sub-sequence. */
        @Override
        public int compareTo(final Position o) {
            int c = Integer.compare(sequence.length(), o.sequence.length());
            if (c == 0) {
                c = sequence.compareTo(o.sequence);
            }
            return c != 0 ? c : Long.compare(subSequence, o.subSequence);
        }
    }

    /** The first and newest positions passed, stored as "first-seq/first-sub/last-seq/last-sub". */
    record Range(Position first, Position last) {
        byte[] encode() {
            return (first.sequence() + "/" + first.subSequence() + "/" + last.sequence() + "/" + last.subSequence())
                    .getBytes(StandardCharsets.UTF_8);
        }

        static Range decode(final byte[] stored) {
            if (stored == null) {
                return null;
            }
            final String[] f = new String(stored, StandardCharsets.UTF_8).split("/");
            final Position last = new Position(f[f.length - 2], Long.parseLong(f[f.length - 1]));
            // a range of one: what an older version stored (the newest position only)
            final Position first = f.length == 4 ? new Position(f[0], Long.parseLong(f[1])) : last;
            return new Range(first, last);
        }
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
