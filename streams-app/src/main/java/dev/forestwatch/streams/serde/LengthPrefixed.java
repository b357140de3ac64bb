package dev.forestwatch.streams.serde;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Length-prefixed fields for the app's internal topics and stores (small, fast, no schema registry needed). */
final class LengthPrefixed {

    private LengthPrefixed() {
    }

    static int sizeOf(final byte[] b) {
        return 4 + b.length;
    }

    static byte[] utf8(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static void put(final ByteBuffer buf, final byte[] b) {
        buf.putInt(b.length).put(b);
    }

    static byte[] bytes(final ByteBuffer buf) {
        final byte[] b = new byte[buf.getInt()];
        buf.get(b);
        return b;
    }

    static String string(final ByteBuffer buf) {
        return new String(bytes(buf), StandardCharsets.UTF_8);
    }
}
