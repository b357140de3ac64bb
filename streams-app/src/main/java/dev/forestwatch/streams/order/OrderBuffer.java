package dev.forestwatch.streams.order;

import dev.forestwatch.streams.model.Scored;
import dev.forestwatch.streams.serde.ScoredCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;

/**
 * Keys and values of the ordering buffer. The key sorts (as unsigned bytes, which is how RocksDB and the
 * in-memory store order them) by second ascending, then ANOMALY_SCORE descending, then recordId, so a range scan
 * over a second yields its records in output order, and a re-delivered record overwrites itself.
 */
final class OrderBuffer {

    private OrderBuffer() {
    }

    /** A buffered record: what the ordering step needs to forward it later, exactly as it came in. */
    record BufferedRecord(long second, long timestamp, Headers headers, Scored scored) {
    }

    static Bytes key(final long second, final double score, final String recordId) {
        final byte[] id = recordId.getBytes(StandardCharsets.UTF_8);
        // scores are >= 0, whose IEEE bits grow with the value; inverting them makes larger scores sort first
        final long scoreKey = ~Double.doubleToLongBits(Math.max(0.0, score));
        return Bytes.wrap(ByteBuffer.allocate(16 + id.length).putLong(second ^ Long.MIN_VALUE).putLong(scoreKey)
                .put(id).array());
    }

    /** The smallest key of a second: every key of earlier seconds sorts below it. */
    static Bytes secondStart(final long second) {
        return Bytes.wrap(ByteBuffer.allocate(8).putLong(second ^ Long.MIN_VALUE).array());
    }

    static long secondOf(final Bytes key) {
        return ByteBuffer.wrap(key.get()).getLong() ^ Long.MIN_VALUE;
    }

    static byte[] value(final long timestamp, final Headers headers, final Scored scored) {
        final Header[] hs = headers.toArray();
        int size = 8 + 4;
        final byte[][] keys = new byte[hs.length][];
        for (int i = 0; i < hs.length; i++) {
            keys[i] = hs[i].key().getBytes(StandardCharsets.UTF_8);
            size += 4 + keys[i].length + 4 + (hs[i].value() == null ? 0 : hs[i].value().length);
        }
        final ByteBuffer buf = ScoredCodec.encodeAfter(size, scored).putLong(timestamp).putInt(hs.length);
        for (int i = 0; i < hs.length; i++) {
            buf.putInt(keys[i].length).put(keys[i]);
            final byte[] v = hs[i].value();
            buf.putInt(v == null ? -1 : v.length);
            if (v != null) {
                buf.put(v);
            }
        }
        return buf.array();
    }

    static BufferedRecord decode(final Bytes key, final byte[] value) {
        final ByteBuffer buf = ByteBuffer.wrap(value);
        final long timestamp = buf.getLong();
        final RecordHeaders headers = new RecordHeaders();
        final int n = buf.getInt();
        for (int i = 0; i < n; i++) {
            final byte[] k = new byte[buf.getInt()];
            buf.get(k);
            final int len = buf.getInt();
            byte[] v = null;
            if (len >= 0) {
                v = new byte[len];
                buf.get(v);
            }
            headers.add(new String(k, StandardCharsets.UTF_8), v);
        }
        return new BufferedRecord(secondOf(key), timestamp, headers, ScoredCodec.decode(buf));
    }
}
