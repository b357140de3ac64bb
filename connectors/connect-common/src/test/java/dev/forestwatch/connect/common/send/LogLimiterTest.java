package dev.forestwatch.connect.common.send;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LogLimiterTest {

    private static long ms(final long ms) {
        return TimeUnit.MILLISECONDS.toNanos(ms);
    }

    @Test
    void admitsOneLinePerIntervalAndCountsTheOnesLeftOut() {
        final LogLimiter limiter = new LogLimiter(30_000);
        final long t0 = 123_456_789L;
        assertThat(limiter.admit(t0)).isZero();
        assertThat(limiter.admit(t0 + ms(1))).isEqualTo(-1);
        assertThat(limiter.admit(t0 + ms(29_999))).isEqualTo(-1);
        assertThat(limiter.admit(t0 + ms(30_000))).isEqualTo(2);
        assertThat(limiter.admit(t0 + ms(30_001))).isEqualTo(-1);
        assertThat(limiter.admit(t0 + ms(90_000))).isEqualTo(1);
    }
}
