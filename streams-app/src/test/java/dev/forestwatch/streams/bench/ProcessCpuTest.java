package dev.forestwatch.streams.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.junit.jupiter.api.Test;

class ProcessCpuTest {

    @Test
    void addsUserAndSystemTicksEvenWhenTheCommandNameHoldsSpacesAndParentheses() {
        final String line = "4701 (java (broker) x) S 1 4701 4701 0 -1 4194560 9 0 0 0 250 37 0 0 20 0 51 0 8318266";

        assertThat(ProcessCpu.parseNanos(line)).isEqualTo((250 + 37) * ProcessCpu.NANOS_PER_TICK);
    }

    @Test
    void countsTheCpuThisThreadBurns() {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final ProcessCpu self = ProcessCpu.self();
        final long processBefore = self.nanos();
        final long threadBefore = threads.getCurrentThreadCpuTime();
        double x = 1;
        while (threads.getCurrentThreadCpuTime() - threadBefore < 300_000_000L) {
            x = Math.sin(x) + 1;
        }
        final long burnt = threads.getCurrentThreadCpuTime() - threadBefore;

        // the process counts at least this thread's time, give or take a tick at each end
        assertThat(self.nanos() - processBefore).isGreaterThanOrEqualTo(burnt - 2 * ProcessCpu.NANOS_PER_TICK);
        assertThat(x).isPositive();
    }

    @Test
    void aProcessThatIsGoneFailsWithItsPid() {
        final ProcessCpu gone = new ProcessCpu(Long.MAX_VALUE);

        assertThatThrownBy(gone::nanos).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(Long.toString(Long.MAX_VALUE));
    }
}
