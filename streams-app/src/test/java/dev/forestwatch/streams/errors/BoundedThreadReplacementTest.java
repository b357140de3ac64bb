package dev.forestwatch.streams.errors;

import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** errors.thread.replacements.max: at most that many replacements in any hour, then the app shuts down. */
class BoundedThreadReplacementTest {

    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-12-01T00:00:00Z");

        void advance(final Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(final ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static final RuntimeException BOOM = new IllegalStateException("test");

    @Test
    void replacesUpToTheLimitWithinAnHourThenShutsDown() {
        final ManualClock clock = new ManualClock();
        final BoundedThreadReplacement handler = new BoundedThreadReplacement(3, clock);
        for (int i = 0; i < 3; i++) {
            assertThat(handler.handle(BOOM)).as("death %d", i + 1).isEqualTo(REPLACE_THREAD);
            clock.advance(Duration.ofMinutes(10));
        }
        assertThat(handler.handle(BOOM)).isEqualTo(SHUTDOWN_CLIENT);
    }

    @Test
    void deathsOlderThanAnHourNoLongerCount() {
        final ManualClock clock = new ManualClock();
        final BoundedThreadReplacement handler = new BoundedThreadReplacement(2, clock);
        assertThat(handler.handle(BOOM)).isEqualTo(REPLACE_THREAD);
        clock.advance(Duration.ofMinutes(30));
        assertThat(handler.handle(BOOM)).isEqualTo(REPLACE_THREAD);
        clock.advance(Duration.ofMinutes(30));
        // the first death is exactly an hour old: still inside the window
        assertThat(handler.handle(BOOM)).isEqualTo(SHUTDOWN_CLIENT);
        clock.advance(Duration.ofMillis(1));
        assertThat(handler.handle(BOOM)).as("the first death left the window").isEqualTo(REPLACE_THREAD);
        assertThat(handler.handle(BOOM)).as("deaths at 30 min and 60 min still count").isEqualTo(SHUTDOWN_CLIENT);
    }

    @Test
    void aRefusedReplacementIsNotCountedAsOne() {
        final ManualClock clock = new ManualClock();
        final BoundedThreadReplacement handler = new BoundedThreadReplacement(1, clock);
        assertThat(handler.handle(BOOM)).isEqualTo(REPLACE_THREAD);
        for (int i = 0; i < 5; i++) {
            assertThat(handler.handle(BOOM)).isEqualTo(SHUTDOWN_CLIENT);
        }
        clock.advance(Duration.ofMinutes(61));
        assertThat(handler.handle(BOOM)).isEqualTo(REPLACE_THREAD);
    }

    @Test
    void zeroMeansNeverReplace() {
        assertThat(new BoundedThreadReplacement(0, new ManualClock()).handle(BOOM)).isEqualTo(SHUTDOWN_CLIENT);
    }
}
